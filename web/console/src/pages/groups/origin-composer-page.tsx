/** Stub: filled in by the groups work. */
export function OriginComposerPage() {
  return <h1>Origin composer</h1>;
}
