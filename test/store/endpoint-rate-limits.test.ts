import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Db } from "../../src/store/database.js";
import { reserveSendTimes, spacingMicros, type SendTimeRequest } from "../../src/store/endpoint-rate-limits.js";
import { eventually } from "../support/eventually.js";
import { useForTests } from "../support/use-for-tests.js";
import { useTestDatabase } from "../support/test-database.js";

// The rate limiter's shared state: send times reserved on the database's clock, spaced per group
// and endpoint, never overlapping however many workers reserve at once.

const test = useTestDatabase();
// A second pool on the same database: another worker process, as far as locks are concerned.
const otherWorker = useForTests(async () => ({ db: createDatabase(test.url) }), ({ db }) => db.destroy());

let organizationId = "";
beforeAll(async () => {
  organizationId = (await test.db.insertInto("organizations").values({ name: "Rate limits" }).returning("id").executeTakeFirstOrThrow()).id;
});

/** A fresh group, so no test sees another's reservations. */
async function newGroup(): Promise<string> {
  const group = await test.db
    .insertInto("webhook_groups")
    .values({ organization_id: organizationId, name: "limited", signing_secret_encrypted: "x", max_requests_per_second: 10 })
    .returning("id")
    .executeTakeFirstOrThrow();
  return group.id;
}

async function databaseNow(db: Db = test.db): Promise<number> {
  const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(db);
  return rows[0]!.now.getTime();
}

async function nextFreeAt(groupId: string, endpoint: string): Promise<number> {
  const row = await test.db
    .selectFrom("endpoint_rate_limits")
    .select("next_free_at")
    .where("webhook_group_id", "=", groupId)
    .where("endpoint", "=", endpoint)
    .executeTakeFirstOrThrow();
  return row.next_free_at.getTime();
}

function requests(groupId: string, endpoint: string, perSecond: number, count: number): SendTimeRequest[] {
  return Array.from({ length: count }, () => ({ groupId, endpoint, perSecond }));
}

const ms = (times: Date[]) => times.map((time) => time.getTime());
const gaps = (times: number[]) => times.slice(1).map((time, index) => time - times[index]!);

