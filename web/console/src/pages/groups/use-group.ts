import { useQuery } from "@tanstack/react-query";
import { graphql } from "../../api/graphql.js";
import { groupQuery, type WebhookGroup } from "./group-api.js";

/** One group; `data` is null when there is no such group in the caller's organization. */
export function useGroup(id: string) {
  return useQuery({
    queryKey: ["webhook-group", id],
    queryFn: async () => (await graphql<{ webhookGroup: WebhookGroup | null }>(groupQuery, { id })).webhookGroup,
  });
}
