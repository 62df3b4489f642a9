import { GraphQLError } from "graphql";

/**
 * A scalar of hookgate's own refusing a value with a message that never quotes it. graphql-js
 * and graphql-scalars quote the refused value in theirs, so the error formatter replaces those;
 * this class is how it knows to keep these.
 */
export class ScalarRefusal extends GraphQLError {}
