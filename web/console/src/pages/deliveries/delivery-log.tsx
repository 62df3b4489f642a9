/**
 * Stub: filled in by the deliveries work. A delivery log — the whole organization's, or one
 * group's when `groupId` is given (the group page embeds it) — with its filters and, for admins,
 * the group's "Send test delivery" and "Recover failed" actions.
 */
export function DeliveryLog({ groupId }: { groupId?: string }) {
  return <p>Deliveries{groupId ? ` of ${groupId}` : ""}</p>;
}
