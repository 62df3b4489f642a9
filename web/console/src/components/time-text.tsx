import { formatTime } from "./format.js";

/** A time as the user reads it, with the exact instant in `dateTime` and on hover. */
export function TimeText({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatTime(iso)}
    </time>
  );
}
