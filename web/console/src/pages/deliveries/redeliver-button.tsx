import { useMutation, useQueryClient } from "@tanstack/react-query";
import { graphql } from "../../api/graphql.js";
import { deliveriesKey, type DeliveryDetail, deliveryKey, redeliverMutation } from "./delivery-queries.js";
import { errorMessage } from "../../components/format.js";

interface Props {
  delivery: DeliveryDetail;
  /** Called with the attempt count before the new attempt, so the page can follow it. */
  onQueued(attemptsBefore: number): void;
}

/**
 * Dozuki's "retrigger": one new attempt with the stored payload and the same webhook-id. Only a
 * finished delivery can be redelivered (one in progress already has its next attempt queued).
 */
export function RedeliverButton({ delivery, onQueued }: Props) {
  const queryClient = useQueryClient();
  const redeliver = useMutation({
    mutationFn: () => graphql<{ redeliver: DeliveryDetail }>(redeliverMutation, { deliveryId: delivery.id }),
    onSuccess: (data) => {
      onQueued(delivery.attemptCount);
      // The answer is the delivery as it now is (RETRYING): the page refreshes from there.
      queryClient.setQueryData(deliveryKey(delivery.id), { delivery: data.redeliver });
      void queryClient.invalidateQueries({ queryKey: deliveriesKey });
    },
  });
  if (delivery.finishedAt === null) {
    return <p className="hint">Redeliver becomes possible once this delivery has succeeded or failed.</p>;
  }
  return (
    <>
      <button type="button" className="primary" disabled={redeliver.isPending} onClick={() => redeliver.mutate()}>
        Redeliver
      </button>
      {redeliver.isError && (
        <p role="alert" className="error">
          Not redelivered: {errorMessage(redeliver.error)}
        </p>
      )}
    </>
  );
}
