/** Stub: filled in by the deliveries work. */
export function DeliveryPage() {
  return <h1>Delivery</h1>;
}
