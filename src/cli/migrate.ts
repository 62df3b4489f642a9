import { parseCommandArgs, type Outcome } from "./command.js";
import { withMigratedDatabase } from "./database.js";

export async function migrate(args: string[]): Promise<Outcome> {
  parseCommandArgs("migrate", args, {});
  const applied = await withMigratedDatabase(async (_db, applied) => applied);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
  return 0;
}
