import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent, createOrder } from "../support/fixtures.js";
import { isFinished, sleep, waitForDelivery, waitForDeliveryIds } from "../support/delivery-log.js";
import { startReceiver, type Receiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import {
  createFullGroup,
  deliveryCount,
  expectError,
  groupsSnapshot,
  readGroup,
  receiverGroupInput,
  requestsTo,
  setEnabled,
  waitForPath,
  type Group,
} from "../support/group-helpers.js";

const app = useTestApp({}, { worker: true });
let receiver: Receiver;
let eventId = "";

beforeAll(async () => {
  receiver = await startReceiver();
  eventId = (await createEvent(app, { title: "Enable/disable fest" })).id;
});
afterAll(async () => {
  await receiver.close();
});

/** Configuration: everything but the enabled state. */
function configurationOf(group: Group) {
  const { enabled: _enabled, disabledAt: _at, disabledReason: _reason, ...configuration } = group;
  return configuration;
}

describe("setWebhookGroupEnabled", () => {
  let paused: Group;
  let running: Group;

  beforeAll(async () => {
    paused = (await createFullGroup(app, receiverGroupInput(receiver, "/paused"))).webhookGroup;
    running = (await createFullGroup(app, receiverGroupInput(receiver, "/running"))).webhookGroup;
  });

  it("disables a group: enabled false, disabledAt and disabledReason set, configuration unchanged", async () => {
    const before = (await readGroup(app, paused.id))!;
    expect(before).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });

    const startedAt = Date.now();
    const result = await setEnabled(app, paused.id, false);
    expect(result.errors).toBeUndefined();
    const answered = result.data!.setWebhookGroupEnabled as Group;
    expect(answered).toMatchObject({ id: paused.id, enabled: false });
    expect(answered.disabledReason).toEqual(expect.any(String));
    expect(answered.disabledReason!.length).toBeGreaterThan(0);
    const disabledAt = Date.parse(answered.disabledAt!);
    expect(Math.abs(disabledAt - startedAt)).toBeLessThan(60_000);

    // Same group (same id, same hooks), only its state changed; and a later read agrees.
    expect(configurationOf(answered)).toEqual(configurationOf(before));
    expect(await readGroup(app, paused.id)).toEqual(answered);
  });

  it("a disabled group gets no delivery for a change while an enabled group does", async () => {
    const countBefore = await deliveryCount(app, paused.id);
    const order = await createOrder(app, eventId);

    // The enabled group's delivery arrives and succeeds.
    const [runningDelivery] = await waitForDeliveryIds(app, { groupId: running.id, orderId: order.id });
    await waitForDelivery(app, runningDelivery!, isFinished);
    await waitForPath(receiver, "/running", 1);

    // Deliveries are created in the change's own transaction: none for the disabled group, now or later.
    expect(await deliveryCount(app, paused.id)).toBe(countBefore);
    await sleep(500);
    expect(await deliveryCount(app, paused.id)).toBe(countBefore);
    expect(requestsTo(receiver, "/paused")).toHaveLength(0);
  });

  it("re-enabling resumes deliveries and clears disabledAt/disabledReason", async () => {
    const result = await setEnabled(app, paused.id, true);
    expect(result.errors).toBeUndefined();
    expect(result.data!.setWebhookGroupEnabled).toMatchObject({ id: paused.id, enabled: true, disabledAt: null, disabledReason: null });
    expect(configurationOf(result.data!.setWebhookGroupEnabled as Group)).toEqual(configurationOf(paused));

    const order = await createOrder(app, eventId);
    const [id] = await waitForDeliveryIds(app, { groupId: paused.id, orderId: order.id });
    const delivery = await waitForDelivery(app, id!, isFinished);
    expect(delivery.status).toBe("SUCCEEDED");
    const [request] = await waitForPath(receiver, "/paused", 1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: "order_created", order_id: order.id });
    expect(await deliveryCount(app, paused.id)).toBe(1);
  });

  it("another organization's group id is NOT_FOUND and nothing changes", async () => {
    const other = await app.createOrganization("Someone else");
    const before = await groupsSnapshot(app);
    for (const enabled of [false, true]) {
      const result = await setEnabled(app, paused.id, enabled, other.adminKey);
      expectError(result, "NOT_FOUND");
      expect(result.data?.setWebhookGroupEnabled ?? null).toBeNull();
    }
    expect(await groupsSnapshot(app)).toBe(before);
    expect(await readGroup(app, paused.id)).toMatchObject({ enabled: true });

    // The other organization's own group cannot be switched by this one either.
    const theirs = (await createFullGroup(app, receiverGroupInput(receiver, "/theirs"), other.adminKey)).webhookGroup;
    const snapshot = await groupsSnapshot(app);
    expectError(await setEnabled(app, theirs.id, false), "NOT_FOUND");
    expect(await groupsSnapshot(app)).toBe(snapshot);
    expect(await readGroup(app, theirs.id, other.adminKey)).toMatchObject({ enabled: true });
  });

  it("an unknown id, a malformed id and a deleted group are NOT_FOUND", async () => {
    expectError(await setEnabled(app, "00000000-0000-4000-8000-000000000000", false), "NOT_FOUND");
    expectError(await setEnabled(app, "not-a-uuid", false), "NOT_FOUND");
    const doomed = (await createFullGroup(app, receiverGroupInput(receiver, "/doomed"))).webhookGroup;
    const deleted = await app.graphql(`mutation ($id: ID!) { deleteWebhookGroup(id: $id) }`, { id: doomed.id });
    expect(deleted.data?.deleteWebhookGroup).toBe(true);
    expectError(await setEnabled(app, doomed.id, true), "NOT_FOUND");
  });

  it("a VIEWER key is FORBIDDEN and nothing changes", async () => {
    const issued = await app.graphql(`mutation { createApiKey(role: VIEWER) { apiKey } }`);
    const viewerKey = issued.data!.createApiKey.apiKey as string;
    const before = await groupsSnapshot(app);
    expectError(await setEnabled(app, running.id, false, viewerKey), "FORBIDDEN");
    expect(await groupsSnapshot(app)).toBe(before);
    // The viewer may still read the group, and sees it enabled.
    expect(await readGroup(app, running.id, viewerKey)).toMatchObject({ id: running.id, enabled: true, disabledAt: null });
  });

  it("disabling twice keeps the group disabled; the list shows the state too", async () => {
    expect((await setEnabled(app, running.id, false)).data!.setWebhookGroupEnabled).toMatchObject({ enabled: false });
    const again = await setEnabled(app, running.id, false);
    expect(again.errors).toBeUndefined();
    expect(again.data!.setWebhookGroupEnabled).toMatchObject({ enabled: false, disabledReason: expect.any(String) });
    const listed = await app.graphql(`{ webhookGroups(first: 50) { edges { node { id enabled disabledAt } } } }`);
    const node = (listed.data!.webhookGroups.edges as Array<{ node: { id: string; enabled: boolean; disabledAt: string | null } }>)
      .map((edge) => edge.node)
      .find((candidate) => candidate.id === running.id);
    expect(node).toMatchObject({ enabled: false, disabledAt: expect.any(String) });
  });
});
