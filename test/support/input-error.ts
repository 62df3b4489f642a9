import { InputError } from "../../src/errors.js";

/** The InputError `action` throws; fails when it throws something else or nothing. */
export function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}
