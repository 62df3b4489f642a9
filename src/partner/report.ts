import { formatDuration } from "../duration.js";
import type { DeliveryRecord } from "./receiver.js";
import type { TokenRequestRecord } from "./token-endpoint.js";

/** What happened to a request after its answer was decided. */
export interface Answered {
  receivedAt: Date;
  /** How long --delay held the answer back. */
  delayMs: number;
  /** The caller hung up before the answer went out (e.g. hookgate's delivery timeout passed). */
  callerGone: boolean;
}

export type PartnerRecord = (DeliveryRecord | TokenRequestRecord) & Answered;

const bodyStartLength = 100;

/** One line per request: readable, or (--json) one JSON object with the whole body. */
export function formatRecord(record: PartnerRecord, json: boolean): string {
  if (json) {
    const { receivedAt, ...rest } = record;
    return JSON.stringify({ time: receivedAt.toISOString(), ...rest });
  }
  const time = clock(record.receivedAt);
  const answered = `→ ${record.status}${noteOf(record)}${timing(record)}`;
  if (record.kind === "token") {
    return `${time}  token request   client ${record.clientId === null ? "(none)" : JSON.stringify(record.clientId)}  ${answered}`;
  }
  const attempt = `attempt ${record.attempt}${record.repeat ? " (repeat)" : ""}`;
  const fields = [
    time,
    record.webhookId ?? `(no webhook-id) ${record.method} ${record.path}`,
    record.type ?? "(no hook type)",
    ...(record.sandbox ? ["sandbox"] : []),
    attempt,
    `token ${record.token}`,
    `signature ${record.signature}${record.signatureProblem ? ` (${record.signatureProblem})` : ""}`,
    answered,
    bodyStart(record.body),
  ];
  return fields.join("  ");
}

function noteOf(record: PartnerRecord): string {
  if (record.kind === "token") return record.status === 200 ? " token issued" : ` ${record.error}: ${record.problem}`;
  if (record.failedOnPurpose) return " failed on purpose (--fail-rate)";
  if (record.status === 401 || record.status === 400) return " refused";
  return "";
}

function timing(record: Answered): string {
  const delayed = record.delayMs > 0 ? ` after ${formatDuration(record.delayMs)}` : "";
  return `${delayed}${record.callerGone ? " (the caller had hung up)" : ""}`;
}

/** The start of the body on one line: whitespace runs folded, control characters shown as "?". */
function bodyStart(body: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = body.replace(/\s+/g, " ").replace(/[\u0000-\u001f\u007f]/g, "?").trim();
  if (flat === "") return "(empty body)";
  return flat.length > bodyStartLength ? `${flat.slice(0, bodyStartLength)}…` : flat;
}

function clock(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}
