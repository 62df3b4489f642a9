import { beforeAll, describe, expect, it } from "vitest";
import { isFinished, waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { createEvent, createGroup, createOrder, groupInput } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { busiest } from "../support/busiest-window.js";

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
});

describe("a group with maxRequestsPerSecond", () => {
  it("never sends an endpoint more than its limit in any second, and delivers everything without using attempts", async () => {
    const input = groupInput({
      maxRequestsPerSecond: 4,
      hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}/limited` }],
      authentication: null,
    });
    const groupId = (await createGroup(app, input)).webhookGroup.id as string;
    await Promise.all(Array.from({ length: 14 }, () => createOrder(app, eventId)));
    const ids = await waitForDeliveryIds(app, { groupId }, 14);
    for (const id of ids) {
      const delivery = await waitForDelivery(app, id, isFinished, { timeoutMs: 30_000 });
      expect(delivery.status).toBe("SUCCEEDED");
      expect(delivery.attemptCount).toBe(1);
    }
    const times = receiver.requests.filter((request) => request.path === "/limited").map((request) => request.receivedAt);
    expect(times).toHaveLength(14);
    // Sends are spaced 1.1 s / 4 = 275 ms apart, so five span 1.1 s. Arrival is timed here, in a
    // process that may be busy: one request read 250 ms late must not look like a burst, so the
    // window is 850 ms (an unlimited group sends all 14 within a few milliseconds).
    expect(busiest(times, 850)).toBeLessThanOrEqual(4);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(13 * 250);
  });
});
