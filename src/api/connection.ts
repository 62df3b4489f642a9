import type { Page } from "../store/pagination.js";

/** A store page in the GraphQL connection shape (edges, pageInfo, totalCount). */
export function toConnection<Row>(page: Page<Row>) {
  const edges = page.rows.map((node, index) => ({ cursor: page.cursors[index]!, node }));
  return {
    totalCount: page.totalCount,
    edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
