import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { takeScreenshots } from "../../web/screenshots.js";
import { createTestDatabase } from "../support/test-database.js";

// The README's pictures come from `npm run screenshots`; this keeps the script working as the
// pages change (it fails when a page no longer shows what the picture is of).
describe("npm run screenshots", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("photographs the console's groups, a group, a delivery, the composer and the playground from a real run", async () => {
    const database = await createTestDatabase();
    const outDir = await fs.mkdtemp(path.join(os.tmpdir(), "hookgate-screenshots-test-"));
    cleanups.push(database.drop, () => fs.rm(outDir, { recursive: true, force: true }));

    const files = await takeScreenshots(outDir, { databaseUrl: database.url });
    expect(files.map((file) => path.basename(file))).toEqual([
      "console-groups.png",
      "console-group.png",
      "console-delivery.png",
      "console-composer.png",
      "playground.png",
    ]);
    for (const file of files) {
      const bytes = await fs.readFile(file);
      expect(bytes.subarray(1, 4).toString(), file).toBe("PNG");
      expect(bytes.length, file).toBeGreaterThan(20_000);
    }
  }, 120_000);
});
