import { InputError } from "../../errors.js";
import { isOperationalHookType, type OperationalHookType } from "../../store/column-values.js";
import type { HookType } from "../../store/tables.js";

// The rules for hooks of hookgate's own events (GROUP_DISABLED, DELIVERY_FAILED, GROUP_RECOVERED;
// docs/operational-webhooks.md). They are about the organization's groups, not about an event or
// an order, so:

/**
 * Only a group for the whole organization holds them: a group scoped to an event or an event guide
 * hears of that scope's changes, and a notice about a group has no event to be scoped by.
 */
export function checkOperationalHooks(hooks: ReadonlyArray<{ type: HookType }>, scoped: boolean): void {
  if (!scoped) return;
  const index = hooks.findIndex((hook) => isOperationalHookType(hook.type));
  if (index === -1) return;
  throw new InputError(
    `input.hooks[${index}].type`,
    `${hooks[index]!.type} hooks belong to groups for the whole organization; leave eventId and eventGuideId out`,
  );
}

/**
 * Their payload is hookgate's own, fixed: no origin query (there is no event or order to look up,
 * and a group could query none of hookgate's state) and no condition (there is no event or order
 * to test). Refused rather than ignored, so nobody waits for a filter that would never apply.
 */
export function refuseOperationalExtras(hook: Record<string, unknown>, type: OperationalHookType, path: string): void {
  if (hook.origin != null) throw new InputError(`${path}.origin`, `${type} hooks take no origin: their payload is hookgate's own`);
  const condition = hook.condition;
  const empty = condition == null || (typeof condition === "object" && !Array.isArray(condition) && Object.keys(condition).length === 0);
  if (!empty) throw new InputError(`${path}.condition`, `${type} hooks take no condition: every ${type} of the organization is sent`);
}
