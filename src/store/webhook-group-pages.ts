import type { Db } from "./database.js";
import { everyGroup, type GroupReach, groupWithinReach } from "./group-reach.js";
import type { WebhookGroupRow } from "./tables.js";

export interface NumberedPage<Row> {
  rows: Row[];
  totalCount: number;
}

/**
 * One numbered page (1-based) of an organization's live groups, newest first like the GraphQL
 * list. doo's REST list addresses pages by number, which keyset cursors cannot; an offset is
 * fine at the sizes one organization's groups reach.
 */
export async function webhookGroupPage(
  db: Db,
  organizationId: string,
  page: { number: number; size: number },
  reach: GroupReach = everyGroup,
): Promise<NumberedPage<WebhookGroupRow>> {
  const live = db
    .selectFrom("webhook_groups")
    .where("organization_id", "=", organizationId)
    .where("deleted_at", "is", null)
    .where(groupWithinReach(reach));
  const [rows, counted] = await Promise.all([
    live
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(page.size)
      .offset((page.number - 1) * page.size)
      .execute(),
    live.select((eb) => eb.fn.countAll<string>().as("count")).executeTakeFirstOrThrow(),
  ]);
  return { rows, totalCount: Number(counted.count) };
}
