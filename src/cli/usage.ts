/** What `hookgate --help` and `hookgate <command> --help` print; a bad argument prints the same text on stderr. */

export const commandNames = ["start", "serve", "worker", "migrate", "create-organization", "create-api-key", "partner"] as const;
export type CommandName = (typeof commandNames)[number];

export function isCommandName(value: string): value is CommandName {
  return (commandNames as readonly string[]).includes(value);
}

/** A bad command line: the dispatcher prints the problem and `command`'s usage, and exits 2. */
export class UsageError extends Error {
  constructor(
    problem: string,
    readonly command?: CommandName,
  ) {
    super(problem);
  }
}

export function usageOf(command?: CommandName): string {
  return command ? commandUsage[command] : hookgateUsage;
}

const helpOption = `options:
  -h, --help  show this help`;

// Every command that touches the database finds it as `start` does.
const database = `The database: DATABASE_URL, or without it an embedded PostgreSQL whose data lives in
HOOKGATE_DATA_DIR (default ./.hookgate).`;

const hookgateUsage = `usage: hookgate <command> [options]

commands:
  start                run the API (GraphQL at /graphql) and a delivery worker in one process;
                       embedded PostgreSQL when DATABASE_URL is unset
  serve                run the API only
  worker               run a delivery worker only (any number may share one PostgreSQL)
  migrate              apply database migrations and exit
  create-organization  create an organization; print its id and an admin API key
  create-api-key       issue another API key for an organization
  partner              run a partner system locally: an OAuth2 token endpoint and a receiver
                       that checks and prints every delivery (no database)

"hookgate <command> --help" describes a command. Settings come from the environment
(DATABASE_URL, HOOKGATE_DATA_DIR, PORT, ...: see the README).
Exit status: 0 done, 1 failed, 2 bad arguments, 130 stopped at once by a second Ctrl-C.`;

const commandUsage: Record<CommandName, string> = {
  start: `usage: hookgate start

Runs the API (GraphQL at /graphql) and a delivery worker in one process, after applying
pending migrations. On a database without organizations it creates "Default" and prints
its admin API key once. SIGINT or SIGTERM stops it once the deliveries in hand are finished;
a second Ctrl-C, a moment later, stops it at once (they are sent again later).
${database}

${helpOption}`,

  serve: `usage: hookgate serve

Runs the API only (GraphQL at /graphql), for deployments whose delivery workers run
separately ("hookgate worker"). Applies pending migrations first.
${database}

${helpOption}`,

  worker: `usage: hookgate worker

Runs a delivery worker only. Any number of workers may share one PostgreSQL: give them all
the same DATABASE_URL and HOOKGATE_SECRET_KEY. Applies pending migrations first.
SIGINT or SIGTERM stops it once the deliveries in hand are finished; a second Ctrl-C, a
moment later, stops it at once (another worker, or its next start, sends them again).
${database}

${helpOption}`,

  migrate: `usage: hookgate migrate

Applies pending database migrations (the delivery queue's and hookgate's), prints the ones
applied and exits.
${database}

${helpOption}`,

  "create-organization": `usage: hookgate create-organization <name> [--json]

Creates an organization with its first ADMIN API key and prints both:
  organization id: <uuid>
  admin API key:   hg_...
The key is shown only this once: hookgate stores a hash. Applies pending migrations first.
${database}

options:
  --json      print {"organizationId": ..., "apiKey": ...} instead
  -h, --help  show this help

example:
  hookgate create-organization "Acme Tickets"`,

  "create-api-key": `usage: hookgate create-api-key --organization <id> --role ADMIN|VIEWER [--json]

Issues another API key for an existing organization and prints it:
  organization id: <uuid>
  role:            ADMIN|VIEWER
  API key:         hg_...
An ADMIN key may change the organization's configuration; a VIEWER key may only read. The
key is shown only this once: hookgate stores a hash. Applies pending migrations first.
${database}

options:
  --organization <id>  the organization's id (a UUID)
  --role <role>        ADMIN or VIEWER
  --json               print {"organizationId": ..., "role": ..., "apiKey": ...} instead
  -h, --help           show this help`,
  partner: `usage: hookgate partner [--port 4001] [--client-id doo] [--client-secret <secret>]
                        [--secret whsec_...|whpk_...] [--fail-rate 0.2] [--delay 2s]
                        [--seed <n>] [--doo-token] [--any-token] [--json]

Runs a partner system on 127.0.0.1, to see deliveries arrive without writing one:
  POST /oauth/token  OAuth2 client credentials (form fields, JSON or HTTP Basic); wrong
                     credentials get 401 {"error": "invalid_client", ...}
  any other path     the webhook receiver: 401 without a Bearer token it issued, 400 when
                     --secret is given and the Standard Webhooks signature does not verify,
                     else 200 (or 500 on purpose, see --fail-rate)
It prints what to paste into a webhook group (and a curl command that creates one), then one
line per request: time, webhook-id, hook type, attempt (a repeated webhook-id is marked),
token, signature, the answer, the start of the body. Tokens stay valid across a restart with
the same credentials. Needs no database. SIGINT or SIGTERM stops it.

options:
  --port <port>             where to listen (default 4001; 0: any free port)
  --client-id <id>          the OAuth2 client id it accepts (default doo)
  --client-secret <secret>  the client secret it accepts (default: a random one, printed)
  --secret <secret>         the group's signingSecret (whsec_...) or, for an ED25519 group,
                            its public key (whpk_...): signatures are checked; without it
                            they are "unchecked"
  --fail-rate <rate>        answer this share of good deliveries with 500, e.g. 0.5 or 50%
  --delay <duration>        answer each delivery only after this long, e.g. 500ms, 2s, 20s
  --seed <n>                make --fail-rate's draws the same on every run
  --doo-token               answer token requests as doo documents them,
                            {"message", "description", "access_token"}, instead of
                            {"access_token", "token_type", "expires_in"}
  --any-token               answer deliveries without a token it issued too (a group without
                            authentication, or with its token in another header); each
                            line still says what the token was
  --json                    print each request (and the start) as one JSON line
  -h, --help                show this help

example:
  hookgate partner --client-secret super-strong-secret --secret whsec_... --fail-rate 0.5`,
};
