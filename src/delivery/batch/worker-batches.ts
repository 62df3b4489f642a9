import { type DeliveryToSend, findDeliveriesToSend } from "../../store/delivery.repository.js";
import type { Db } from "../../store/database.js";
import { type DeferredRound, deferRounds } from "../../store/defer-rounds.js";
import { findLanePositions, type LanePosition } from "../../store/delivery-lanes.js";
import { recordRoundsAnnouncingFailures } from "../../store/record-failed-rounds.js";
import type { GroupSeen, RoundRecord } from "../../store/record-rounds.js";
import { retryTransient } from "../../store/transient.js";
import { microBatch } from "./micro-batch.js";

/**
 * The database work of the deliveries in hand, done per batch rather than per delivery: one
 * statement loads the deliveries that jobs started together name, one records the rounds that
 * ended within a few milliseconds of each other. The POSTs between stay each delivery's own.
 */
export interface WorkerBatches {
  /** The delivery with what sending it needs; null when it no longer exists. */
  readonly loadDelivery: (id: string) => Promise<DeliveryToSend | null>;
  /**
   * Records a round (see recordRounds); null: another worker's round was recorded first. The
   * partner may have the request already, so a busy or restarting database is waited out.
   */
  readonly recordRound: (round: RoundRecord) => Promise<GroupSeen | null>;
  /** Queues a round again for later without running it (see deferRounds). */
  readonly deferRound: (round: DeferredRound) => Promise<void>;
  /** What is still ahead of a delivery of an ordered group on its endpoint. */
  readonly lanePosition: (deliveryId: string) => Promise<LanePosition>;
}

/** How long a recording batch stays open: a few ms of latency for many rounds per statement. */
const recordWindowMs = 3;
const maxBatchSize = 500;
/** Rounds carry payloads and answers (up to 16 KiB each): a recording statement stays a few MB. */
const maxRecordBatchSize = 100;

/**
 * `failuresAnnounced`: told, once committed, how many DELIVERY_FAILED publications a recording
 * wrote (hookgate_publications_total).
 */
export function createWorkerBatches(db: () => Db, failuresAnnounced: (count: number) => void = () => {}): WorkerBatches {
  return {
    loadDelivery: microBatch(
      async (ids: readonly string[]) => {
        const found = new Map((await findDeliveriesToSend(db(), ids)).map((row) => [row.id, row]));
        return ids.map((id) => found.get(id) ?? null);
      },
      { windowMs: 0, maxBatchSize },
    ),
    recordRound: microBatch((rounds: readonly RoundRecord[]) => recordTogetherOrAlone(db(), rounds, failuresAnnounced), {
      windowMs: recordWindowMs,
      maxBatchSize: maxRecordBatchSize,
    }),
    deferRound: microBatch(
      async (rounds: readonly DeferredRound[]) => {
        await retryTransient(() => deferRounds(db(), rounds));
        return rounds.map(() => undefined);
      },
      { windowMs: recordWindowMs, maxBatchSize },
    ),
    lanePosition: microBatch((ids: readonly string[]) => findLanePositions(db(), ids), { windowMs: 0, maxBatchSize }),
  };
}

/**
 * Every round of the batch in one statement. Each was POSTed already, so one round the statement
 * refuses (content PostgreSQL will not take, a bug) must not fail the others, whose jobs would
 * send again: on such a failure each round is recorded on its own, and only the one that fails
 * alone fails (as an Error for its caller). Transient failures are waited out first.
 */
async function recordTogetherOrAlone(
  db: Db,
  rounds: readonly RoundRecord[],
  failuresAnnounced: (count: number) => void,
): Promise<(GroupSeen | null | Error)[]> {
  const record = async (some: readonly RoundRecord[]) => {
    const { seen, announced } = await retryTransient(() => recordRoundsAnnouncingFailures(db, some));
    if (announced > 0) failuresAnnounced(announced);
    return seen;
  };
  try {
    return await record(rounds);
  } catch (error) {
    if (rounds.length === 1) throw error;
    return Promise.all(
      rounds.map((round) =>
        record([round]).then(
          ([seen]) => seen ?? null,
          (failure: unknown) => (failure instanceof Error ? failure : new Error(String(failure))),
        ),
      ),
    );
  }
}
