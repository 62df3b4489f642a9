/**
 * Builds the browser apps hookgate serves (the GraphQL playground and the console) into
 * dist/web/<app>/. Run by `npm install` (prepare), before `npm start` (prestart) and before the
 * tests (global setup), each time only when a source changed since the last build, so no one has
 * to know the step exists and nothing built is committed.
 *
 *   tsx web/build.ts            build both
 *   tsx web/build.ts --if-stale build only what changed since the last build (a stamp per app)
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { webApps, type WebApp } from "./apps.js";

const webDir = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.dirname(webDir);

export async function buildWebApps(options: { ifStale: boolean; quiet?: boolean }): Promise<void> {
  for (const app of webApps) {
    const stamp = await sourcesStamp(app);
    const stampFile = path.join(rootDir, app.outDir, ".source-stamp");
    if (options.ifStale && (await fs.readFile(stampFile, "utf8").catch(() => "")) === stamp) continue;
    if (!options.quiet) process.stdout.write(`hookgate: building the ${app.title} (web/${app.name})…\n`);
    await build({ configFile: path.join(webDir, app.name, "vite.config.ts"), logLevel: options.quiet ? "error" : "warn" });
    await fs.writeFile(stampFile, stamp);
  }
}

/** A hash of the app's sources, the shared web/ files and the lockfile (a changed package rebuilds too). */
async function sourcesStamp(app: WebApp): Promise<string> {
  const hash = createHash("sha256");
  const files = [
    ...(await filesUnder(path.join(webDir, app.name))),
    ...(await filesUnder(path.join(webDir, "shared"))),
    path.join(webDir, "apps.ts"),
    path.join(rootDir, "package-lock.json"),
  ].sort();
  for (const file of files) {
    hash.update(path.relative(rootDir, file));
    hash.update(await fs.readFile(file));
  }
  return hash.digest("hex");
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  buildWebApps({ ifStale: process.argv.includes("--if-stale") }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
