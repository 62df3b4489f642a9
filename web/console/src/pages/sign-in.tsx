import { type FormEvent, useState } from "react";
import { ApiError } from "../api/graphql.js";
import { useSession } from "../api/session.js";

export function SignIn() {
  const { signIn, notice } = useSession();
  const [apiKey, setApiKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(apiKey.trim());
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.unauthenticated
          ? "hookgate did not accept this API key. Check that it is whole and not revoked."
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <h1>hookgate</h1>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="hg_…"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
          required
        />
        <p className="hint">Kept in this tab's session storage only, and sent as the x-api-key header.</p>
        {notice && !error && (
          <p role="alert" className="notice">
            {notice}
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || apiKey.trim() === ""}>
          Sign in
        </button>
      </form>
    </main>
  );
}
