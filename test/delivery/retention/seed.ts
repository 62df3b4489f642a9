import { sql } from "kysely";
import type { Db } from "../../../src/store/database.js";

export const day = 86_400_000;

/** Sets a delivery's outcome and ages it: finished `agoMs` ago (null: left unfinished, created that long ago). */
export async function age(db: Db, ids: readonly string[], agoMs: number, status: "SUCCEEDED" | "FAILED" | "GONE" | "RETRYING" | "PENDING") {
  const finished = status === "SUCCEEDED" || status === "FAILED" || status === "GONE";
  await sql`
    update deliveries set status = ${status},
      created_at = now() - ${agoMs + 60_000} * interval '1 millisecond',
      finished_at = case when ${finished}::boolean then now() - ${agoMs} * interval '1 millisecond' end
    where id = any(${[...ids]}::uuid[])`.execute(db);
}

/** `count` attempts for each delivery, as a worker records them (with a 2 KiB answer each, and the count on the delivery). */
export async function addAttempts(db: Db, ids: readonly string[], count: number) {
  await sql`update deliveries set attempt_count = attempt_count + ${count} where id = any(${[...ids]}::uuid[])`.execute(db);
  await sql`
    insert into delivery_attempts (delivery_id, number, started_at, duration_ms, request_method, request_url,
                                   request_headers, response_status, response_body)
    select d.id, n, now(), 12, 'POST', 'https://partner.example/orders', '{"content-type": "application/json"}', 500, repeat('x', 2048)
    from unnest(${[...ids]}::uuid[]) as d (id) cross join generate_series(1, ${count}) as n`.execute(db);
}

/**
 * `count` copies of delivery `like` (same organization, group and hook; no publication, as a test
 * delivery has none), finished `agoMs` ago, each with `attempts` attempts. For volume: one statement.
 */
export async function cloneFinished(db: Db, like: string, count: number, agoMs: number, attempts: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    insert into deliveries (organization_id, publication_id, webhook_group_id, hook_id, type, occurred_at, mode,
                            status, attempt_count, created_at, finished_at, payload)
    select organization_id, null, webhook_group_id, hook_id, type, occurred_at, mode, 'SUCCEEDED', 0,
           now() - ${agoMs + 60_000} * interval '1 millisecond', now() - ${agoMs} * interval '1 millisecond', repeat('p', 512)
    from deliveries, generate_series(1, ${count})
    where id = ${like}
    returning id`.execute(db);
  const ids = rows.map((row) => row.id);
  await addAttempts(db, ids, attempts);
  return ids;
}

export async function exists(db: Db, table: string, id: string): Promise<boolean> {
  const { rows } = await sql`select 1 from ${sql.table(table)} where id = ${id}`.execute(db);
  return rows.length === 1;
}

export async function attemptsOf(db: Db, id: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from delivery_attempts where delivery_id = ${id}`.execute(db);
  return rows[0]!.n;
}
