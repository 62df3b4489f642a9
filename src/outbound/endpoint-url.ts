import { InputError } from "../errors.js";

const MAX_LENGTH = 2048;

/**
 * Checks a URL hookgate will send requests to (hook endpoints, token endpoints) and returns its
 * normalized href. Only the shape is checked here; private and loopback addresses are refused at
 * send time, after DNS, where the check cannot be dodged by a name that resolves differently later.
 */
export function checkEndpointUrl(value: unknown, field: string): string {
  if (typeof value !== "string") throw new InputError(field, "must be a string");
  const text = value.trim();
  if (text === "") throw new InputError(field, "must not be empty");
  if (text.length > MAX_LENGTH) throw new InputError(field, `must be at most ${MAX_LENGTH} characters`);
  // The URL parser silently drops tabs and newlines; refuse them so what is stored is what was sent.
  if (/[\u0000-\u0020\u007f]/.test(text)) {
    throw new InputError(field, "must not contain spaces or control characters");
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(field, "must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InputError(field, `must use http or https, not ${url.protocol}`);
  }
  // Without "//" the parser would accept "http:example.com" and guess; ask for the full form.
  if (!/^https?:\/\//i.test(text)) throw new InputError(field, "must be an absolute http(s) URL");
  if (url.username !== "" || url.password !== "") {
    throw new InputError(field, "must not contain a username or password");
  }
  if (url.hostname === "") throw new InputError(field, "must have a host");
  if (url.href.length > MAX_LENGTH) throw new InputError(field, `must be at most ${MAX_LENGTH} characters`);
  return url.href;
}
