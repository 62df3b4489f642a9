import { Kind, type ValueNode } from "graphql";

/**
 * How deeply JSON input (the JSON scalar: `publishEvent.data`, `sendTestDelivery.payload`,
 * `hooks[].condition`) may nest: `{}` is 1 level, `{"a": []}` 2. Real payloads stay far below;
 * the limit is there because serializing, storing and matching JSON all recurse, and 100,000
 * levels overflow the stack.
 */
export const maxJsonDepth = 64;

/**
 * Whether `value` nests deeper than `limit`. Walked with an explicit stack, not recursion: the
 * check must hold for exactly the values recursion cannot.
 */
export function jsonDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.value === null || typeof next.value !== "object") continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const item of Object.values(next.value)) pending.push({ value: item, depth });
  }
  return false;
}

/** The same for a GraphQL literal, before graphql-scalars turns it into a value by recursion. */
export function literalDeeperThan(node: ValueNode, limit: number): boolean {
  const pending: Array<{ node: ValueNode; depth: number }> = [{ node, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node: current } = next;
    if (current.kind !== Kind.OBJECT && current.kind !== Kind.LIST) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    const children = current.kind === Kind.OBJECT ? current.fields.map((field) => field.value) : current.values;
    for (const child of children) pending.push({ node: child, depth });
  }
  return false;
}
