import { beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../support/expect-error.js";
import { groupInput } from "../support/fixtures.js";
import { groupsSnapshot } from "../support/group-helpers.js";
import { useTestApp } from "../support/test-app.js";

// Ordered delivery and a rate limit per endpoint, as a group asks for them: given at creation
// (or replacement), shown wherever the group is read, refused by name when out of range.

const app = useTestApp();

const fields = "id name ordered maxRequestsPerSecond";
const createMutation = `
  mutation ($input: CreateWebhookGroupInput!) {
    createWebhookGroup(input: $input) { webhookGroup { ${fields} } }
  }`;

interface Options {
  id: string;
  name: string;
  ordered: boolean;
  maxRequestsPerSecond: number | null;
}

async function create(overrides: Record<string, unknown>): Promise<Options> {
  const result = await app.graphql(createMutation, { input: groupInput(overrides) });
  if (!result.data?.createWebhookGroup) throw new Error(`createWebhookGroup failed: ${JSON.stringify(result.errors)}`);
  return result.data.createWebhookGroup.webhookGroup as Options;
}

async function read(id: string): Promise<Options> {
  const result = await app.graphql(`query ($id: ID!) { webhookGroup(id: $id) { ${fields} } }`, { id });
  return result.data!.webhookGroup as Options;
}

async function listed(id: string): Promise<Options | undefined> {
  const result = await app.graphql(`{ webhookGroups(first: 100) { edges { node { ${fields} } } } }`);
  return (result.data!.webhookGroups.edges as Array<{ node: Options }>).map((edge) => edge.node).find((node) => node.id === id);
}

beforeAll(async () => {
  // One group exists, so "unchanged" compares against real rows, not an empty table.
  await create({ name: "existing" });
});

describe("delivery options of a webhook group", () => {
  it("are kept as given: the create answer, webhookGroup and webhookGroups all show them", async () => {
    const created = await create({ name: "ordered and limited", ordered: true, maxRequestsPerSecond: 25 });
    expect(created).toMatchObject({ ordered: true, maxRequestsPerSecond: 25 });
    expect(await read(created.id)).toEqual(created);
    expect(await listed(created.id)).toEqual(created);
  });

  it("default to unordered and unlimited, whether left out or given as false and null", async () => {
    for (const overrides of [{ name: "defaults" }, { name: "explicit defaults", ordered: false, maxRequestsPerSecond: null }]) {
      const created = await create(overrides);
      expect(created).toMatchObject({ ordered: false, maxRequestsPerSecond: null });
      expect(await read(created.id)).toEqual(created);
      expect(await listed(created.id)).toEqual(created);
    }
  });

  it("accept each option alone, and the bounds of the rate limit, 1 and 10,000", async () => {
    expect(await create({ ordered: true })).toMatchObject({ ordered: true, maxRequestsPerSecond: null });
    for (const limit of [1, 10_000]) {
      const created = await create({ maxRequestsPerSecond: limit });
      expect(await read(created.id)).toMatchObject({ ordered: false, maxRequestsPerSecond: limit });
    }
  });

  it("go with the group when it is replaced", async () => {
    const old = await create({ name: "before" });
    const result = await app.graphql(
      `mutation ($id: ID!, $input: CreateWebhookGroupInput!) { replaceWebhookGroup(id: $id, input: $input) { webhookGroup { ${fields} } } }`,
      { id: old.id, input: groupInput({ name: "after", ordered: true, maxRequestsPerSecond: 3 }) },
    );
    const replaced = result.data!.replaceWebhookGroup.webhookGroup as Options;
    expect(replaced).toMatchObject({ name: "after", ordered: true, maxRequestsPerSecond: 3 });
    expect(await read(replaced.id)).toEqual(replaced);
  });

  it.each([0, 10_001, -1])("refuse maxRequestsPerSecond %i, naming the field, and write nothing", async (limit) => {
    const before = await groupsSnapshot(app);
    const result = await app.graphql(createMutation, { input: groupInput({ ordered: true, maxRequestsPerSecond: limit }) });
    expectError(result, "BAD_USER_INPUT", "input.maxRequestsPerSecond");
    expect(result.errors![0]!.message).toBe("input.maxRequestsPerSecond: must be a whole number from 1 to 10,000, or null for no limit");
    expect(await groupsSnapshot(app)).toBe(before);
  });
});
