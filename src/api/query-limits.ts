import type { ApolloServerPlugin } from "@apollo/server";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getOperationAST,
  GraphQLError,
  parse,
  TypeInfo,
  ValidationContext,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import { createComplexityRule } from "graphql-query-complexity";
import type { QueryLimits } from "../origin/built-in-schema.js";
import { objectsEstimator } from "./objects-estimator.js";

/**
 * hookgate's bounds on one query, for API requests and origin queries alike. Every count follows
 * named and inline fragments to where they are spread, and aliases count as the fields they are,
 * so neither can hide what a query asks for. A 300-byte query nesting event.orders.event.orders…
 * must be refused, not answered with megabytes, and refusing must itself be cheap.
 */
export const queryLimits = Object.freeze({
  /** Nested fields, counted through fragments. */
  maxDepth: 12,
  /** Objects the query could return: each connection multiplies what is below it by its page size. */
  maxObjects: 10_000,
  /** Aliased fields: each is one more resolver call that the objects bound does not see. */
  maxAliases: 30,
  /** Directives (@include, @skip…). */
  maxDirectives: 50,
  /**
   * Names, punctuation and values: counted while parsing, so an oversized document is never built.
   * Validation compares same-named fields pairwise: 2,000 tokens of `id id id…` took 160–300 ms
   * to validate, 1,000 about 70; the playground's introspection query has 184.
   */
  maxTokens: 1_000,
  /** Selections visited while estimating, fragments expanded: a fragment spread twice per level doubles them. */
  maxEstimatedSelections: 10_000,
});

export type QueryLimitFigures = typeof queryLimits;

/** The limits as the API and the origin layer apply them, on `schema`. */
export function createQueryLimits(schema: GraphQLSchema, limits: QueryLimitFigures = queryLimits): QueryLimits {
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    parse: (source) => {
      try {
        return parse(source, { maxTokens: limits.maxTokens });
      } catch (error) {
        const clear = error instanceof GraphQLError ? tokenLimitMessage(error.message) : null;
        throw clear ? new GraphQLError(clear) : error;
      }
    },
    rules: [
      armorRule(maxDepthRule, limits.maxDepth, (found) => `the query nests ${found} fields deep, more than ${limits.maxDepth}; ask for less nested data`),
      armorRule(maxAliasesRule, limits.maxAliases, (found) => `the query has ${found} aliases, more than ${limits.maxAliases}; send fewer aliased fields, or several requests`),
      armorRule(maxDirectivesRule, limits.maxDirectives, (found) => `the query has ${found} directives, more than ${limits.maxDirectives}; send fewer`),
    ],
    costError: (document, variables, operationName) => costError(schema, limits, document, variables, operationName),
  };
}

/**
 * graphql's own words for its token limit (ParseOptions.maxTokens: "Document contains more that
 * N tokens", sic), in hookgate's; null for any other syntax error.
 */
export function tokenLimitMessage(message: string): string | null {
  const limit = /^Syntax Error: Document contains more tha[nt] (\d+) tokens/.exec(message)?.[1];
  return limit ? `the query has more than ${limit} tokens (names, values, punctuation); send a smaller query, or several` : null;
}

type ArmorRule = (options: {
  n: number;
  flattenFragments?: boolean;
  propagateOnRejection: boolean;
  onReject: Array<(context: ValidationContext | null, error: GraphQLError) => void>;
}) => (context: ValidationContext) => object;

/**
 * A graphql-armor rule reporting its refusal as a validation error (its default throws out of
 * `validate`) in hookgate's words: which limit, the figure found, what to do.
 */
function armorRule(rule: ArmorRule, n: number, message: (found: string) => string): ValidationRule {
  return rule({
    n,
    // An inline or named fragment is not a level of the answer: only fields nest.
    flattenFragments: true,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        const found = /found (\d+)/.exec(error.message)?.[1] ?? "more";
        context?.reportError(new GraphQLError(message(found)));
      },
    ],
  }) as ValidationRule;
}

/**
 * graphql-query-complexity's visitor, run on its own rather than through `getComplexity`: that one
 * throws on the first argument or variable error and loses the count, and a field whose arguments
 * fail beside a costly sibling must not let the sibling through. Such errors are left to execution,
 * which refuses them before resolving the field (and so anything below it).
 */
function costError(
  schema: GraphQLSchema,
  limits: QueryLimitFigures,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | null,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  // No such operation: execution answers that, and runs nothing.
  if (!operation) return null;
  const typeInfo = new TypeInfo(schema);
  const context = new ValidationContext(schema, document, typeInfo, () => {});
  const visitor = createComplexityRule({
    maximumComplexity: Number.POSITIVE_INFINITY,
    estimators: [objectsEstimator],
    variables,
    operationName: operation.name?.value,
    maxQueryNodes: limits.maxEstimatedSelections,
  })(context);
  try {
    visit(document, visitWithTypeInfo(typeInfo, visitor));
  } catch (error) {
    // The visitor stops at maxQueryNodes, in its own words.
    if (visitor.evaluatedNodes >= limits.maxEstimatedSelections) {
      return refusal(
        `the query has more than ${limits.maxEstimatedSelections} selections once its fragments are spread; spread each fragment fewer times`,
      );
    }
    return refusal(`the query's cost could not be estimated: ${(error as Error).message}`);
  }
  if (visitor.complexity <= limits.maxObjects) return null;
  return refusal(
    `the query could return ${visitor.complexity} objects, more than ${limits.maxObjects}; ask for smaller pages (first) or fewer nested connections`,
  );
}

// A validation failure in substance, refused with the same code and status as the rules' ones.
function refusal(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } });
}

/**
 * The objects bound for API requests: it needs the request's variables (a page size may be one),
 * which Apollo's validation rules never see, so it runs once the operation is resolved.
 */
export function queryCostPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const error = limits.costError(document, request.variables ?? {}, request.operationName ?? null);
          if (error) throw error;
        },
      };
    },
  };
}
