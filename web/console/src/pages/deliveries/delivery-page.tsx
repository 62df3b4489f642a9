import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "wouter";
import { graphql } from "../../api/graphql.js";
import { useSignedIn } from "../../api/session.js";
import { AttemptView } from "./attempt-view.js";
import { DeliveryFacts } from "./delivery-facts.js";
import { attemptsShown, type DeliveryDetail, deliveryKey, deliveryQuery, isInProgress } from "./delivery-queries.js";
import { errorMessage } from "../../components/format.js";
import { PayloadView } from "./payload-view.js";
import { RedeliverButton } from "./redeliver-button.js";
import { StatusText } from "../../components/status-text.js";
import "./deliveries.css";

/** The newest attempts are shown whole; older ones fold to their summary line, a click away. */
const attemptsExpanded = 3;
/** How often the page looks again while the delivery has attempts coming. */
const settlingRefreshMs = 1000;

/** `/deliveries/:id`: one delivery, its payload and every attempt, newest first. */
export function DeliveryPage() {
  const { id } = useParams<{ id: string }>();
  const { canWrite } = useSignedIn();
  // Set by Redeliver: the attempt count before it, so the notice can follow the new attempt.
  const [redeliveredFrom, setRedeliveredFrom] = useState<number | null>(null);
  const query = useQuery({
    queryKey: deliveryKey(id),
    queryFn: () => graphql<{ delivery: DeliveryDetail | null }>(deliveryQuery, { id }),
    refetchInterval: (current) => {
      const delivery = current.state.data?.delivery;
      return delivery && isInProgress(delivery.status) ? settlingRefreshMs : false;
    },
  });

  if (query.isPending) return <p className="loading">Loading the delivery…</p>;
  if (query.isError) {
    return (
      <p role="alert" className="error">
        Could not load the delivery: {errorMessage(query.error)}
      </p>
    );
  }
  const delivery = query.data.delivery;
  if (!delivery) {
    return (
      <section>
        <h1>Delivery not found</h1>
        <p>
          No delivery <span className="code">{id}</span> in your organization. <Link href="/deliveries">Back to the deliveries</Link>.
        </p>
      </section>
    );
  }

  const attempts = [...delivery.attempts].reverse();
  return (
    <section className="delivery-page">
      <p className="breadcrumb">
        <Link href="/deliveries">Deliveries</Link>
        {delivery.webhookGroup && (
          <>
            {" / "}
            <Link href={`/groups/${delivery.webhookGroup.id}`}>{delivery.webhookGroup.name}</Link>
          </>
        )}
      </p>
      <h1>
        Delivery <span className="code heading-id">{delivery.id}</span> <StatusText status={delivery.status} />
      </h1>
      {canWrite && (
        <div className="actions">
          <RedeliverButton delivery={delivery} onQueued={setRedeliveredFrom} />
        </div>
      )}
      {redeliveredFrom !== null && <RedeliverNotice delivery={delivery} attemptsBefore={redeliveredFrom} />}
      <div className="panel">
        <DeliveryFacts delivery={delivery} />
      </div>

      <h2>Payload</h2>
      {delivery.payload === null ? (
        <p className="hint">Not built yet: the first attempt builds it, and every attempt after sends it unchanged.</p>
      ) : (
        <PayloadView body={delivery.payload} />
      )}
      {delivery.payloadErrors != null && (
        <>
          <h3>Payload errors</h3>
          <p className="hint">The origin answered with these GraphQL errors; the payload was delivered as returned.</p>
          <pre aria-label="Payload errors">{JSON.stringify(delivery.payloadErrors, null, 2)}</pre>
        </>
      )}

      <h2>
        Attempts <span className="hint">({attemptsLabel(delivery)}, newest first)</span>
      </h2>
      {attempts.length === 0 && <p className="hint">No attempt yet.</p>}
      {attempts.map((attempt, index) => (
        <AttemptView
          key={attempt.number}
          attempt={attempt}
          latest={index === 0 && attempts.length > 1}
          expanded={index < attemptsExpanded}
        />
      ))}
    </section>
  );
}

function attemptsLabel(delivery: DeliveryDetail): string {
  const total = delivery.attemptCount;
  if (total > delivery.attempts.length) return `the last ${attemptsShown} of ${total}`;
  return `${total} ${total === 1 ? "attempt" : "attempts"}`;
}

/** What Redeliver did, then what became of the attempt it queued. */
function RedeliverNotice({ delivery, attemptsBefore }: { delivery: DeliveryDetail; attemptsBefore: number }) {
  const newAttempt = delivery.attempts.find((attempt) => attempt.number > attemptsBefore);
  return (
    <p className="notice" role="status">
      A new attempt is queued with the same webhook-id <span className="code">{delivery.id}</span>.
      {newAttempt
        ? ` Attempt ${newAttempt.number} ${newAttempt.error ? `failed: ${newAttempt.error}` : `was answered ${newAttempt.responseStatus}`}.`
        : " Waiting for it…"}
    </p>
  );
}
