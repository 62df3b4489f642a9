export interface Options {
  readonly quick: boolean;
  /** Absent: a fresh one, printed. */
  readonly seed: number | undefined;
}

export const usage = "usage: npm run chaos [-- --quick] [--seed=<n>]";

export function parseOptions(argv: readonly string[]): Options {
  let quick = false;
  let seed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    if (flag === "--quick") quick = true;
    else if (flag === "--seed") {
      const text = inline ?? argv[++i] ?? "";
      seed = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed)) throw new Error(`--seed: expected a whole number, got "${text}"; ${usage}`);
    } else throw new Error(`unknown argument "${argv[i]}"; ${usage}`);
  }
  return { quick, seed };
}
