import type { DeliveryStatus } from "../api/enums.js";

/** A delivery's status as a word, coloured by the shared `.status-<STATUS>` classes. */
export function StatusText({ status }: { status: DeliveryStatus }) {
  return <span className={`status status-${status}`}>{status}</span>;
}
