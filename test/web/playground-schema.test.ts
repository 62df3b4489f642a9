import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSchema, isEnumType, isIntrospectionType, isSpecifiedScalarType } from "graphql";
import { describe, expect, it } from "vitest";

const schemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../schema");

// The playground's explorer and documentation show the schema's descriptions and nothing else:
// a type, an enum value or an operation without one leaves an integrator guessing.
describe("the schema the playground explains", () => {
  const schema = buildSchema(
    readdirSync(schemaDir)
      .filter((file) => file.endsWith(".graphql"))
      .map((file) => readFileSync(path.join(schemaDir, file), "utf8"))
      .join("\n"),
  );
  const types = Object.values(schema.getTypeMap()).filter((type) => !isIntrospectionType(type) && !isSpecifiedScalarType(type));

  it("describes every type and every enum value", () => {
    expect(types.filter((type) => !type.description).map((type) => type.name)).toEqual([]);
    const values = types.filter(isEnumType).flatMap((type) => type.getValues().map((value) => ({ type, value })));
    expect(values.filter(({ value }) => !value.description).map(({ type, value }) => `${type.name}.${value.name}`)).toEqual([]);
  });

  it("describes every query and every mutation", () => {
    const roots = [schema.getQueryType()!, schema.getMutationType()!];
    const fields = roots.flatMap((root) => Object.values(root.getFields()).map((field) => ({ root, field })));
    expect(fields.filter(({ field }) => !field.description).map(({ root, field }) => `${root.name}.${field.name}`)).toEqual([]);
  });
});
