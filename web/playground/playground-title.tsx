/** Where GraphiQL shows its logo: which playground this is, and the way to the console. */
export function PlaygroundTitle() {
  return (
    <div className="hookgate-title">
      <span className="hookgate-name">
        hookgate <span>GraphQL playground</span>
      </span>
      <a className="hookgate-console-link" href="/console/">
        Open the web console
      </a>
    </div>
  );
}
