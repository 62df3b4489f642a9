import { InputError } from "../../errors.js";

/** How a group's deliveries are paced: in publication order, and at most so many requests a second. */
export interface DeliveryOptionsDraft {
  /** Deliveries reach each endpoint one at a time, in publication order. */
  ordered: boolean;
  /** Requests per second to any one endpoint of the group; null: no limit. */
  maxRequestsPerSecond: number | null;
}

/** The bounds the database's check constraint on webhook_groups.max_requests_per_second keeps too. */
export const requestsPerSecondRange = { min: 1, max: 10_000 } as const;

export function parseDeliveryOptions(input: { ordered?: unknown; maxRequestsPerSecond?: unknown }): DeliveryOptionsDraft {
  return {
    ordered: parseOrdered(input.ordered),
    maxRequestsPerSecond: parseMaxRequestsPerSecond(input.maxRequestsPerSecond),
  };
}

function parseOrdered(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== "boolean") throw new InputError("input.ordered", "must be true or false");
  return value;
}

function parseMaxRequestsPerSecond(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const { min, max } = requestsPerSecondRange;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError("input.maxRequestsPerSecond", `must be a whole number from ${min} to ${max.toLocaleString("en")}, or null for no limit`);
  }
  return value;
}
