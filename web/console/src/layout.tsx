import type { ReactNode } from "react";
import { Link } from "wouter";
import { useSession, useSignedIn } from "./api/session.js";

export function Layout({ children }: { children: ReactNode }) {
  const session = useSignedIn();
  const { signOut } = useSession();
  return (
    <div className="layout">
      <header>
        <Link href="/" className="brand">
          hookgate
        </Link>
        <nav>
          <Link href="/">Webhook groups</Link>
          <Link href="/deliveries">Deliveries</Link>
          <Link href="/compose">Origin composer</Link>
          <a href="/graphql">Playground</a>
        </nav>
        <span className="who">
          {session.organizationName} · {session.role === "ADMIN" ? "admin" : "viewer (read-only)"}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>{children}</main>
    </div>
  );
}
