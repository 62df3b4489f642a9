import { InputError } from "../../errors.js";

/** An input error the REST layer raised itself, its field already spelled as the client sent it. */
export class DooInputError extends InputError {}

/**
 * GraphQL input names → doo's AddWebhook names. Validation is shared with GraphQL and names
 * fields the GraphQL way (`input.authentication.headerValueFormat`); a REST client should read
 * the names it sent (`authentication.header_value_format`). Names not listed are spelled alike.
 */
const dooNames: Readonly<Record<string, string>> = {
  eventId: "event_id",
  eventGuideId: "event_guide_id",
  grantType: "grant_type",
  clientId: "client_id",
  clientSecret: "client_secret",
  headerFormat: "header_format",
  headerValueFormat: "header_value_format",
};

// A name standing alone in prose ("give eventId or eventGuideId, not both"), not part of a URL,
// a `$variable` or another word.
const nameInProse = new RegExp(`(?<![\\w$./?&=%-])(${Object.keys(dooNames).join("|")})(?!\\w)`, "g");

/** `input.hooks[0].endpoint` → `hooks[0].endpoint`; the whole input (`input`) is the request `body`. */
export function dooField(path: string): string {
  if (path === "input") return "body";
  return path.replace(/^input\./, "").replace(/[A-Za-z]+/g, (name) => dooNames[name] ?? name);
}

/** The error's field and message in doo's names. */
export function inDooTerms(error: InputError): { field: string; message: string } {
  if (error instanceof DooInputError) return { field: error.field, message: error.message };
  const field = dooField(error.field);
  const prefix = `${error.field}: `;
  let problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  // An origin body's problems quote the client's own GraphQL query; its words stay as written.
  if (!error.field.endsWith(".body")) problem = problem.replace(nameInProse, (name) => dooNames[name] ?? name);
  return { field, message: `${field}: ${problem}` };
}
