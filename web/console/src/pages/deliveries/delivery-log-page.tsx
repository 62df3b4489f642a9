/** Stub: filled in by the deliveries work. */
export function DeliveryLogPage() {
  return <h1>Deliveries</h1>;
}
