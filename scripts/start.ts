/**
 * `npm start`: build when needed, start (embedded) PostgreSQL, migrate, create the first admin or
 * print the one-time setup link, load demo data on first start, then serve Next.js. The embedded
 * cluster this process started is stopped cleanly on SIGINT/SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import fs from "node:fs";
import path from "node:path";
import { config } from "../lib/config";
import { ingestNice } from "../lib/ingest/priority";
import { openDatabase } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { closePool } from "../lib/db/pool";
import { closePrisma } from "../lib/db/prisma";
import { prepareFirstRun } from "../lib/auth/setup";
import { loadDemoDataOnFirstStart } from "../lib/demo/first-start";
import { refreshRollupsNow } from "../lib/rollups/refresh";

const root = path.resolve(import.meta.dirname, "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const webServer = path.join(root, "scripts", "web-server.ts");
const log = (m: string) => process.stdout.write(`[start] ${m}\n`);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** A build is needed when there is none or a source file is newer than it. */
function needsBuild(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "public"].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
  const files = ["next.config.ts", "package.json", "postcss.config.mjs"].map((f) => path.join(root, f));
  return Math.max(...sources.map(newestMtime), ...files.map((f) => fs.statSync(f).mtimeMs)) > built;
}

async function main() {
  ingestNice(); // a bad INGEST_NICE stops the start here, not a later upload
  const workers = config.webWorkers;
  if (process.env.SKIP_BUILD !== "1" && needsBuild()) {
    log("building the web app (first start or changed sources)…");
    const r = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (r.status !== 0) throw new Error("next build failed");
  }

  const db = await openDatabase(config.dataDir, config.databaseUrl);
  log(config.databaseUrl ? "using DATABASE_URL" : `embedded PostgreSQL in ${path.join(config.dataDir, "postgres")}${db.owned ? "" : " (already running)"}`);
  process.env.DATABASE_URL = db.url;
  let child: ChildProcess | undefined;
  const webWorkers: Worker[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // a process killed by a signal has no exit code but a signal code: it is not running either
    const running = [...(child ? [child] : []), ...webWorkers.map((w) => w.process)].filter((p) => p.exitCode === null && p.signalCode === null);
    const allExited = Promise.all(running.map((p) => new Promise((r) => p.once("exit", r))));
    for (const p of running) p.kill("SIGTERM");
    await Promise.race([allExited, new Promise((r) => setTimeout(r, 10_000))]);
    await closePool().catch(() => {});
    await closePrisma().catch(() => {});
    await db.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  let setup: { setupToken: string } | null;
  try {
    const applied = await migrate(db.url);
    if (applied.length) log(`applied migrations: ${applied.join(", ")}`);
    setup = await prepareFirstRun();
    if (config.demoData) {
      const loaded = await loadDemoDataOnFirstStart();
      if (loaded) log(loaded);
    }
    await closePool();
    await closePrisma();
  } catch (e) {
    process.stderr.write(`[start] ${(e as Error).message}\n`);
    await shutdown(1);
    return;
  }

  const port = String(config.port);
  const serverArgs = [webServer, port, process.env.HOST || "0.0.0.0"];
  // the web server is TypeScript that imports lib/ (sessions for shared renders): run it with tsx
  const execArgv = ["--import", "tsx"];
  // NODE_ENV as `next start` sets it: React and Next.js pick their production builds by it
  const env = { ...process.env, DATABASE_URL: db.url, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" as const };
  const exited = (code: number | null) => {
    if (!stopping) {
      log(`web server exited (${code}); stopping`);
      void shutdown(code ?? 1);
    }
  };
  if (workers === 1) {
    child = spawn(process.execPath, [...execArgv, ...serverArgs], { cwd: root, stdio: ["ignore", "inherit", "inherit"], env });
    child.on("exit", exited);
  } else {
    // every worker's listen() on the port goes through this process, which hands each new
    // connection to the next worker in turn (node:cluster's round robin)
    cluster.setupPrimary({ exec: webServer, execArgv, args: serverArgs.slice(1), cwd: root, silent: false });
    for (let i = 0; i < workers; i++) {
      const w = cluster.fork(env);
      w.on("exit", (code) => exited(code));
      webWorkers.push(w);
    }
  }
  const url = `http://localhost:${port}`;
  log(`serving ${url}${workers > 1 ? ` (${workers} web server processes)` : ""}`);
  if (setup) log(`first start: create the admin account at ${url}/setup?token=${setup.setupToken}`);
  // An upgrade that changed a metric definition or the sketches leaves the rollup stale, and
  // until it is rebuilt every answer comes from the rows (the same numbers, slower at scale):
  // rebuild it now, in the background, rather than at the next ingest.
  const t0 = performance.now();
  refreshRollupsNow()
    .then(() => {
      const ms = performance.now() - t0;
      if (ms > 1000) log(`rollup brought up to date in ${(ms / 1000).toFixed(1)} s`);
    })
    .catch((e: unknown) => log(`rollup refresh failed (answers come from the rows until the next ingest): ${(e as Error).message}`))
    .finally(() => void closePool());
}

main().catch(async (e) => {
  process.stderr.write(`[start] ${(e as Error).message}\n`);
  process.exit(1);
});
