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
  // One statement for all of them: property tests count before and after every request.
  const counted = await sql<Record<string, string>>`select ${sql.join(
    tables.rows.map(({ name }, index) => sql`(select count(*) from ${sql.raw(name)}) as ${sql.raw(`c${index}`)}`),
  )}`.execute(db);
  const counts: Record<string, number> = {};
  tables.rows.forEach(({ name }, index) => (counts[name] = Number(counted.rows[0]?.[`c${index}`])));
  return counts;
}
