import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { storeApiKey, storedApiKey } from "../../../shared/api-key-storage.js";
import { graphql } from "./graphql.js";

export type Role = "ADMIN" | "VIEWER";

export interface Session {
  readonly role: Role;
  readonly organizationName: string;
  /** Viewer keys read only: pages leave write actions out rather than greyed. */
  readonly canWrite: boolean;
}

interface SessionState {
  session: Session | null;
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

export function SessionProvider({ children, onSignOut }: { children: ReactNode; onSignOut: () => void }) {
  const [session, setSession] = useState<Session | null>(null);
  const signIn = useCallback(async (apiKey: string) => {
    const next = await sessionFor(apiKey);
    storeApiKey(apiKey);
    setSession(next);
  }, []);
  const signOut = useCallback(() => {
    storeApiKey(null);
    setSession(null);
    onSignOut();
  }, [onSignOut]);
  const resume = useCallback(async () => {
    const key = storedApiKey();
    if (!key) return false;
    try {
      setSession(await sessionFor(key));
      return true;
    } catch {
      storeApiKey(null);
      return false;
    }
  }, []);
  const value = useMemo(() => ({ session, signIn, signOut, resume }), [session, signIn, signOut, resume]);
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
