/** Stub: filled in by the groups work. */
export function ReplaceGroup() {
  return <h1>Copy and edit</h1>;
}
