import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, getVariableValues, parse, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { exampleTabs } from "../../web/playground/example-tabs.js";

const schemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../schema");
const schema = buildSchema(
  readdirSync(schemaDir)
    .filter((file) => file.endsWith(".graphql"))
    .map((file) => readFileSync(path.join(schemaDir, file), "utf8"))
    .join("\n"),
);

// The playground's example tabs are text in a browser bundle: nothing else checks that they still
// fit the schema when it changes.
describe("the playground's example tabs", () => {
  const ids = { eventId: "7d0c3a5e-0000-4000-8000-000000000001", deliveryId: "7d0c3a5e-0000-4000-8000-000000000002" };

  it.each(exampleTabs(ids, "{}").map((tab) => [tab.query!.match(/(?:query|mutation) (\w+)/)![1]!, tab]))(
    "%s is valid against the schema, variables included, and says first what it does",
    (_name, tab) => {
      expect(tab.query!.startsWith("# ")).toBe(true);
      const document = parse(tab.query!);
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      const operation = document.definitions[0] as OperationDefinitionNode;
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], JSON.parse(tab.variables ?? "{}"));
      expect(coerced.errors?.map((error) => error.message)).toBeUndefined();
    },
  );

  it("fills the ids it was given into the variables", () => {
    const variables = exampleTabs(ids, "{}").map((tab) => tab.variables ?? "").join("\n");
    expect(variables).toContain(ids.eventId);
    expect(variables).toContain(ids.deliveryId);
  });
});
