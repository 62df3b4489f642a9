import { spawn } from "node:child_process";
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmbeddedPostgres } from "../../src/store/embedded-postgres.js";
import { eventually } from "../support/eventually.js";

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

describe("embedded PostgreSQL", () => {
  // A folder of each test's own: a test writes the data it later expects to find.
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "hookgate-embedded-"));
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("keeps its data across a stop and a start from the same folder", async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    try {
      expect(new URL(first.url).hostname).toBe("127.0.0.1");
      await query(first.url, "create table notes (body text); insert into notes values ('kept')");
    } finally {
      await first.stop();
    }
    expect((await fs.stat(path.join(dataDir, "postgres.password"))).mode & 0o777).toBe(0o600);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect((await query(second.url, "select body from notes")).rows).toEqual([{ body: "kept" }]);
    } finally {
      await second.stop();
    }
  });

  it("starts again after its postgres process was killed", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const crashed = await startEmbeddedPostgres({ dataDir });
      await query(crashed.url, "create table notes (body text); insert into notes values ('kept')");
      const pidFile = await fs.readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8");
      process.kill(Number(pidFile.split("\n")[0]), "SIGKILL");
      const said = () => stderr.mock.calls.some(([chunk]) => String(chunk).includes("exited unexpectedly"));
      await eventually(said, Boolean, { what: "the note that postgres exited unexpectedly" });
      await crashed.stop(); // must not wait for a process that is gone
    } finally {
      stderr.mockRestore();
    }

    const restarted = await startEmbeddedPostgres({ dataDir });
    try {
      expect((await query(restarted.url, "select body from notes")).rows).toEqual([{ body: "kept" }]);
    } finally {
      await restarted.stop();
    }
  });

  it("stops, at the next start, the PostgreSQL a hookgate killed outright left running", async () => {
    // PostgreSQL runs in a session of its own (so a terminal's Ctrl-C reaches hookgate only):
    // a hookgate ended by SIGKILL cannot stop it, and it outlives its parent.
    const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve("src/store/embedded-postgres.ts"))};
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} }); console.log("up");`;
    const holder = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.on("data", (chunk) => String(chunk).includes("up") && resolve());
      holder.once("exit", (code) => reject(new Error(`the holder exited with ${code}`)));
    });
    const orphan = Number((await fs.readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
    holder.kill("SIGKILL");
    await eventually(() => parentOf(orphan), (parent) => parent !== holder.pid, { what: "the postmaster orphaned" });

    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    let restarted: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    try {
      restarted = await startEmbeddedPostgres({ dataDir });
      expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join("")).toContain(`stopped the embedded PostgreSQL (pid ${orphan})`);
    } finally {
      stderr.mockRestore();
      await restarted?.stop();
    }
    expect(parentOf(orphan)).toBeNull();
  });
});

/** The parent pid of a live process; null once it is gone. */
function parentOf(pid: number): number | null {
  try {
    return Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
  } catch {
    return null;
  }
}
