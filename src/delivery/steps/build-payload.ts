import { originCall, OriginUnavailableError, runOrigin } from "../../origin/run-origin.js";
import type { DeliveryToSend } from "../../store/delivery.repository.js";
import { bodyInFormat, NotFormEncodableError } from "../body-format.js";
import type { WorkerContext } from "../worker-context.js";
import { defaultPayload } from "./default-payload.js";

export type BuiltPayload =
  | {
      readonly ok: true;
      readonly payload: string;
      readonly note: string | null;
      /** Built this round, to be stored with the round's record; null: it was stored already. */
      readonly toStore: { readonly body: string; readonly errors: unknown } | null;
    }
  | { readonly ok: false; readonly error: string };

/**
 * Step 1: the payload, built once and stored with the first round's record, so every retry sends
 * the same bytes. The hook's
 * origin query (GraphQL errors in its answer are delivered as they are, and noted), or the
 * default payload; a FORM hook's is then form-encoded, so what is stored is the exact body sent.
 * An origin that cannot answer fails this round, to be retried.
 */
export async function buildPayload(context: WorkerContext, delivery: DeliveryToSend): Promise<BuiltPayload> {
  if (delivery.payload !== null) return { ok: true, payload: delivery.payload, note: null, toStore: null };
  let built: { body: string; errors: readonly { message: string }[] | null };
  try {
    built =
      delivery.origin_body === null
        ? { body: defaultPayload(delivery), errors: null }
        : await runOrigin(
            context.origins,
            originCall(
              { body: delivery.origin_body, target: delivery.origin_target, endpoint: delivery.origin_endpoint },
              {
                organizationId: delivery.organization_id,
                eventId: delivery.event_id,
                orderId: delivery.order_id,
                eventGuideId: delivery.event_guide_id,
              },
            ),
          );
  } catch (error) {
    if (error instanceof OriginUnavailableError) return { ok: false, error: error.message };
    throw error;
  }
  try {
    built = { ...built, body: bodyInFormat(built.body, delivery.hook_body_format) };
  } catch (error) {
    if (error instanceof NotFormEncodableError) return { ok: false, error: `not sent: ${error.message}` };
    throw error;
  }
  const note = built.errors ? `the origin answered with GraphQL errors: ${built.errors.map((e) => e.message).join("; ")}` : null;
  return { ok: true, payload: built.body, note, toStore: { body: built.body, errors: built.errors } };
}
