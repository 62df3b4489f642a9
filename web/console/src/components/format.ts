/** How the delivery pages write times and durations: local time to the second, the ISO form on hover. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

export function formatTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The message an error from a query or mutation shows the user. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
