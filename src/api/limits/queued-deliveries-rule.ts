import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { MAX_RECOVERED_PER_CALL } from "../../store/requeue-deliveries.js";

/** The mutations that queue deliveries by hand, one each. */
const queuingOne = new Set(["sendTestDelivery", "redeliver"]);

/**
 * Also: previewHookPayload, which runs an origin query, once per request.
 * HOOKGATE_MAX_QUEUED_PER_REQUEST: one request may queue at most `max` deliveries by hand, however
 * many aliases or fragments it spreads them over (40 aliased sendTestDelivery fields were 40
 * deliveries). recoverDeliveries queues up to MAX_RECOVERED_PER_CALL at once, so it comes alone.
 * Checked as the document is validated, so a refused request runs none of its fields; the
 * refusal is GRAPHQL_VALIDATION_FAILED (HTTP 400), like graphql-armor's limits on a document,
 * since asking again later cannot succeed. Publishing (publishEvent, source changes) is not
 * counted: its fan-out is the organization's own hooks, and its pace the caller's rate limit.
 */
export function queuedDeliveriesRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const counts = rootFieldCounts(context, operation.selectionSet);
      // Each preview runs an origin query of up to the query limits' objects, on the API's own
      // connections: thirty aliased previews were thirty times what one query may cost.
      if ((counts.get("previewHookPayload") ?? 0) > 1) {
        const message =
          "previewHookPayload runs an origin query as large as a whole request may be, so one request may hold it once; " +
          "send the others in requests of their own";
        context.reportError(new GraphQLError(message, { nodes: [operation] }));
      }
      if (operation.operation !== "mutation") return;
      const byHand = [...queuingOne].reduce((sum, name) => sum + (counts.get(name) ?? 0), 0);
      const recovers = counts.get("recoverDeliveries") ?? 0;
      const initializations = counts.get("initializeWebhookGroup") ?? 0;
      if (recovers > 1 || (recovers === 1 && byHand > 0)) {
        const message =
          `recoverDeliveries queues up to ${MAX_RECOVERED_PER_CALL} deliveries at once, so one request may hold it once ` +
          "and without sendTestDelivery or redeliver beside it; send the others in requests of their own";
        context.reportError(new GraphQLError(message, { nodes: [operation] }));
      } else if (initializations > 1 || (initializations === 1 && byHand + recovers > 0)) {
        // Each starts a backfill of every existing event or order: thirty aliases were thirty of them.
        const message =
          "initializeWebhookGroup re-pushes every existing event or order of a group, so one request may hold it once " +
          "and without sendTestDelivery, redeliver or recoverDeliveries beside it; send the others in requests of their own";
        context.reportError(new GraphQLError(message, { nodes: [operation] }));
      } else if (byHand > max) {
        const fields = [...counts].filter(([name]) => queuingOne.has(name)).map(([name, n]) => `${name} ×${n}`).join(", ");
        const message =
          `this request would queue ${byHand} deliveries (${fields}); one request may queue at most ${max} ` +
          "(HOOKGATE_MAX_QUEUED_PER_REQUEST); send the rest in further requests";
        context.reportError(new GraphQLError(message, { nodes: [operation] }));
      }
    },
  });
}

/**
 * The mutation's root fields by name and how often each runs, through inline fragments and
 * fragment spreads (a field in a fragment spread twice runs twice). Each fragment is counted
 * once and its counts reused, so fragments spreading each other twice over cannot make this walk
 * exponential; a fragment cycle, which another rule refuses, counts as nothing.
 */
function rootFieldCounts(context: ValidationContext, selectionSet: SelectionSetNode): Map<string, number> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counted = new Map<string, Map<string, number>>();
  const countsOf = (set: SelectionSetNode): Map<string, number> => {
    const counts = new Map<string, number>();
    const add = (name: string, n: number) => counts.set(name, (counts.get(name) ?? 0) + n);
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) add(selection.name.value, 1);
      else if (selection.kind === Kind.INLINE_FRAGMENT) for (const [name, n] of countsOf(selection.selectionSet)) add(name, n);
      else for (const [name, n] of fragmentCounts(selection.name.value)) add(name, n);
    }
    return counts;
  };
  const fragmentCounts = (name: string): Map<string, number> => {
    const known = counted.get(name);
    if (known) return known;
    counted.set(name, new Map()); // while counting it: a cycle back to it adds nothing
    const fragment = fragments.get(name);
    const counts = fragment ? countsOf(fragment.selectionSet) : new Map<string, number>();
    counted.set(name, counts);
    return counts;
  };
  return countsOf(selectionSet);
}
