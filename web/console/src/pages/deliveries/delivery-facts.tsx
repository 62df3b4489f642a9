import type { ReactNode } from "react";
import { Link } from "wouter";
import type { DeliveryDetail } from "./delivery-queries.js";
import { StatusText } from "../../components/status-text.js";
import { TimeText } from "../../components/time-text.js";

/** What the delivery is, as a list of labelled facts; ids are shown whole, to copy. */
export function DeliveryFacts({ delivery }: { delivery: DeliveryDetail }) {
  const facts: Array<[string, ReactNode]> = [
    ["Status", <StatusText status={delivery.status} />],
    ["Type", <span className="code">{delivery.type}</span>],
    [
      "Group",
      delivery.webhookGroup ? (
        <Link href={`/groups/${delivery.webhookGroup.id}`}>{delivery.webhookGroup.name}</Link>
      ) : (
        <span className="hint">deleted or replaced ({delivery.webhookGroupId})</span>
      ),
    ],
    [
      "webhook-id",
      <>
        <span className="code">{delivery.id}</span>
        <span className="hint"> — the delivery's id, sent as the webhook-id header on every attempt</span>
      </>,
    ],
    ["Test", delivery.test ? "yes — made by Send test delivery" : "no"],
    ["Event", delivery.eventId ? <span className="code">{delivery.eventId}</span> : "—"],
    ["Order", delivery.orderId ? <span className="code">{delivery.orderId}</span> : "—"],
    ...(delivery.eventGuideId ? [["Event guide", <span className="code">{delivery.eventGuideId}</span>] as [string, ReactNode]] : []),
    ["Occurred", <TimeText iso={delivery.occurredAt} />],
    ["Created", <TimeText iso={delivery.createdAt} />],
    ["Finished", delivery.finishedAt ? <TimeText iso={delivery.finishedAt} /> : "not yet"],
    ["Next attempt", delivery.nextAttemptAt ? <TimeText iso={delivery.nextAttemptAt} /> : "none planned"],
    ["Attempts", String(delivery.attemptCount)],
  ];
  return (
    <dl className="facts">
      {facts.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
