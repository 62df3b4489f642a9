import type { ColumnType } from "kysely";

/** Set by the database on insert, never changed. */
export type CreatedAt = ColumnType<Date, Date | undefined, never>;
/** Defaults on insert, may be changed. */
export type Timestamp = ColumnType<Date, Date | undefined, Date>;
