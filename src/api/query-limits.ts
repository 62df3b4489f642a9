import {
  GraphQLError,
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLOutputType,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { defaultPageSize, maxPageSize } from "../store/pagination.js";

/**
 * Bounds on what one query may ask for, checked before it runs: nesting depth, and how many
 * objects it could return at most (each connection or list multiplies by its `first`). A 300-byte
 * query nesting event.orders.event.orders… must be refused, not answered with gigabytes.
 */
export const queryLimits = { maxDepth: 12, maxNodes: 10_000 } as const;

export function queryLimitRule(limits: { maxDepth: number; maxNodes: number } = queryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const depths: number[] = [];
    const multipliers: number[] = [];
    let reported = false;
    const report = (message: string, node: FieldNode) => {
      if (reported) return;
      reported = true;
      context.reportError(new GraphQLError(message, { nodes: [node] }));
    };
    return {
      OperationDefinition: {
        enter() {
          depths.length = 0;
          multipliers.length = 0;
          reported = false;
        },
      },
      Field: {
        enter(node) {
          const depth = (depths.at(-1) ?? 0) + 1;
          const nodes = (multipliers.at(-1) ?? 1) * fanOut(node, context.getType(), context.getParentType()?.name);
          depths.push(depth);
          multipliers.push(nodes);
          if (depth > limits.maxDepth) report(`the query nests deeper than ${limits.maxDepth} fields`, node);
          if (nodes > limits.maxNodes) {
            report(`the query could return ${nodes} objects, more than ${limits.maxNodes}; ask for smaller pages`, node);
          }
        },
        leave() {
          depths.pop();
          multipliers.pop();
        },
      },
    };
  };
}

// A connection (its `first`) or a list multiplies what is below it; anything else is one object.
function fanOut(node: FieldNode, type: GraphQLOutputType | null | undefined, parentType: string | undefined): number {
  const first = node.arguments?.find((argument) => argument.name.value === "first");
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  if (first) return maxPageSize; // a variable: assume the largest page it may ask for
  if (type && getNamedType(type).name.endsWith("Connection")) return defaultPageSize;
  // A connection's edges are the page already counted on the connection itself.
  if (parentType?.endsWith("Connection")) return 1;
  const unwrapped = type && isNonNullType(type) ? type.ofType : type;
  return unwrapped && isListType(unwrapped) ? defaultPageSize : 1;
}
