import { Link, useLocation } from "wouter";
import type { DeliveryRow } from "./delivery-queries.js";
import { StatusText } from "../../components/status-text.js";
import { TimeText } from "../../components/time-text.js";

interface Props {
  deliveries: readonly DeliveryRow[];
  /** Scoped to one group: the group column would say the same on every row. */
  showGroup: boolean;
}

/** One row per delivery; a click anywhere on a row opens it (the id is the keyboard's link). */
export function DeliveryTable({ deliveries, showGroup }: Props) {
  const [, navigate] = useLocation();
  return (
    <table className="delivery-table">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Type</th>
          {showGroup && <th scope="col">Group</th>}
          <th scope="col">Created</th>
          <th scope="col">Attempts</th>
          <th scope="col">Test</th>
          <th scope="col">Delivery</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((delivery) => (
          <tr key={delivery.id} className="clickable" onClick={() => navigate(`/deliveries/${delivery.id}`)}>
            <td>
              <StatusText status={delivery.status} />
            </td>
            <td className="code">{delivery.type}</td>
            {showGroup && (
              <td>
                {delivery.webhookGroup ? (
                  <Link href={`/groups/${delivery.webhookGroup.id}`} onClick={(event) => event.stopPropagation()}>
                    {delivery.webhookGroup.name}
                  </Link>
                ) : (
                  <span className="hint">deleted group</span>
                )}
              </td>
            )}
            <td>
              <TimeText iso={delivery.createdAt} />
            </td>
            <td>{delivery.attemptCount}</td>
            <td>{delivery.test ? "test" : ""}</td>
            <td>
              <Link href={`/deliveries/${delivery.id}`} className="code" onClick={(event) => event.stopPropagation()}>
                {delivery.id}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
