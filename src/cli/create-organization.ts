import { InputError } from "../errors.js";
import { createOrganization } from "../organizations/organizations.js";
import { requiredText } from "../source/source-input.js";
import { parseCommandArgs, type Outcome } from "./command.js";
import { withMigratedDatabase } from "./database.js";
import { UsageError } from "./usage.js";

export async function createOrganizationCommand(args: string[]): Promise<Outcome> {
  const { values, positionals } = parseCommandArgs("create-organization", args, { json: { type: "boolean" } }, [
    "the organization's <name>",
  ]);
  const name = checkedName(positionals[0]!);
  const { organization, apiKey } = await withMigratedDatabase((db) => createOrganization(db, name));
  if (values.json) {
    console.log(JSON.stringify({ organizationId: organization.id, apiKey: apiKey.key }));
  } else {
    console.log(`organization id: ${organization.id}\nadmin API key:   ${apiKey.key}`);
    console.error("(the key is shown only this once: hookgate stores a hash; keep it now)");
  }
  return 0;
}

/** Checked before the database is opened, so a bad name costs nothing. */
function checkedName(name: string): string {
  try {
    return requiredText(name, "name", 200);
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`the organization's ${error.message}`, "create-organization");
    throw error;
  }
}
