import { sql } from "kysely";
import { type Db, runPrepared } from "./database.js";
import { queueDeliverJobs } from "./jobs.js";

/** A round that may not run now (its endpoint is busy, cut off, or rate limited): it runs at `runAt`. */
export interface DeferredRound {
  readonly deliveryId: string;
  readonly round: number;
  readonly attemptsRecorded: number;
  readonly runAt: Date;
}

/**
 * Puts rounds back in the queue for later, in one statement: the same round, no attempt used,
 * the delivery's next attempt time showing when. Guarded like recording: a round whose delivery
 * has moved on (finished, or recorded by another worker) queues nothing.
 */
export async function deferRounds(db: Db, rounds: readonly DeferredRound[]): Promise<void> {
  if (rounds.length === 0) return;
  const input = JSON.stringify(
    rounds.map((round) => ({
      delivery_id: round.deliveryId,
      round: round.round,
      attempts_recorded: round.attemptsRecorded,
      run_at: round.runAt,
    })),
  );
  await runPrepared(db, sql`
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as r(delivery_id uuid, round int, attempts_recorded int, run_at timestamptz)
    ), updated as (
      update deliveries d set next_attempt_at = input.run_at
      from input
      where d.id = input.delivery_id and d.attempt_count = input.attempts_recorded and d.finished_at is null
      returning d.id, input.round, input.attempts_recorded, input.run_at
    )
    select ${queueDeliverJobs(sql`updated`, { deliveryId: sql`id`, round: sql`round`, attemptsRecorded: sql`attempts_recorded`, runAt: sql`run_at` })} as queued`.compile(db));
}
