import { ApiError } from "../api/graphql.js";

/** A request that failed, as the user reads it; each of hookgate's errors with the field it names. */
export function ErrorAlert({ error }: { error: unknown }) {
  const entries =
    error instanceof ApiError && error.errors.length > 0
      ? error.errors.map((entry) => entry.message)
      : [error instanceof Error ? error.message : String(error)];
  return (
    <div role="alert" className="error-box">
      {entries.length === 1 ? (
        <p>{entries[0]}</p>
      ) : (
        <ul>
          {entries.map((message, index) => (
            <li key={index}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
