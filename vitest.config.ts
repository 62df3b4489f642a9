import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CommonJS and ESM builds; Node and @graphql-tools load the CommonJS one, so
    // tests must too, or a schema built by one copy is refused by the other.
    alias: { graphql: require.resolve("graphql") },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // One PostgreSQL server and one migrated template for the whole run; each file clones it.
    globalSetup: ["test/support/global-setup.ts"],
    // Integration tests start real servers; a slow CI machine must not turn that into failures.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Child processes rather than worker threads: each file gets its own pg pools and signals.
    pool: "forks",
  },
});
