import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The layers and their rules are in .dependency-cruiser.cjs; docs/architecture.md draws them.

interface CruisedModule {
  source: string;
  dependencies: Array<{ resolved: string }>;
}

interface Cruise {
  modules: CruisedModule[];
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
}

function cruise(): Cruise {
  const run = spawnSync("node_modules/.bin/depcruise", ["src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`depcruise printed nothing: ${run.stderr}`);
  return JSON.parse(run.stdout) as Cruise;
}

/** A top-level folder of src/ ("src/store/"), or a file directly in src/ ("src/config.ts"). */
function unitOf(file: string): string | null {
  const parts = file.split("/");
  if (parts[0] !== "src") return null;
  return parts.length > 2 ? `src/${parts[1]}/` : file;
}

/** Groups of units that import each other, directly or through others (Tarjan's strongly connected components). */
function circles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (unit: string) => {
    index.set(unit, index.size);
    low.set(unit, index.get(unit)!);
    stack.push(unit);
    for (const next of edges.get(unit) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(unit, Math.min(low.get(unit)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(unit, Math.min(low.get(unit)!, index.get(next)!));
      }
    }
    if (low.get(unit) === index.get(unit)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        group.push(member);
      } while (member !== unit);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const unit of edges.keys()) if (!index.has(unit)) visit(unit);
  return found;
}

function unitEdges(modules: readonly CruisedModule[]): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const module of modules) {
    const from = unitOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = unitOf(dependency.resolved);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

function linesOf(file: string): number {
  return readFileSync(file, "utf8").split("\n").length - 1;
}

function filesUnder(folder: string): string[] {
  return (readdirSync(folder, { recursive: true }) as string[]).filter((file) => file.endsWith(".ts")).map((file) => path.join(folder, file));
}

describe("the import structure of src/", () => {
  const result = cruise();

  it("keeps every import pointing down the layers, SQL in store/, outbound HTTP behind the guard, and no module circles", () => {
    const breaches = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(breaches).toEqual([]);
  });

  it("has no two top-level folders importing each other, however indirectly", () => {
    expect(circles(unitEdges(result.modules))).toEqual([]);
  });

  it("finds a circle between folders when there is one", () => {
    const modules: CruisedModule[] = [
      { source: "src/store/a.ts", dependencies: [{ resolved: "src/delivery/b.ts" }] },
      { source: "src/delivery/b.ts", dependencies: [{ resolved: "src/publish/c.ts" }, { resolved: "src/errors.ts" }] },
      { source: "src/publish/c.ts", dependencies: [{ resolved: "src/store/d.ts" }] },
      { source: "src/errors.ts", dependencies: [] },
    ];
    expect(circles(unitEdges(modules))).toEqual([["src/delivery/", "src/publish/", "src/store/"]]);
  });
});

/** The layers' paths, as the rule placing every module in one lists them. */
function layerPatterns(): RegExp[] {
  const config = createRequire(import.meta.url)("../.dependency-cruiser.cjs") as {
    forbidden: Array<{ name: string; from: { pathNot?: string[] } }>;
  };
  const rule = config.forbidden.find((candidate) => candidate.name === "every-module-in-a-layer");
  return (rule?.from.pathNot ?? []).map((pattern) => new RegExp(pattern));
}

/** Lines of src/ outside `folder` that match `pattern`, as "file:line: text". */
function linesMatching(pattern: RegExp, outside: string): string[] {
  return filesUnder("src")
    .filter((file) => !file.startsWith(outside) && !file.startsWith("src/api/generated/"))
    .flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((text, index) => ({ text, index }))
        .filter(({ text }) => pattern.test(text))
        .map(({ text, index }) => `${file}:${index + 1}: ${text.trim()}`),
    );
}

describe("what the import graph cannot see", () => {
  it("places every file of src/ in a layer, even one that imports nothing", () => {
    const patterns = layerPatterns();
    expect(patterns.length).toBeGreaterThan(8);
    const unplaced = filesUnder("src").filter((file) => !patterns.some((pattern) => pattern.test(file)));
    expect(unplaced).toEqual([]);
  });

  it("runs no query outside src/store/, not even through a db handed over from there", () => {
    // Query builders need no kysely import, so the import rule alone would let them through.
    const statement = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|executeQuery|with)\(|\bsql`|\.query\(/;
    expect(linesMatching(statement, "src/store/")).toEqual([]);
  });

  it("calls no global fetch outside src/outbound/ (it would bypass the address guard)", () => {
    expect(linesMatching(/(^|[^.\w])fetch\(/, "src/outbound/")).toEqual([]);
  });
});

describe("file sizes", () => {
  it("keeps every file of src/ under 250 lines (generated code aside)", () => {
    const long = filesUnder("src")
      .filter((file) => !file.startsWith("src/api/generated/"))
      .filter((file) => linesOf(file) >= 250)
      .map((file) => `${file}: ${linesOf(file)}`);
    expect(long).toEqual([]);
  });

  it("keeps every test file under 400 lines", () => {
    const long = filesUnder("test")
      .filter((file) => linesOf(file) >= 400)
      .map((file) => `${file}: ${linesOf(file)}`);
    expect(long).toEqual([]);
  });
});
