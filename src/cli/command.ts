import { parseArgs } from "node:util";
import { type CommandName, UsageError } from "./usage.js";

/** An exit status, or "running" for a server that keeps the process alive until a signal. */
export type Outcome = number | "running";

type OptionSpec = Record<string, { type: "string" | "boolean" }>;
type Values<Options extends OptionSpec> = {
  [Name in keyof Options]?: Options[Name]["type"] extends "string" ? string : boolean;
};

/**
 * `args` checked against the command's options and positional arguments (named, all required).
 * As strict as parseArgs' strict mode, but each refusal is a UsageError naming the argument in
 * words an operator reads, rather than Node's advice on option syntax.
 */
export function parseCommandArgs<Options extends OptionSpec>(
  command: CommandName,
  args: string[],
  options: Options,
  positionalNames: readonly string[] = [],
): { values: Values<Options>; positionals: string[] } {
  const refuse = (problem: string): never => {
    throw new UsageError(problem, command);
  };
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!option) refuse(`unknown option "${token.rawName}"`);
    if (token.name in values) refuse(`${token.rawName} is given more than once`);
    if (option!.type === "boolean") {
      if (token.value !== undefined) refuse(`${token.rawName} takes no value`);
      values[token.name] = true;
    } else {
      // A separate value that looks like an option means the value was left out: `--organization --role ADMIN`.
      const missing = token.value === undefined || token.value === "" || (!token.inlineValue && token.value.startsWith("-"));
      if (missing) refuse(`${token.rawName} needs a value`);
      values[token.name] = token.value!;
    }
  }
  if (positionals.length < positionalNames.length) refuse(`missing ${positionalNames[positionals.length]}`);
  if (positionals.length > positionalNames.length) refuse(`unexpected argument "${positionals[positionalNames.length]}"`);
  return { values: values as Values<Options>, positionals };
}

/** `--help` or `-h` anywhere before a `--`. */
export function asksForHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}
