import { GraphQLError, type ASTVisitor, type ValidationContext } from "graphql";

/**
 * Origin queries build payloads sent to partners, so they may read the built-in source only —
 * never the organization's configuration (webhook groups, API keys), which the same schema serves
 * to integrators.
 */
export const originRootFields: readonly string[] = ["event", "events", "order", "orders", "eventGuide", "eventGuides"];

export function originScopeRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const parent = context.getParentType();
      const name = node.name.value;
      if (parent !== context.getSchema().getQueryType() || name === "__typename" || originRootFields.includes(name)) {
        return;
      }
      context.reportError(
        new GraphQLError(`origin queries may read ${originRootFields.join(", ")} only; "${name}" is not available to them`, {
          nodes: [node],
        }),
      );
    },
  };
}
