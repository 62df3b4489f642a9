import { sql } from "kysely";
import type { Db } from "../../src/store/database.js";

/**
 * Rows in every table hookgate and graphile-worker keep, by table: a refused request must leave
 * all of them as they were ("bad input changes nothing"). Request bookkeeping (rate-limit
 * counters) is left out: counting a refused request there is its job.
 */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select quote_ident(table_schema) || '.' || quote_ident(table_name) as name
    from information_schema.tables
    where table_schema in ('public', 'graphile_worker') and table_type = 'BASE TABLE' and table_name !~* 'rate|limit'
    order by 1`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.raw(name)}`.execute(db);
    counts[name] = Number(rows[0]!.n);
  }
  return counts;
}
