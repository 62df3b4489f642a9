/** Stub: filled in by the groups work. */
export function GroupsList() {
  return <h1>Webhook groups</h1>;
}
