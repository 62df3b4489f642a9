import { ConfigError } from "../config.js";
import { asksForHelp, type Outcome } from "./command.js";
import { createApiKey } from "./create-api-key.js";
import { createOrganizationCommand } from "./create-organization.js";
import { migrate } from "./migrate.js";
import { partner } from "./partner.js";
import { start } from "./start.js";
import { type CommandName, isCommandName, UsageError, usageOf } from "./usage.js";

const commands: Record<CommandName, (args: string[]) => Promise<Outcome>> = {
  start: (args) => start("start", args),
  serve: (args) => start("serve", args),
  worker: (args) => start("worker", args),
  migrate,
  "create-organization": createOrganizationCommand,
  "create-api-key": createApiKey,
  partner,
};

/**
 * Runs `hookgate <args>`. Help goes to stdout (exit 0); a bad command line gets a one-line
 * problem and the usage on stderr (exit 2) before any configuration is read or database opened.
 */
export async function runCli(args: string[]): Promise<Outcome> {
  const [first, ...rest] = args;
  try {
    if (first === undefined) throw new UsageError("missing a command");
    if (first === "help" || first === "--help" || first === "-h") {
      const topic = rest[0];
      if (topic !== undefined && !isCommandName(topic)) throw new UsageError(`unknown command "${topic}"`);
      console.log(usageOf(topic));
      return 0;
    }
    if (!isCommandName(first)) {
      throw new UsageError(first.startsWith("-") ? `unknown option "${first}"` : `unknown command "${first}"`);
    }
    if (asksForHelp(rest)) {
      console.log(usageOf(first));
      return 0;
    }
    return await commands[first](rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`hookgate: ${error.message}\n\n${usageOf(error.command)}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(`hookgate: configuration error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
