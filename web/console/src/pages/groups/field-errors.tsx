import { createContext, type ReactNode, useContext } from "react";
import { ApiError } from "../../api/graphql.js";
import { FormError } from "./group-form-state.js";

/** Input paths (`input.hooks[0].endpoint`) → what is wrong there, from hookgate or the form. */
export type FieldErrors = ReadonlyMap<string, string>;

export function fieldErrorsOf(error: unknown): FieldErrors {
  if (error instanceof FormError) return new Map([[error.field, error.message]]);
  if (error instanceof ApiError) {
    return new Map(error.errors.flatMap((entry) => (entry.extensions?.field ? [[entry.extensions.field, entry.message] as const] : [])));
  }
  return new Map();
}

const FieldErrorsContext = createContext<FieldErrors>(new Map());

export function FieldErrorsProvider({ errors, children }: { errors: FieldErrors; children: ReactNode }) {
  return <FieldErrorsContext.Provider value={errors}>{children}</FieldErrorsContext.Provider>;
}

/** The error for `field` (or anything below it, e.g. `input.authentication.credentials.clientId` under a section) next to it. */
export function FieldError({ field, id }: { field: string; id?: string }) {
  const errors = useContext(FieldErrorsContext);
  const message = errors.get(field);
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

/** A label, an input and its error, tied together by `id`. */
export function Field({ id, label, field, hint, children }: { id: string; label: string; field?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <p className="hint">{hint}</p>}
      {field && <FieldError field={field} />}
    </div>
  );
}
