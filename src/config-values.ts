import { formatDuration, parseDuration, parseRate, type Rate } from "./duration.js";

/**
 * Readers of one environment variable each, for config.ts: a value that cannot be read stops the
 * process at start with a ConfigError naming the variable.
 */
export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

/** URLs are compared in their WHATWG-normalized form without a trailing slash. */
export function normalizeUrl(url: string): string {
  return trimTrailingSlash(new URL(url).href);
}

export function trimTrailingSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

export function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

export function httpUrl(env: Env, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (!isHttpUrl(value)) throw new ConfigError(`${name}: "${value}" is not an http(s) URL`);
  return value;
}

export function rate(env: Env, name: string, fallback: string): Rate | null {
  const raw = env[name]?.trim() || fallback;
  if (raw.toLowerCase() === "off") return null;
  const value = parseRate(raw);
  if (!value) throw new ConfigError(`${name}: expected requests per window such as 100/s, 6000/min or 20/10s, or off; got "${raw}"`);
  return Object.freeze(value);
}

export function duration(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = parseDuration(raw);
  if (value === undefined) throw new ConfigError(`${name}: expected a duration such as 500ms, 15s or 5m, got "${raw}"`);
  return value;
}

/**
 * A duration of at least `minMs`, or null for `off`. A keep-for-ever switch is a word, not a huge
 * number, so that reading the setting says what it does.
 */
export function durationOrOff(env: Env, name: string, fallback: string, range: { minMs: number }): number | null {
  const raw = env[name]?.trim() || fallback;
  if (raw.toLowerCase() === "off") return null;
  const value = parseDuration(raw);
  if (value === undefined || value < range.minMs) {
    throw new ConfigError(`${name}: expected a duration of at least ${formatDuration(range.minMs)} such as 30d, 12h or 90d, or off; got "${raw}"`);
  }
  return value;
}

/** true or false, or undefined when the variable is unset or empty. */
export function flag(env: Env, name: string): boolean | undefined {
  const raw = (env[name] ?? "").trim().toLowerCase();
  if (raw === "") return undefined;
  if (raw === "false" || raw === "0") return false;
  if (raw === "true" || raw === "1") return true;
  throw new ConfigError(`${name}: expected true or false, got "${env[name]}"`);
}

export function urlList(env: Env, name: string, fallback: string): string[] {
  return list(env[name] ?? fallback).map((entry) => {
    if (!isHttpUrl(entry)) throw new ConfigError(`${name}: "${entry}" is not an http(s) URL`);
    return normalizeUrl(entry);
  });
}

export function list(value: string | undefined): string[] {
  return (value ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
}

export function integer(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`${name}: expected an integer from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return value;
}
