import { beforeAll, describe, expect, it } from "vitest";
import { isFinished, waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { createEvent, createGroup, createOrder, groupInput } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

const app = useTestApp({ HOOKGATE_RETRY_SCHEDULE: "300ms,300ms,300ms" }, { worker: true });
const receiver = useReceiver();
let eventId: string;

beforeAll(async () => {
  eventId = (await createEvent(app)).id;
});

async function orderedGroup(path: string) {
  const input = groupInput({ ordered: true, hooks: [{ type: "ORDER_CREATED", endpoint: `${receiver.url}${path}` }], authentication: null });
  return (await createGroup(app, input)).webhookGroup.id as string;
}

/** Order ids as the partner saw them, one per request, in arrival order. */
function arrivals(path: string) {
  return receiver.requests.filter((request) => request.path === path).map((request) => JSON.parse(request.body).order_id as string);
}

describe("an ordered group", () => {
  it("delivers one at a time in publication order, a failing delivery holding those behind it until it succeeds", async () => {
    const groupId = await orderedGroup("/ordered");
    let inFlight = 0;
    let mostInFlight = 0;
    let failuresLeft = 2;
    receiver.answerAlways((request) => {
      if (request.path !== "/ordered") return { status: 200 };
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const done = new Promise((resolve) => setTimeout(resolve, 20)).then(() => (inFlight -= 1));
      // The first delivery fails twice before it succeeds.
      const first = arrivals("/ordered")[0] === JSON.parse(request.body).order_id;
      if (first && failuresLeft > 0) {
        failuresLeft -= 1;
        return { status: 500, until: done };
      }
      return { status: 200, until: done };
    });
    const orders: string[] = [];
    for (let i = 0; i < 8; i++) orders.push((await createOrder(app, eventId)).id);
    const ids = await waitForDeliveryIds(app, { groupId }, 8);
    for (const id of ids) expect((await waitForDelivery(app, id, isFinished)).status).toBe("SUCCEEDED");

    expect(arrivals("/ordered")).toEqual([orders[0], orders[0], ...orders]);
    expect(mostInFlight).toBe(1);
  });

  it("lets the next go once the one ahead has failed for good", async () => {
    const groupId = await orderedGroup("/gives-up");
    receiver.answerAlways((request) => {
      if (request.path !== "/gives-up") return { status: 200 };
      return arrivals("/gives-up")[0] === JSON.parse(request.body).order_id ? { status: 500 } : { status: 200 };
    });
    const first = (await createOrder(app, eventId)).id;
    const second = (await createOrder(app, eventId)).id;
    const ids = await waitForDeliveryIds(app, { groupId }, 2);
    const statuses = await Promise.all(ids.map(async (id) => (await waitForDelivery(app, id, isFinished)).status));
    expect(statuses.sort()).toEqual(["FAILED", "SUCCEEDED"]);
    // Four tries of the first (the whole schedule), then the second.
    expect(arrivals("/gives-up")).toEqual([first, first, first, first, second]);
  });

  it("sends a redelivered older delivery only once the newer one in flight has been recorded", async () => {
    const groupId = await orderedGroup("/redelivered");
    let inFlight = 0;
    let mostInFlight = 0;
    let release = () => {};
    const held = new Promise((resolve) => (release = () => resolve(undefined)));
    receiver.answerAlways((request) => {
      if (request.path !== "/redelivered") return { status: 200 };
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const second = arrivals("/redelivered").length === 2;
      const done = (second ? held : Promise.resolve()).then(() => (inFlight -= 1));
      return { status: 200, until: done };
    });
    const first = (await createOrder(app, eventId)).id;
    const [firstId] = await waitForDeliveryIds(app, { groupId }, 1);
    await waitForDelivery(app, firstId!, isFinished);
    const second = (await createOrder(app, eventId)).id;
    await receiver.waitFor(receiver.requests.length + 1);
    const redelivered = await app.graphql(`mutation ($id: ID!) { redeliver(deliveryId: $id) { id } }`, { id: firstId });
    expect(redelivered.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(arrivals("/redelivered")).toEqual([first, second]);
    release();
    await waitForDelivery(app, firstId!, (delivery) => delivery.attemptCount === 2 && delivery.finishedAt !== null);
    expect(arrivals("/redelivered")).toEqual([first, second, first]);
    expect(mostInFlight).toBe(1);
  });
});
