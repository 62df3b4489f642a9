/** Queue task names carry a version: a job written by an older hookgate keeps its meaning. */
export const deliverTask = "deliver_v1";

/** What a deliver job carries: ids only, never a payload or a secret. */
export interface DeliverJob {
  deliveryId: string;
  /** The attempt this job makes; a job for an attempt already recorded does nothing. */
  attempt: number;
}
