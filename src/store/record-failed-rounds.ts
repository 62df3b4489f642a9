import type { Db } from "./database.js";
import { publishDeliveriesFailed } from "./operational-notices.js";
import { type GroupSeen, recordRounds, type RoundRecord } from "./record-rounds.js";

/**
 * recordRounds, and DELIVERY_FAILED for the rounds whose delivery ran out of schedule, in one
 * transaction: a worker that dies after recording a delivery FAILED has announced it too. Rounds
 * that fail for good are rare, so the common batch stays one statement with no transaction
 * around it; one that holds such a round pays a second statement. A round that lost its race
 * (null: another worker's round was recorded first) announces nothing, so no failure is announced
 * twice. `announced`: the DELIVERY_FAILED publications written.
 */
export async function recordRoundsAnnouncingFailures(
  db: Db,
  rounds: readonly RoundRecord[],
): Promise<{ seen: (GroupSeen | null)[]; announced: number }> {
  if (!rounds.some((round) => round.scheduleRanOut)) return { seen: await recordRounds(db, rounds), announced: 0 };
  return db.transaction().execute(async (trx) => {
    const seen = await recordRounds(trx, rounds);
    const failed = rounds.filter((round, i) => round.scheduleRanOut && seen[i] !== null).map((round) => round.deliveryId);
    return { seen, announced: await publishDeliveriesFailed(trx, failed) };
  });
}
