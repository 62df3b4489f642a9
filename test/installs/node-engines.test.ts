import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
const lockfile = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as {
  packages: Record<string, { version?: string; engines?: unknown; optional?: boolean; hasInstallScript?: boolean }>;
};

/** The oldest Node hookgate says it runs on (package.json engines, as the README names it). */
const oldestNode = semver.minVersion(manifest.engines.node)!;

/**
 * `npm install` warns (EBADENGINE) about every installed package whose engines.node leaves out the
 * running Node. The lockfile records each package's engines, so checking it here catches a
 * dependency bump that would bring the warnings back, without an install. An optional package that
 * refuses the Node is skipped by npm without a word (rollup's lzma binding), so it is left out.
 */
describe("installing on the oldest Node hookgate supports", () => {
  it("reads the Node version hookgate names", () => {
    expect(oldestNode.major).toBe(20);
  });

  it("installs no package that asks for a newer Node", () => {
    const refusing = Object.entries(lockfile.packages).flatMap(([path, entry]) => {
      const range = nodeRange(entry.engines);
      if (entry.optional === true || range === null || semver.validRange(range) === null) return [];
      return semver.satisfies(oldestNode, range) ? [] : [`${path.replace(/^.*node_modules\//, "")}@${entry.version}: node ${range}`];
    });
    expect(refusing).toEqual([]);
  });

  // npm 11 skips a dependency's install scripts unless package.json's allowScripts names it, and
  // ends every install with a warning listing the ones nobody decided about. Each is decided in
  // package.json (docs/dependencies.md says why), so a new one fails here instead of in a warning.
  it("has decided, in allowScripts, about every package with an install script", () => {
    const undecided = Object.entries(lockfile.packages).flatMap(([path, entry]) => {
      const name = path.replace(/^.*node_modules\//, "");
      return entry.hasInstallScript === true && path !== "" && !(name in manifest.allowScripts) ? [`${name}@${entry.version}`] : [];
    });
    expect(undecided).toEqual([]);
  });
});

function nodeRange(engines: unknown): string | null {
  if (typeof engines !== "object" || engines === null || Array.isArray(engines)) return null;
  const node = (engines as Record<string, unknown>).node;
  return typeof node === "string" ? node : null;
}
