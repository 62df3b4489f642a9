import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { storeApiKey, storedApiKey } from "../../../shared/api-key-storage.js";
import { ApiError, graphql, onSessionKeyRefused } from "./graphql.js";

export type Role = "ADMIN" | "VIEWER";

export interface Session {
  readonly role: Role;
  readonly organizationName: string;
  /** Viewer keys read only: pages leave write actions out rather than greyed. */
  readonly canWrite: boolean;
}

interface SessionState {
  session: Session | null;
  /** Why the last session ended or could not resume, for the sign-in page; null after a plain sign-out. */
  notice: string | null;
  /** Checks the key with hookgate (viewer) before keeping it; throws ApiError for a wrong key. */
  signIn(apiKey: string): Promise<void>;
  signOut(): void;
  /** Restores a session from the key in session storage (a reload); false when there is none or it no longer works. */
  resume(): Promise<boolean>;
}

const SessionContext = createContext<SessionState | null>(null);

const viewerQuery = /* GraphQL */ `
  query ConsoleViewer {
    viewer {
      role
      organization {
        name
      }
    }
  }
`;

async function sessionFor(apiKey: string): Promise<Session> {
  const data = await graphql<{ viewer: { role: Role; organization: { name: string } } }>(viewerQuery, {}, apiKey);
  return { role: data.viewer.role, organizationName: data.viewer.organization.name, canWrite: data.viewer.role === "ADMIN" };
}

const keyRefused = "hookgate no longer accepts this API key: it may have been revoked. Sign in with a key that works.";

export function SessionProvider({ children, onSignOut }: { children: ReactNode; onSignOut: () => void }) {
  const [session, setSession] = useState<Session | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const signIn = useCallback(async (apiKey: string) => {
    const next = await sessionFor(apiKey);
    storeApiKey(apiKey);
    setNotice(null);
    setSession(next);
  }, []);
  const end = useCallback(
    (why: string | null) => {
      storeApiKey(null);
      setNotice(why);
      setSession(null);
      // Nothing read with the old key stays in memory for the next one.
      onSignOut();
    },
    [onSignOut],
  );
  const signOut = useCallback(() => end(null), [end]);
  // A key refused mid-session (revoked) ends the session; a request still under way with a key
  // signed out before is no reason to end the current one.
  useEffect(() => onSessionKeyRefused((apiKey) => apiKey === storedApiKey() && end(keyRefused)), [end]);
  const resume = useCallback(async () => {
    const key = storedApiKey();
    if (!key) return false;
    try {
      setSession(await sessionFor(key));
      return true;
    } catch (error) {
      // Only a refused key is forgotten: hookgate restarting or a rate limit is no reason to sign out.
      if (error instanceof ApiError && error.unauthenticated) {
        storeApiKey(null);
        setNotice(keyRefused);
      } else {
        setNotice(`Could not check the saved API key: ${error instanceof Error ? error.message : String(error)}. Reload to try again.`);
      }
      return false;
    }
  }, []);
  const value = useMemo(() => ({ session, notice, signIn, signOut, resume }), [session, notice, signIn, signOut, resume]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession outside SessionProvider");
  return state;
}

/** The signed-in session; pages behind the sign-in gate only. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error("useSignedIn before sign-in");
  return session;
}
