/**
 * The import rules of src/ (docs/architecture.md draws them). Layers in the order data flows;
 * a module may import its own layer or any layer below it, never one above, and no two modules
 * or top-level folders may import each other in a circle. test/architecture.test.ts runs these
 * rules in `npm test` (`npm run check:imports` alone), and adds what an import graph cannot see:
 * circles between folders, query builders or a global fetch used outside their layer, files in
 * no layer.
 */
const layers = [
  { name: "entry points", paths: ["^src/main\\.ts$", "^src/index\\.ts$", "^src/app\\.ts$", "^src/cli/", "^src/partner/"] },
  { name: "api", paths: ["^src/api/"] },
  { name: "use cases", paths: ["^src/(webhook-groups|source|replay|organizations|preview|initialization)/"] },
  { name: "engine", paths: ["^src/(publish|delivery)/"] },
  { name: "services", paths: ["^src/services\\.ts$"] },
  { name: "origin", paths: ["^src/origin/"] },
  { name: "store", paths: ["^src/store/", "^migrations/"] },
  { name: "foundations", paths: ["^src/(config|config-values|config-tracing|errors|logger|duration|verify-webhook)\\.ts$", "^src/(secrets|outbound|observability)/"] },
];

const everyLayer = layers.flatMap((layer) => layer.paths);

const upward = layers.slice(1).map((layer, index) => ({
  name: `${layer.name}-imports-no-higher-layer`,
  comment: `${layer.name} may import ${layers.slice(index + 1).map((l) => l.name).join(", ")}; never ${layers
    .slice(0, index + 1)
    .map((l) => l.name)
    .join(", ")}`,
  severity: "error",
  from: { path: layer.paths },
  to: { path: layers.slice(0, index + 1).flatMap((l) => l.paths) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "every-module-in-a-layer",
      comment: "a new file or folder of src/ gets a place in a layer (.dependency-cruiser.cjs, docs/architecture.md)",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/api/generated/", ...everyLayer] },
      to: {},
    },
    {
      name: "imports-reach-a-layer",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/", pathNot: ["^src/api/generated/", ...everyLayer] },
    },
    {
      name: "sql-lives-in-store",
      comment: "every SQL statement is in src/store/ (one statement, or one family, per file)",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/store/" },
      to: { path: "node_modules/(kysely|pg)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "outbound-http-through-the-guard",
      comment:
        "requests to URLs a tenant gave go through src/outbound/ (the address guard); the API's server, a worker's metrics port (HOOKGATE_METRICS_PORT), the embedded PostgreSQL's port probe and `hookgate partner` (a stand-in partner for people trying hookgate) listen, they do not call out",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/outbound/", "^src/api/http/http-server\\.ts$", "^src/observability/metrics-server\\.ts$", "^src/store/embedded-postgres\\.ts$", "^src/partner/partner\\.ts$"] },
      to: { path: ["^(node:)?(http|https|http2|net|tls|dns)$", "node_modules/undici/"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "http-clients-only-where-guarded",
      comment:
        "graphql-request is given the guarded fetch in src/origin/run-origin.ts; simple-oauth2 the guarded node agents in src/delivery/token/",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/origin/run-origin\\.ts$", "^src/delivery/token/token-cache\\.ts$"] },
      to: { path: "node_modules/(graphql-request|simple-oauth2|@hapi/wreck)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "no-circular-modules",
      comment: "two modules that import each other cannot be read one before the other",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(test|bench)/" },
  },
};
