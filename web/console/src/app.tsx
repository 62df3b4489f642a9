import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Router } from "wouter";
import { ApiError } from "./api/graphql.js";
import { SessionProvider, useSession } from "./api/session.js";
import { Layout } from "./layout.js";
import { SignIn } from "./pages/sign-in.js";
import { Routes } from "./routes.js";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refused key or a bad request does not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.code !== "NETWORK") && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider onSignOut={() => queryClient.clear()}>
        <Router base="/console">
          <Gate />
        </Router>
      </SessionProvider>
    </QueryClientProvider>
  );
}

/** The sign-in page until a key works; a reload resumes with the key in session storage. */
function Gate() {
  const { session, resume } = useSession();
  const [resuming, setResuming] = useState(true);
  useEffect(() => {
    resume().finally(() => setResuming(false));
  }, [resume]);
  if (resuming) return <p className="loading">Loading…</p>;
  if (!session) return <SignIn />;
  return (
    <Layout>
      <Routes />
    </Layout>
  );
}
