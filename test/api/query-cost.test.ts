import { getIntrospectionQuery } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { createEvent } from "../support/fixtures.js";
import { graphqlData, useTestApp, type GraphqlResult, type TestApp } from "../support/test-app.js";

// Query cost limits over HTTP: what a query may ask for is bounded through named and inline
// fragments and aliases, refusals are cheap, and ordinary queries are still answered.

const app = useTestApp();

// Issue 10's queries, byte for byte where the issue gives them.
const fragmentChain =
  "{ events(first:100){edges{node{...F0}}}} fragment F0 on Event{orders(first:100){edges{node{id event{...F1}}}}} " +
  "fragment F1 on Event{orders(first:100){edges{node{id event{...F2}}}}} fragment F2 on Event{orders(first:100){totalCount edges{node{id}}}}";
const inlineChain =
  "{ events(first:100){edges{node{orders(first:100){edges{node{id event{orders(first:100){edges{node{id event{" +
  `orders(first:100){totalCount edges{node{id${"}".repeat(15)}`;
const aliasBomb = `{ ${Array.from({ length: 10_000 }, (_, i) => `e${i}: events(first: 100) { edges { node { id title } } }`).join(" ")} }`;

async function post(query: string, variables?: Record<string, unknown>) {
  const startedAt = performance.now();
  const result = await app.graphql(query, variables);
  return { result, ms: performance.now() - startedAt };
}

function expectRefused(result: GraphqlResult, message: RegExp) {
  expect(result.status, JSON.stringify(result)).toBe(400);
  expect(result.data ?? null).toBeNull();
  expect(result.errors).toHaveLength(1);
  expect(result.errors![0]!.message).toMatch(message);
  expect(Object.keys(result.errors![0]!.extensions ?? {})).toEqual(["code"]);
  expect(result.errors![0]!.extensions?.code).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
}

let eventIds: string[] = [];
beforeAll(async () => {
  for (const title of ["Summer Fest", "Winter Fest", "Spring Fest"]) {
    const event = await createEvent(app, { title });
    eventIds.push(event.id);
    for (const total of [10, 20]) {
      await graphqlData(app, `mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }`, {
        input: { eventId: event.id, total, currency: "EUR" },
      });
    }
  }
});

describe("fragments and aliases cannot hide what a query asks for", () => {
  it("refuses issue 10's fragment chain as it refuses the same query written inline, before running it", async () => {
    expect(fragmentChain.length).toBeLessThan(330);
    for (const query of [fragmentChain, inlineChain]) {
      const { result, ms } = await post(query);
      expectRefused(result, /^the query nests 15 fields deep, more than 12; ask for less nested data/);
      expect(ms).toBeLessThan(1_000);
    }
  });

  it("counts the objects a fragment could return where it is spread: 100 events × 100 orders", async () => {
    const spread = "{ events(first:100){edges{node{...F}}}} fragment F on Event{orders(first:100){edges{node{id}}}}";
    const inline = "{ events(first:100){edges{node{... on Event{orders(first:100){edges{node{id}}}}}}}}";
    for (const query of [spread, inline]) {
      const { result, ms } = await post(query);
      expectRefused(result, /^the query could return 10100 objects, more than 10000; ask for smaller pages \(first\)/);
      expect(ms).toBeLessThan(1_000);
    }
  });

  it("refuses 10,000 aliases while parsing, in milliseconds", async () => {
    expect(aliasBomb.length).toBeGreaterThan(500_000);
    const { result, ms } = await post(aliasBomb);
    expectRefused(result, /^the query has more than 1000 tokens \(names, values, punctuation\); send a smaller query/);
    expect(ms).toBeLessThan(1_000);
  });

  it("counts aliases, directives and depth through fragments", async () => {
    const aliases = `{ ...A } fragment A on Query { ${Array.from({ length: 31 }, (_, i) => `a${i}: event(id: "${eventIds[0]}") { id }`).join(" ")} }`;
    expectRefused((await post(aliases)).result, /^the query has 31 aliases, more than 30; send fewer aliased fields/);
    const directives = `{ ...D } fragment D on Query { events(first: 1) { edges { node { ${"id @include(if: true) ".repeat(51)} } } } }`;
    expectRefused((await post(directives)).result, /^the query has 51 directives, more than 50/);
    // Thirteen fields deep, each fragment starting where it is spread rather than at depth 1.
    const deep =
      `{ event(id: "${eventIds[0]}") { ...G } } fragment G on Event { eventGuide { events(first: 1) { edges { node { ...H } } } } } ` +
      "fragment H on Event { eventGuide { events(first: 1) { edges { node { ...I } } } } } " +
      "fragment I on Event { eventGuide { events(first: 1) { edges { node { id } } } } }";
    expectRefused((await post(deep)).result, /^the query nests 14 fields deep, more than 12; ask for less nested data/);
  });

  it("refuses a fragment spread twice at every level (2^30 selections) without expanding it", async () => {
    const names = Array.from({ length: 30 }, (_, i) => `F${i}`);
    const fragments = names.map((name, i) => `fragment ${name} on Event { ${i === 29 ? "id" : `...F${i + 1} ...F${i + 1}`} }`);
    const query = `{ event(id: "${eventIds[0]}") { ...F0 } } ${fragments.join(" ")}`;
    const { result, ms } = await post(query);
    expectRefused(result, /more than 10000 selections once its fragments are spread/);
    expect(ms).toBeLessThan(1_000);
  });

  it("takes a page size given as a variable at its value", async () => {
    const nested = `query ($n: Int) { events(first: $n) { edges { node { orders(first: $n) { edges { node { event { orders(first: $n) { totalCount } } } } } } } } }`;
    expectRefused((await post(nested, { n: 100 })).result, /could return \d+ objects, more than 10000/);
    const small = await graphqlData(app, nested, { n: 2 });
    expect(small.events.edges).toHaveLength(2);
  });
});

describe("ordinary queries are still answered", () => {
  it("answers a page of events with their orders, through fragments", async () => {
    const data = await graphqlData(
      app,
      `{ events(first: 100) { totalCount edges { node { ...E } } } } fragment E on Event { id title orders(first: 10) { totalCount edges { node { id total event { id } } } } }`,
    );
    expect(data.events.totalCount).toBe(3);
    expect(data.events.edges.map((edge: any) => edge.node.orders.totalCount)).toEqual([2, 2, 2]);
  });

  it("answers the playground's introspection query", async () => {
    const data = await graphqlData(app, getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }));
    expect(data.__schema.queryType.name).toBe("Query");
  });
});

describe("a refused query does not hold up anyone else", () => {
  it("answers an ordinary request sent beside the alias bomb and the fragment chain at once", async () => {
    const ordinary = async (app: TestApp) => {
      const startedAt = performance.now();
      const result = await app.graphql(`{ events(first: 10) { edges { node { id title } } } }`);
      return { result, ms: performance.now() - startedAt };
    };
    const [bomb, chain, answered] = await Promise.all([post(aliasBomb), post(fragmentChain), ordinary(app)]);
    expectRefused(bomb.result, /^the query has more than 1000 tokens \(names, values, punctuation\); send a smaller query/);
    expectRefused(chain.result, /nests 15 fields deep/);
    expect(answered.result.errors).toBeUndefined();
    expect(answered.result.data?.events.edges).toHaveLength(3);
    expect(Math.max(bomb.ms, chain.ms, answered.ms)).toBeLessThan(1_000);
  });
});
