import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Db } from "../../src/store/database.js";
import { reserveSendTime, spacingMicros, type SendTime } from "../../src/store/endpoint-rate-limits.js";
import { useForTests } from "../support/use-for-tests.js";
import { useTestDatabase } from "../support/test-database.js";

// The rate limiter's shared state: send times reserved on the database's clock, spaced per group
// and endpoint, never overlapping however many workers reserve at once, and only within a window.

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
    .values({ organization_id: organizationId, name: "limited", signing_secret_encrypted: "x", mode: "LIVE", max_requests_per_second: 10 })
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

const gaps = (times: number[]) => times.slice(1).map((time, index) => time - times[index]!);

const spacing10 = 110; // 10 a second: 1 s / 10 plus 10%, in ms
const waitOf = (time: SendTime) => (time.reserved ? time.waitMs : Number.NaN);

describe("reserveSendTime", () => {
  it("spaces one endpoint's times exactly, from now, moving the row one spacing per reservation", async () => {
    const groupId = await newGroup();
    const endpoint = "https://partner.example/a";
    const request = { groupId, endpoint, perSecond: 10 };
    expect(spacingMicros(10)).toBe(spacing10 * 1000);
    const first = await reserveSendTime(test.db, request, 60_000);
    expect(waitOf(first)).toBeLessThan(5);
    const afterFirst = await nextFreeAt(groupId, endpoint);
    for (let i = 0; i < 4; i++) await reserveSendTime(test.db, request, 60_000);
    expect((await nextFreeAt(groupId, endpoint)) - afterFirst).toBe(4 * spacing10);
    // Other endpoints of the group, and the same endpoint of another group, start now.
    expect(waitOf(await reserveSendTime(test.db, { ...request, endpoint: "https://partner.example/b" }, 60_000))).toBeLessThan(5);
    expect(waitOf(await reserveSendTime(test.db, { ...request, groupId: await newGroup() }, 60_000))).toBeLessThan(5);
  });

  it("reserves nothing beyond the window, and says when to look again", async () => {
    const groupId = await newGroup();
    const endpoint = "https://partner.example/slow";
    const request = { groupId, endpoint, perSecond: 1 };
    expect((await reserveSendTime(test.db, request, 500)).reserved).toBe(true);
    const before = await nextFreeAt(groupId, endpoint);
    const refused = await reserveSendTime(test.db, request, 500);
    expect(refused.reserved).toBe(false);
    if (refused.reserved) return;
    // The next time is 1.1 s away; the window of 0.5 s reaches it in about 0.6 s.
    expect(refused.retryInMs).toBeGreaterThan(450);
    expect(refused.retryInMs).toBeLessThan(650);
    expect(await nextFreeAt(groupId, endpoint)).toBe(before);
  });

  it("restarts at now when the row's next free time has passed", async () => {
    const groupId = await newGroup();
    const request = { groupId, endpoint: "https://partner.example/idle", perSecond: 10 };
    await reserveSendTime(test.db, request, 60_000);
    await sql`update endpoint_rate_limits set next_free_at = now() - interval '1 hour' where webhook_group_id = ${groupId}`.execute(test.db);
    expect(waitOf(await reserveSendTime(test.db, request, 60_000))).toBeLessThan(5);
  });

  it("never hands two concurrent workers times closer than the spacing", async () => {
    const groupId = await newGroup();
    const request = { groupId, endpoint: "https://partner.example/busy", perSecond: 10 };
    // 30 reservations at once, alternating between two pools (two processes).
    const times = await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        const reserved = await reserveSendTime(index % 2 ? otherWorker.db : test.db, request, 60_000);
        return reserved.reserved ? reserved.at.getTime() : Number.NaN;
      }),
    );
    // Dates hold milliseconds: the 110,000 µs spacing shows as at least 109 ms.
    expect(Math.min(...gaps(times.sort((a, b) => a - b)))).toBeGreaterThanOrEqual(spacing10 - 1);
  });

  it("refuses a rate that is not a whole number from 1", async () => {
    const groupId = await newGroup();
    for (const perSecond of [0, -1, 1.5, Number.NaN]) {
      await expect(reserveSendTime(test.db, { groupId, endpoint: "https://partner.example/a", perSecond }, 1_000)).rejects.toThrow(RangeError);
    }
  });
});