/** The most requests sent at `times` that fall in any one closed one-second window. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! <= sorted[start]! + 1000) end++;
    busiest = Math.max(busiest, end - start);
  }
  return busiest;
}

// 10 a second: 110 ms apart (1 s / 10 plus 10%), a whole number of milliseconds, so the times a
// Date can hold show the spacing exactly.
const spacing10 = 110;

describe("reserveSendTimes", () => {
  it("spaces one endpoint's requests in a batch exactly, from now, and moves the row past the last", async () => {
    const groupId = await newGroup();
    const before = await databaseNow();
    const times = ms(await reserveSendTimes(test.db, requests(groupId, "https://partner.example/a", 10, 12)));
    const after = await databaseNow();

    expect(spacingMicros(10)).toBe(spacing10 * 1000);
    expect(gaps(times)).toEqual(Array(11).fill(spacing10));
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(times[0]).toBeLessThanOrEqual(after + 1);
    expect(busiestSecond(times)).toBe(10);
    // The next free time is one spacing after the last slot (the slots are rounded up to the ms).
    const free = await nextFreeAt(groupId, "https://partner.example/a");
    expect(free - times.at(-1)!).toBeGreaterThanOrEqual(spacing10 - 1);
    expect(free - times.at(-1)!).toBeLessThanOrEqual(spacing10);
  });

  it("answers in the order of the requests, each endpoint and group on its own spacing", async () => {
    const [group1, group2] = [await newGroup(), await newGroup()];
    const before = await databaseNow();
    const a = { groupId: group1, endpoint: "https://partner.example/a", perSecond: 10 };
    const b = { groupId: group1, endpoint: "https://partner.example/b", perSecond: 10 };
    const sameEndpointOtherGroup = { groupId: group2, endpoint: "https://partner.example/a", perSecond: 1 };
    const [a1, b1, a2, other1, b2, a3, other2] = ms(await reserveSendTimes(test.db, [a, b, a, sameEndpointOtherGroup, b, a, sameEndpointOtherGroup]));
    const after = await databaseNow();

    expect([a2! - a1!, a3! - a2!]).toEqual([spacing10, spacing10]);
    expect(b2! - b1!).toBe(spacing10);
    expect(other2! - other1!).toBe(1100);
    // Each key starts now, not behind another key's slots.
    for (const first of [a1!, b1!, other1!]) {
      expect(first).toBeGreaterThanOrEqual(before);
      expect(first).toBeLessThanOrEqual(after + 1);
    }
  });

  it("continues after the slots of earlier batches", async () => {
    const groupId = await newGroup();
    const first = ms(await reserveSendTimes(test.db, requests(groupId, "https://partner.example/a", 10, 3)));
    const second = ms(await reserveSendTimes(test.db, requests(groupId, "https://partner.example/a", 10, 3)));
    expect(gaps([...first, ...second])).toEqual(Array(5).fill(spacing10));
  });

  it("restarts at now when the row's next free time has passed", async () => {
    const groupId = await newGroup();
    const endpoint = "https://partner.example/idle";
    await reserveSendTimes(test.db, requests(groupId, endpoint, 10, 1));
    await sql`update endpoint_rate_limits set next_free_at = now() - interval '1 hour' where webhook_group_id = ${groupId}`.execute(test.db);

    const before = await databaseNow();
    const times = ms(await reserveSendTimes(test.db, requests(groupId, endpoint, 10, 2)));
    const after = await databaseNow();
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(times[0]).toBeLessThanOrEqual(after + 1);
    expect(times[1]! - times[0]!).toBe(spacing10);
  });

  it("gives a batch that waited for another worker's lock the slots after that worker's", async () => {
    const groupId = await newGroup();
    const endpoint = "https://partner.example/contended";
    let waiting: Promise<Date[]> | undefined;
    const held = await test.db.transaction().execute(async (trx) => {
      const times = await reserveSendTimes(trx, requests(groupId, endpoint, 10, 5));
      // The other worker's reservation blocks on the row this transaction has locked…
      waiting = reserveSendTimes(otherWorker.db, requests(groupId, endpoint, 10, 5));
      // (read outside the transaction, which would see one snapshot of the activity)
      await eventually(
        async () => (await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query like '%endpoint_rate_limits%'`.execute(test.db)).rows[0]!.n,
        (n) => n === 1,
        { what: "the other worker waiting for the row lock" },
      );
      return times;
    });
    // …and, once it is released, reads the row as this transaction left it.
    const after = await waiting!;
    expect(gaps(ms([...held, ...after]))).toEqual(Array(9).fill(spacing10));
  });

  it("never hands two concurrent workers slots closer than the spacing", async () => {
    const groupId = await newGroup();
    const endpoint = "https://partner.example/busy";
    // 20 batches of 1–5 requests at once, alternating between the two pools (two processes).
    const batches = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        reserveSendTimes(index % 2 ? otherWorker.db : test.db, requests(groupId, endpoint, 10, 1 + (index % 5))),
      ),
    );
    const times = batches.flatMap(ms).sort((a, b) => a - b);
    expect(times).toHaveLength(60);
    expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(spacing10);
    expect(busiestSecond(times)).toBe(10);
    // Each batch's own slots are consecutive in the whole sequence: one reservation, not interleaved.
    for (const batch of batches.map(ms)) expect(gaps(batch)).toEqual(Array(batch.length - 1).fill(spacing10));
  });

  it("keeps to the limit at the top of the range (10,000 a second), rounded up to whole milliseconds", async () => {
    const groupId = await newGroup();
    const times = ms(await reserveSendTimes(test.db, requests(groupId, "https://partner.example/fast", 10_000, 10_050)));
    // 10,050 slots 110 µs apart span a little over a second: at most 10,000 fall in any one, even
    // with each rounded up to its millisecond.
    expect(gaps(times).every((gap) => gap >= 0)).toBe(true);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(1000);
    expect(busiestSecond(times)).toBeLessThanOrEqual(10_000);
  });

  it("answers nothing for no requests, and refuses a rate that is not a whole number from 1", async () => {
    expect(await reserveSendTimes(test.db, [])).toEqual([]);
    const groupId = await newGroup();
    for (const perSecond of [0, -1, 1.5, Number.NaN]) {
      await expect(reserveSendTimes(test.db, requests(groupId, "https://partner.example/a", perSecond, 1))).rejects.toThrow(RangeError);
    }
  });
});
