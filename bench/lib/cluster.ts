import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbedded } from "../../lib/db/embedded";
import { LOCKS } from "../../lib/db/locks";
import { migrate } from "../../lib/db/migrate";
import { refreshRollups } from "../../lib/rollups/refresh";
import { DATA, log, rmrf } from "./util";

export interface BenchDatabase {
  url: string;
  /** the embedded cluster directory, or null with BENCH_DATABASE_URL */
  dir: string | null;
  stop(): Promise<void>;
}

/**
 * A fresh embedded cluster in bench/data/pg-<N> (or BENCH_DATABASE_URL), migrated; with `reuse`,
 * the cluster an earlier `--keep` run left there, its rollup brought up to date.
 */
export async function openBenchDatabase(n: number, { reuse = false } = {}): Promise<BenchDatabase> {
  const external = process.env.BENCH_DATABASE_URL;
  let db: BenchDatabase;
  if (external) {
    log("using BENCH_DATABASE_URL");
    db = { url: external, dir: null, stop: async () => {} };
  } else {
    const dir = path.join(DATA, `pg-${n}`);
    if (reuse) {
      if (!fs.existsSync(dir)) throw new Error(`--reuse: no kept cluster in ${path.relative(process.cwd(), dir)} (run once with --keep)`);
      log(`starting the kept embedded PostgreSQL in ${path.relative(process.cwd(), dir)}…`);
    } else {
      rmrf(dir);
      log(`starting a fresh embedded PostgreSQL in ${path.relative(process.cwd(), dir)}…`);
    }
    const h = await startEmbedded(dir);
    if (!h.owned) throw new Error(`a cluster is already running in ${dir}; stop it first`);
    db = { url: h.url, dir, stop: () => h.stop() };
  }
  await migrate(db.url);
  if (reuse) {
    // a cluster kept by an older version may hold a rollup built with other definitions: rebuild
    // it here, as `npm start` would in the background, so no measurement overlaps that work
    const t0 = performance.now();
    await withClient(db.url, async (c) => {
      await c.query("BEGIN");
      await c.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.derive]);
      await refreshRollups(c);
      await c.query("COMMIT");
    });
    log(`rollup up to date (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return db;
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A second, empty database in the same cluster (for "into an empty database" comparisons). */
export async function createSiblingDatabase(url: string, name: string): Promise<string> {
  const u = new URL(url);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  await withClient(admin.toString(), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  u.pathname = `/${name}`;
  await migrate(u.toString());
  return u.toString();
}

export async function dropSiblingDatabase(url: string, name: string) {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  await withClient(admin.toString(), (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => {});
}

export async function tableCounts(url: string) {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ events: number; conversations: number; db_bytes: number }>(
      `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM conversations)::int AS conversations,
              pg_database_size(current_database())::float8 AS db_bytes`,
    );
    return rows[0];
  });
}
