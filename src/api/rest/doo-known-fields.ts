import { isPlainObject } from "../../origin/origin-request.js";
import { DooInputError } from "./doo-field-names.js";

/** The fields of an object; a field's shape, `[shape]` for a list of objects, or `true` for a plain value. */
interface Shape {
  readonly [field: string]: Shape | readonly [Shape] | true;
}

const credentials: Shape = { client_id: true, client_secret: true };
const authentication: Shape = { grant_type: true, endpoint: true, credentials, header_format: true, header_value_format: true };
const origin: Shape = { method: true, endpoint: true, body: true };
const hook: Shape = { type: true, method: true, endpoint: true, origin };
/** doo's AddWebhook object (seeds 002 and 004): what hookgate reads from a REST body. */
const addWebhook: Shape = { name: true, description: true, event_id: true, event_guide_id: true, hooks: [hook], authentication };

/** What doo's own list answers add to each webhook: sending a listed webhook back ("list, adjust, create new") still works. */
const readOnly = new Set(["id", "_links"]);

const shownNames = 10;
const shownNameLength = 64;

/**
 * Refuses a field hookgate does not read, at any depth, naming each: dropped silently, a
 * `condition` made a filtered group receive every change. Values of the wrong kind are left for
 * the group validation to refuse by name.
 */
export function refuseUnknownFields(body: Record<string, unknown>): void {
  const unknown: Array<{ path: string; known: string[] }> = [];
  const pending: Array<{ value: Record<string, unknown>; shape: Shape; path: string }> = [{ value: body, shape: addWebhook, path: "" }];
  for (let next = pending.shift(); next; next = pending.shift()) {
    const { value, shape, path } = next;
    for (const [field, item] of Object.entries(value)) {
      const at = path === "" ? field : `${path}.${field}`;
      if (path === "" && readOnly.has(field)) continue;
      const fieldShape = Object.hasOwn(shape, field) ? shape[field] : undefined;
      if (fieldShape === undefined) unknown.push({ path: at, known: Object.keys(shape) });
      else if (Array.isArray(fieldShape) && Array.isArray(item)) {
        item.forEach((element: unknown, index) => {
          if (isPlainObject(element)) pending.push({ value: element, shape: fieldShape[0], path: `${at}[${index}]` });
        });
      } else if (fieldShape !== true && !Array.isArray(fieldShape) && isPlainObject(item)) {
        pending.push({ value: item, shape: fieldShape as Shape, path: at });
      }
    }
  }
  const [first, ...others] = unknown;
  if (!first) return;
  const shown = (path: string) => (path.length > shownNameLength ? `${path.slice(0, shownNameLength)}…` : path);
  const more = others.length === 0 ? "" : ` (nor ${others.length === 1 ? "is" : "are"} ${others.slice(0, shownNames).map(({ path }) => shown(path)).join(", ")}${others.length > shownNames ? `, and ${others.length - shownNames} more` : ""})`;
  throw new DooInputError(shown(first.path), `is not a field of doo's AddWebhook object${more}; fields here: ${first.known.join(", ")}`);
}
