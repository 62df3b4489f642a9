import {
  type ASTNode,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import { expectation, type ValueFreeMessage } from "./coercion-message.js";
import { ScalarRefusal } from "./scalar-refusal.js";

const valueKinds: Readonly<Record<string, string>> = {
  [Kind.INT]: "a number",
  [Kind.FLOAT]: "a number",
  [Kind.STRING]: "a string",
  [Kind.BOOLEAN]: "a boolean",
  [Kind.NULL]: "null",
  [Kind.ENUM]: "an enum value",
  [Kind.LIST]: "a list",
  [Kind.OBJECT]: "an object",
};

/**
 * graphql-js refuses a literal argument of the wrong type with its printed value
 * (`Expected value of type "String!", found 98765432123.`, or the scalar's own words, which quote
 * it too). The message is rebuilt from the argument path and the expected type, found by walking
 * the document again to the refused literal; the kind of value stands in for the value.
 * Null when `error` is not about a literal's value.
 */
export function literalCoercionMessage(error: GraphQLError, schema: GraphQLSchema): ValueFreeMessage | null {
  const literal = error.nodes?.[0];
  if (!literal || !(literal.kind in valueKinds) || !literal.loc || !error.source) return null;
  // Reports about an input object's fields name fields and types only.
  if (/^(Field "|OneOf )/.test(error.message)) return null;
  const found = locate(schema, error.source.body, literal);
  const given = valueKinds[literal.kind]!;
  const reason = error instanceof ScalarRefusal || error.originalError instanceof ScalarRefusal ? error.message : expectation(found?.type, given);
  if (!found) return { message: `A literal argument has an invalid value; ${reason}` };
  return { message: `${found.path}: ${reason}`, field: found.path };
}

/** The argument path (`input.authentication.credentials.clientSecret`) and input type of the literal at `target`'s place. */
function locate(schema: GraphQLSchema, body: string, target: ASTNode): { path: string; type: GraphQLInputType | undefined } | null {
  const typeInfo = new TypeInfo(schema);
  let found: { path: string; type: GraphQLInputType | undefined } | null = null;
  visit(
    parse(body, { noLocation: false }),
    visitWithTypeInfo(typeInfo, {
      enter(node, _key, parent, path, ancestors) {
        if (found) return false;
        if (node.kind !== target.kind || node.loc?.start !== target.loc?.start) return undefined;
        found = { path: pathOf([...ancestors, parent, node], path), type: typeInfo.getInputType() ?? undefined };
        return false;
      },
    }),
  );
  return found;
}

/** Names from the argument down: `.field` for object fields, `[n]` for list items, `$name` for a variable's default. */
function pathOf(nodes: ReadonlyArray<unknown>, keys: ReadonlyArray<string | number>): string {
  let path = "";
  nodes.forEach((node, index) => {
    if (Array.isArray(node) || typeof node !== "object" || node === null) return;
    const astNode = node as ASTNode;
    if (astNode.kind === Kind.ARGUMENT) path = astNode.name.value;
    else if (astNode.kind === Kind.VARIABLE_DEFINITION) path = `$${astNode.variable.name.value}`;
    else if (astNode.kind === Kind.OBJECT_FIELD) path += `.${astNode.name.value}`;
    else if (astNode.kind === Kind.LIST && index + 1 < keys.length) path += `[${keys[index + 1]}]`;
  });
  return path;
}
