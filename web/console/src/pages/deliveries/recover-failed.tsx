import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { graphql } from "../../api/graphql.js";
import { deliveriesKey, recoverDeliveriesMutation } from "./delivery-queries.js";
import { errorMessage } from "../../components/format.js";

const day = 24 * 60 * 60 * 1000;

/** A `datetime-local` input's value for an instant, in the browser's time zone. */
function localInputValue(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * Svix's "recover": the group's FAILED deliveries created in a window are queued again with the
 * whole retry schedule. The inputs are local time (what the user reads in the log); the API gets
 * the instant with its offset.
 */
export function RecoverFailed({ groupId }: { groupId: string }) {
  const queryClient = useQueryClient();
  const [since, setSince] = useState(() => localInputValue(new Date(Date.now() - day)));
  const [until, setUntil] = useState("");
  const recover = useMutation({
    mutationFn: () =>
      graphql<{ recoverDeliveries: number }>(recoverDeliveriesMutation, {
        groupId,
        since: new Date(since).toISOString(),
        until: until ? new Date(until).toISOString() : null,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesKey }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    recover.mutate();
  };
  const count = recover.data?.recoverDeliveries;

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="recover-title">
      <h2 id="recover-title">Recover failed</h2>
      <p className="hint">Queues this group's FAILED deliveries created in the window again, with the whole retry schedule.</p>
      <div className="window">
        <div>
          <label htmlFor="recover-since">Since</label>
          <input id="recover-since" type="datetime-local" required value={since} onChange={(event) => setSince(event.target.value)} />
        </div>
        <div>
          <label htmlFor="recover-until">Until (empty: now)</label>
          <input id="recover-until" type="datetime-local" value={until} onChange={(event) => setUntil(event.target.value)} />
        </div>
      </div>
      {recover.isError && (
        <p role="alert" className="error">
          Nothing recovered: {errorMessage(recover.error)}
        </p>
      )}
      {count !== undefined && (
        <p className="notice" role="status">
          {count === 0
            ? "No failed delivery in that window: nothing queued."
            : `Queued ${count} failed ${count === 1 ? "delivery" : "deliveries"} again`}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={recover.isPending || since === ""}>
          Recover failed
        </button>
      </div>
    </form>
  );
}
