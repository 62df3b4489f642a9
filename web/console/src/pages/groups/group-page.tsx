/** Stub: filled in by the groups work. */
export function GroupPage() {
  return <h1>Webhook group</h1>;
}
