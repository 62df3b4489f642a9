import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { recordGroupHealth } from "../../src/store/webhook-group-state.js";
import { isFinished, waitForDelivery, waitForDeliveryIds, waitUntilSettled } from "../support/delivery-log.js";
import { expectError } from "../support/expect-error.js";
import { createOrder, createViewerKey } from "../support/fixtures.js";
import {
  createFullGroup,
  createScopedGroup,
  deliveryCount,
  groupsSnapshot,
  readGroup,
  receiverGroupInput,
  requestsTo,
  setEnabled,
  waitForPath,
  type Group,
} from "../support/group-helpers.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";

const app = useTestApp({}, { worker: true });
const receiver = useReceiver();

/** Configuration: everything but the enabled state. */
function configurationOf(group: Group) {
  const { enabled: _enabled, disabledAt: _at, disabledReason: _reason, ...configuration } = group;
  return configuration;
}

/** A group of its own (ORDER_CREATED, scoped to its own event), switched off. */
async function disabledGroup(path: string) {
  const scoped = await createScopedGroup(app, receiver, path);
  const result = await setEnabled(app, scoped.group.id, false);
  expect(result.errors).toBeUndefined();
  expect(result.data!.setWebhookGroupEnabled).toMatchObject({ enabled: false });
  return scoped;
}

