import { type SelectQueryBuilder, sql } from "kysely";
import { InputError } from "../errors.js";
import { isUuid } from "./ids.js";

/** Keyset pagination, newest first, over rows with `created_at` and `id`. */
export interface PageRequest {
  first: number;
  after: Cursor | null;
}

export interface Page<Row> {
  rows: Row[];
  /** One per row: where a next page would start after it. */
  cursors: string[];
  totalCount: number;
  hasNextPage: boolean;
}

/**
 * Postgres keeps created_at to the microsecond and a JavaScript Date only to the millisecond,
 * so the cursor carries microseconds since the epoch as Postgres computes them; rows sharing a
 * millisecond can then never fall between two pages.
 */
interface Cursor {
  micros: string;
  id: string;
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

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.micros, cursor.id])).toString("base64url");
}

function decodeCursor(text: string): Cursor {
  try {
    const [micros, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (typeof micros === "string" && /^-?\d{1,19}$/.test(micros) && typeof id === "string" && isUuid(id)) {
      return { micros, id };
    }
  } catch {
    // fall through: any undecodable cursor gets the same answer
  }
  throw new InputError("after", "is not a cursor returned by this list");
}

const cursorMicros = sql<string>`(extract(epoch from created_at) * 1000000)::bigint::text`;

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
  const filtered = after
    ? query.where(
        sql<boolean>`(created_at, id) < (timestamptz 'epoch' + ${after.micros}::bigint * interval '1 microsecond', ${after.id}::uuid)`,
      )
    : query;
  const pageQuery = filtered
    .select(cursorMicros.as("cursor_micros"))
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(request.first + 1);
  const countQuery = query.clearSelect().select(sql<string>`count(*)`.as("count"));
  const [found, counted] = await Promise.all([pageQuery.execute(), countQuery.executeTakeFirstOrThrow()]);
  const rows = (found as Array<Row & { cursor_micros: string }>).slice(0, request.first);
  return {
    rows: rows.map(({ cursor_micros: _cursor, ...row }) => row as unknown as Row),
    cursors: rows.map((row) => encodeCursor({ micros: row.cursor_micros, id: row.id })),
    totalCount: Number((counted as { count: string }).count),
    hasNextPage: found.length > request.first,
  };
}
