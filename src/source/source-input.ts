import { InputError } from "../errors.js";

/** Field checks shared by the built-in source's mutations. Each names the field it refuses. */
export function requiredText(value: string | null | undefined, field: string, maxLength: number): string {
  if (value === null || value === undefined) throw new InputError(field, "is required");
  const text = value.trim();
  if (text.length === 0) throw new InputError(field, "must not be empty");
  return checkLength(text, field, maxLength);
}

export function optionalText(value: string | null | undefined, field: string, maxLength: number): string | null {
  const text = value?.trim();
  return text ? checkLength(text, field, maxLength) : null;
}

function checkLength(text: string, field: string, maxLength: number): string {
  if (text.length > maxLength) throw new InputError(field, `must be at most ${maxLength} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) throw new InputError(field, "must not contain control characters");
  return text;
}

export function dateTime(value: Date | string, field: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InputError(field, "is not a valid date-time");
  return date;
}

export function orderedDates(start: Date, end: Date, field: string): void {
  if (end < start) throw new InputError(field, "must not be before startDate");
}

const maxTotal = 999_999_999_999.99;

export function moneyAmount(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0 || value > maxTotal) {
    throw new InputError(field, `must be a number from 0 to ${maxTotal}`);
  }
  if (Math.round(value * 100) / 100 !== value) throw new InputError(field, "must have at most two decimals");
  return value;
}

export function currencyCode(value: string, field: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new InputError(field, "must be a three-letter ISO 4217 code such as EUR");
  return code;
}
