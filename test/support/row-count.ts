import type { RawBuilder } from "kysely";
import type { Db } from "../../src/store/database.js";

/** What a `select count(*) as n …` query answers, as a number. */
export async function count(db: Db, query: RawBuilder<{ n: string }>): Promise<number> {
  return Number((await query.execute(db)).rows[0]!.n);
}
