import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { startHookgate } from "../../src/app.js";
import { useDatabaseLink } from "../support/database-link.js";
import { eventually } from "../support/eventually.js";
import { useTestApp } from "../support/test-app.js";
import { scrape } from "./scrape.js";

// Issue 13, part 3: /health is liveness, /ready readiness. hookgate runs as `npm start` does (API
// and worker in one process) and reaches PostgreSQL through a link the test cuts the way a
// restart does: every connection dropped, new ones refused until it comes back.

const link = useDatabaseLink();
const app = useTestApp({ HOOKGATE_WORKER_POLL_INTERVAL: "100ms" }, { worker: true, databaseUrl: (url) => link.through(url) });

async function probe(path: "/ready" | "/health") {
  const response = await fetch(`${app.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("/ready", () => {
  it("answers 200 while the database answers, its migrations are current and the worker runs", async () => {
    expect(await probe("/ready")).toEqual({
      status: 200,
      body: { status: "ready", checks: { database: "ok", migrations: "current", worker: "running" } },
    });
  });

  it("flips to 503 when the database goes away, and back to 200 when it returns; /health stays 200", async () => {
    const cut = link.cut(4_000);
    const down = await eventually(() => probe("/ready"), (answer) => answer.status === 503, { timeoutMs: 3_000, intervalMs: 100, what: "503 from /ready" });
    expect(down.body).toMatchObject({ status: "not ready", reason: "the database did not answer", checks: { database: "unreachable", migrations: "unknown" } });
    // The answer names no host, port or driver message: the reason is for the operator's probe.
    expect(JSON.stringify(down.body)).not.toMatch(/127\.0\.0\.1|ECONN|postgres/i);
    expect(await probe("/health")).toEqual({ status: 200, body: { status: "ok" } });
    // /metrics still answers with the process's own figures; the gauges read from the database sit this scrape out.
    const metrics = await scrape(app.url);
    expect(metrics.status).toBe(200);
    expect(metrics.value("hookgate_deliveries_total", { status: "SUCCEEDED" })).toBe(0);
    expect(metrics.value("hookgate_deliveries_pending", { status: "PENDING" })).toBeUndefined();
    await cut;
    const up = await eventually(() => probe("/ready"), (answer) => answer.status === 200, { timeoutMs: 20_000, intervalMs: 100, what: "200 from /ready" });
    expect(up.body.checks).toEqual({ database: "ok", migrations: "current", worker: "running" });
    expect((await scrape(app.url)).value("hookgate_deliveries_pending", { status: "PENDING" })).toBe(0);
  });

  it("answers 503 naming a migration the database lacks, until it is applied", async () => {
    const { rows } = await sql<{ name: string; timestamp: string }>`
      delete from kysely_migration where name = (select max(name) from kysely_migration) returning name, timestamp`.execute(app.db);
    const [removed] = rows;
    try {
      const behind = await probe("/ready");
      expect(behind.status).toBe(503);
      expect(behind.body.checks).toEqual({ database: "ok", migrations: "behind", worker: "running" });
      expect(behind.body.reason).toBe(`migrations not applied: ${removed!.name} (run \`hookgate migrate\` or start a process that migrates)`);
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${removed!.name}, ${removed!.timestamp})`.execute(app.db);
    }
    expect((await probe("/ready")).status).toBe(200);
  });

  it("a database that applied 0014 before 0013 existed gets 0013 at the next start, and is ready", async () => {
    // main had 0014 alone for a while: such a database has 0014's row and none of 0013's indexes.
    const indexes = ["deliveries_finished", "deliveries_publication", "publications_created", "publication_keys_created", "publication_keys_publication"];
    await sql`delete from kysely_migration where name = '0013_retention_indexes'`.execute(app.db);
    for (const name of indexes) await sql`drop index ${sql.id(name)}`.execute(app.db);
    expect((await probe("/ready")).body.reason).toBe("migrations not applied: 0013_retention_indexes (run `hookgate migrate` or start a process that migrates)");

    const config = { ...app.hookgate.services.config, host: "127.0.0.1", port: 0 };
    const second = await startHookgate(config, { roles: { api: true, worker: false }, announce: () => {} });
    try {
      const ready = await fetch(`${second.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready", checks: { database: "ok", migrations: "current" } });
    } finally {
      await second.stop();
    }
    const { rows } = await sql<{ name: string }>`
      select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = any(${indexes}::text[]) and i.indisvalid order by 1`.execute(app.db);
    expect(rows.map((row) => row.name)).toEqual([...indexes].sort());
    expect((await probe("/ready")).status).toBe(200);
  });
});
