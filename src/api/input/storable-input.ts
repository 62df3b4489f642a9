import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { unstorableStringAt } from "../../store/storable-text.js";

/** Why a string is refused: PostgreSQL text cannot hold U+0000, and neither text nor jsonb a lone surrogate. */
export const unstorableTextProblem = "must not contain NUL (\\u0000) or unpaired surrogate characters";

/**
 * One rule for every string a GraphQL request carries in its variables, at any depth (JSON
 * values and their keys included): text PostgreSQL cannot store as sent is refused, naming the
 * field, rather than stored altered (a lone surrogate silently became U+FFFD) or refused by one
 * mutation only. Literals in the query text need no check: graphql-js does not parse them.
 */
export function storableVariablesPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          for (const [name, value] of Object.entries(request.variables ?? {})) {
            const field = unstorableStringAt(value, name);
            if (field === null) continue;
            throw new GraphQLError(`${field}: ${unstorableTextProblem}`, {
              extensions: { code: "BAD_USER_INPUT", field, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
