import { Link } from "wouter";

export function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page here. <Link href="/">Back to the webhook groups</Link>.
      </p>
    </section>
  );
}
