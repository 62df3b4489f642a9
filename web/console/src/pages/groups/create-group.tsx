/** Stub: filled in by the groups work. */
export function CreateGroup() {
  return <h1>New webhook group</h1>;
}
