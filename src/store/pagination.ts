import { type SelectQueryBuilder, sql } from "kysely";
import { InputError } from "../errors.js";

/** Keyset pagination, newest first, over rows with `created_at` and `id`. */
export interface PageRequest {
  first: number;
  after: { createdAt: Date; id: string } | null;
}

export interface Page<Row> {
  rows: Row[];
  totalCount: number;
  hasNextPage: boolean;
}

export const defaultPageSize = 25;
export const maxPageSize = 100;

export function pageRequest(args: { first?: number | null; after?: string | null }): PageRequest {
  const first = args.first ?? defaultPageSize;
  if (!Number.isInteger(first) || first < 1 || first > maxPageSize) {
    throw new InputError("first", `must be between 1 and ${maxPageSize}`);
  }
  return { first, after: args.after ? decodeCursor(args.after) : null };
}

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const date = new Date(String(createdAt));
    if (typeof id === "string" && !Number.isNaN(date.getTime())) return { createdAt: date, id };
  } catch {
    // fall through: any undecodable cursor gets the same answer
  }
  throw new InputError("after", "is not a cursor returned by this list");
}

/**
 * Runs `query` (already filtered, not yet ordered) as one page plus a count.
 * The query must select from a single table so `created_at` and `id` are unambiguous.
 */
export async function fetchPage<Row extends { created_at: Date; id: string }>(
  // Typed loosely: kysely cannot express "any table that has created_at and id".
  query: SelectQueryBuilder<any, any, Row>,
  request: PageRequest,
): Promise<Page<Row>> {
  const after = request.after;
  const pageQuery = (after ? query.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id})`) : query)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(request.first + 1);
  const countQuery = query.clearSelect().select(sql<string>`count(*)`.as("count"));
  const [rows, counted] = await Promise.all([pageQuery.execute(), countQuery.executeTakeFirstOrThrow()]);
  return {
    rows: rows.slice(0, request.first),
    totalCount: Number((counted as { count: string }).count),
    hasNextPage: rows.length > request.first,
  };
}