describe("setWebhookGroupEnabled", () => {
  it("disables a group: enabled false, disabledAt and disabledReason set, configuration unchanged", async () => {
    const { group } = await createScopedGroup(app, receiver, "/disabling");
    const before = (await readGroup(app, group.id))!;
    expect(before).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });

    const startedAt = Date.now();
    const result = await setEnabled(app, group.id, false);
    expect(result.errors).toBeUndefined();
    const answered = result.data!.setWebhookGroupEnabled as Group;
    expect(answered).toMatchObject({ id: group.id, enabled: false });
    expect(answered.disabledReason).toEqual(expect.any(String));
    expect(answered.disabledReason!.length).toBeGreaterThan(0);
    const disabledAt = Date.parse(answered.disabledAt!);
    expect(Math.abs(disabledAt - startedAt)).toBeLessThan(60_000);

    // Same group (same id, same hooks), only its state changed; and a later read agrees.
    expect(configurationOf(answered)).toEqual(configurationOf(before));
    expect(await readGroup(app, group.id)).toEqual(answered);
  });

  it("a disabled group gets no delivery for a change while an enabled group does", async () => {
    const paused = await disabledGroup("/paused");
    // An enabled group on the same event hears the same change.
    const running = (await createFullGroup(app, receiverGroupInput(receiver, "/running", ["ORDER_CREATED"], { eventId: paused.eventId })))
      .webhookGroup;
    const order = await createOrder(app, paused.eventId);

    // The enabled group's delivery arrives and succeeds.
    const [runningDelivery] = await waitForDeliveryIds(app, { groupId: running.id, orderId: order.id });
    await waitForDelivery(app, runningDelivery!, isFinished);
    await waitForPath(receiver, "/running", 1);

    // Deliveries are written in the change's own transaction, so none for the disabled group now
    // means none ever; and with everything of its sent, nothing reached its partner either.
    expect(await deliveryCount(app, paused.group.id)).toBe(0);
    await waitUntilSettled(app, { groupId: paused.group.id });
    expect(requestsTo(receiver, "/paused")).toHaveLength(0);
  });

  it("re-enabling resumes deliveries and clears disabledAt/disabledReason", async () => {
    const paused = await disabledGroup("/resumed");
    const result = await setEnabled(app, paused.group.id, true);
    expect(result.errors).toBeUndefined();
    expect(result.data!.setWebhookGroupEnabled).toMatchObject({ id: paused.group.id, enabled: true, disabledAt: null, disabledReason: null });
    expect(configurationOf(result.data!.setWebhookGroupEnabled as Group)).toEqual(configurationOf(paused.group));

    const order = await createOrder(app, paused.eventId);
    const [id] = await waitForDeliveryIds(app, { groupId: paused.group.id, orderId: order.id });
    const delivery = await waitForDelivery(app, id!, isFinished);
    expect(delivery.status).toBe("SUCCEEDED");
    const [request] = await waitForPath(receiver, "/resumed", 1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: "order_created", order_id: order.id });
    expect(await deliveryCount(app, paused.group.id)).toBe(1);
  });

  it("another organization's group id is NOT_FOUND and nothing changes", async () => {
    const { group } = await createScopedGroup(app, receiver, "/mine");
    const other = await app.createOrganization("Someone else");
    const before = await groupsSnapshot(app);
    for (const enabled of [false, true]) expectError(await setEnabled(app, group.id, enabled, other.adminKey), "NOT_FOUND");
    expect(await groupsSnapshot(app)).toBe(before);
    expect(await readGroup(app, group.id)).toMatchObject({ enabled: true });

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
    const { group } = await createScopedGroup(app, receiver, "/watched");
    const viewerKey = await createViewerKey(app);
    const before = await groupsSnapshot(app);
    expectError(await setEnabled(app, group.id, false, viewerKey), "FORBIDDEN");
    expect(await groupsSnapshot(app)).toBe(before);
    // The viewer may still read the group, and sees it enabled.
    expect(await readGroup(app, group.id, viewerKey)).toMatchObject({ id: group.id, enabled: true, disabledAt: null });
  });

  it("disabling twice keeps the group disabled; the list shows the state too", async () => {
    const { group } = await disabledGroup("/twice");
    const again = await setEnabled(app, group.id, false);
    expect(again.errors).toBeUndefined();
    expect(again.data!.setWebhookGroupEnabled).toMatchObject({ enabled: false, disabledReason: expect.any(String) });
    const listed = await app.graphql(`{ webhookGroups(first: 50) { edges { node { id enabled disabledAt } } } }`);
    const node = (listed.data!.webhookGroups.edges as Array<{ node: { id: string; enabled: boolean; disabledAt: string | null } }>)
      .map((edge) => edge.node)
      .find((candidate) => candidate.id === group.id);
    expect(node).toMatchObject({ enabled: false, disabledAt: expect.any(String) });
  });

  it("disabling a group hookgate disabled for failing changes nothing: it keeps hookgate's reason, and enabling it announces GROUP_RECOVERED", async () => {
    const watcher = (await createFullGroup(app, receiverGroupInput(receiver, "/recovery-watch", ["GROUP_RECOVERED"]))).webhookGroup;
    const { group } = await createScopedGroup(app, receiver, "/auto-disabled");
    // What the worker does to a group whose every attempt failed for too long.
    await sql`update webhook_groups set failing_since = now() - interval '2 hours' where id = ${group.id}`.execute(app.db);
    const reason = "every delivery attempt failed for 1h (HOOKGATE_AUTO_DISABLE_AFTER)";
    await recordGroupHealth(app.db, { groupId: group.id, succeeded: false, disableAfterMs: 3_600_000, reason });
    const disabled = await readGroup(app, group.id);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: reason });

    const again = await setEnabled(app, group.id, false);
    expect(again.errors).toBeUndefined();
    expect(again.data!.setWebhookGroupEnabled).toMatchObject({ enabled: false, disabledAt: disabled!.disabledAt, disabledReason: reason });
    expect(await readGroup(app, group.id)).toEqual(disabled);

    expect((await setEnabled(app, group.id, true)).errors).toBeUndefined();
    const [notice] = await waitForPath(receiver, "/recovery-watch");
    expect(JSON.parse(notice!.body)).toMatchObject({ type: "group_recovered", group_id: group.id, disabled_reason: reason, disabled_at: disabled!.disabledAt });
    expect(watcher.enabled).toBe(true);
  });
});
