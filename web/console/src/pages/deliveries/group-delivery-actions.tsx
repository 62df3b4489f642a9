import { RecoverFailed } from "./recover-failed.js";
import { SendTestDelivery } from "./send-test-delivery.js";

/** The admin's two actions on a group's log; the log leaves them out for viewer keys. */
export function GroupDeliveryActions({ groupId }: { groupId: string }) {
  return (
    <div className="group-delivery-actions">
      <SendTestDelivery groupId={groupId} />
      <RecoverFailed groupId={groupId} />
    </div>
  );
}
