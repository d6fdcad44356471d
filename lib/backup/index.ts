import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { z } from "zod";
import { databaseUrl } from "../db/url";
import { refreshRollups } from "../rollups/refresh";

/**
 * Logical backup and restore with PostgreSQL's COPY (no pg_dump: the embedded PostgreSQL 18
 * ships no client tools and older pg_dump binaries refuse a newer server).
 *
 * File format (gzip):
 *   line 1   the manifest, one line of JSON: {format: "hsd-backup", version: 1, created_at,
 *            migrations: [applied migration names], tables: [{name, columns, rows}]}
 *   then     for each manifest table, in order, exactly `rows` lines of COPY text format
 *            (one row per line; newlines inside values are escaped by COPY itself).
 *
 * Backup reads every table in one REPEATABLE READ snapshot, so counts and rows agree and the
 * file is a consistent point in time while the server keeps running. Both directions stream:
 * no table is ever held in memory.
 */
export const BACKUP_FORMAT = "hsd-backup";
export const BACKUP_VERSION = 1;

/**
 * Not backed up: the migrator's bookkeeping (the target is migrated by the code that restores),
 * sessions (everyone signs in again after a restore; a stolen backup yields no live session),
 * auth_failures (transient rate-limit state), data_version (a cache counter, bumped instead) and
 * the rollup tables (derived from conversations, rebuilt by the restore). Every other table of
 * the schema is, including tables added later.
 */
export const EXCLUDED_TABLES = new Set([
  "_prisma_migrations", "sessions", "auth_failures", "data_version",
  // derived from conversations (lib/rollups): rebuilt by the restore instead
  "conversation_rollups", "conversation_rollup_sketches", "conversation_rollup_values", "rollup_changes", "rollup_state",
]);
/**
 * Bookkeeping that belongs to the database, not to the data: never emptied or counted as content
 * by restore. data_version is the metrics-cache counter (a singleton row the migration creates);
 * restore bumps it so every cached result goes stale.
 */
const KEPT_TABLES = new Set(["_prisma_migrations", "data_version", "rollup_state"]);
/** Rows left out of a table: the one-time setup token is no use in another database. */
const ROW_FILTERS: Record<string, string> = { settings: `"key" <> 'setup_token_hash'` };

export class BackupError extends Error {}

export type TableManifest = { name: string; columns: string[]; rows: number };
export type Manifest = {
  format: typeof BACKUP_FORMAT;
  version: number;
  created_at: string;
  server_version: string;
  migrations: string[];
  tables: TableManifest[];
};

const ZManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int(),
  created_at: z.string(),
  server_version: z.string().optional().default(""),
  migrations: z.array(z.string()),
  tables: z.array(
    z.object({
      name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
      columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1),
      rows: z.number().int().min(0),
    }),
  ),
});

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

type Table = { name: string; columns: string[] };

/** The schema's tables (minus EXCLUDED_TABLES unless `all`), parents before children (foreign keys). */
async function schemaTables(client: pg.Client, opts: { all?: boolean } = {}): Promise<Table[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
  );
  const { rows: cols } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND is_generated = 'NEVER'
      ORDER BY table_name, ordinal_position`,
  );
  const { rows: fks } = await client.query<{ child: string; parent: string }>(
    `SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
       JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
      WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
  );
  const names = tables.map((t) => t.name).filter((n) => opts.all || !EXCLUDED_TABLES.has(n));
  const deps = new Map(names.map((n) => [n, new Set(fks.filter((f) => f.child === n && f.parent !== n).map((f) => f.parent))]));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (n: string) => {
    if (ordered.includes(n) || visiting.has(n)) return;
    visiting.add(n);
    for (const p of deps.get(n) ?? []) if (deps.has(p)) visit(p);
    visiting.delete(n);
    ordered.push(n);
  };
  names.forEach(visit);
  return ordered.map((name) => ({ name, columns: cols.filter((c) => c.table_name === name).map((c) => c.column_name) }));
}

async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((r) => r.migration_name);
}

function selectSql(t: Table): string {
  const filter = ROW_FILTERS[t.name];
  const cols = t.columns.map(ident).join(", ");
  return filter ? `SELECT ${cols} FROM ${ident(t.name)} WHERE ${filter}` : `SELECT ${cols} FROM ${ident(t.name)}`;
}

/**
 * Writes a backup of the database at `connectionString` (default: DATABASE_URL / the embedded
 * cluster) to `file` (created with mode 0600: it holds password hashes; written to a temporary
 * name and renamed, so a failed backup never leaves a truncated file under the real name).
 */
export async function backupDatabase(file: string, opts: { connectionString?: string; overwrite?: boolean } = {}): Promise<Manifest> {
  const target = path.resolve(file);
  if (!opts.overwrite && fs.existsSync(target)) throw new BackupError(`${file} already exists; choose another name or delete it first`);
  const client = new pg.Client({ connectionString: opts.connectionString ?? databaseUrl() });
  await client.connect();
  const tmp = `${target}.partial-${process.pid}`;
  let out: fs.WriteStream | undefined;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const tables = await schemaTables(client);
    const counted: TableManifest[] = [];
    for (const t of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM (${selectSql(t)}) s`);
      counted.push({ ...t, rows: Number(rows[0].n) });
    }
    const { rows: version } = await client.query<{ v: string }>("SHOW server_version");
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      created_at: new Date().toISOString(),
      server_version: version[0].v,
      migrations: await appliedMigrations(client),
      tables: counted,
    };
    out = fs.createWriteStream(tmp, { flags: "wx", mode: 0o600 });
    const gzip = createGzip({ level: 6 });
    gzip.setMaxListeners(counted.length + 20); // one pipeline per table attaches (and removes) listeners
    const piping = pipeline(gzip, out);
    gzip.write(JSON.stringify(manifest) + "\n");
    for (const t of counted) {
      if (t.rows === 0) continue;
      const stream = client.query(copyTo(`COPY (${selectSql(t)}) TO STDOUT`));
      await pipeline(stream, gzip, { end: false });
      if (stream.rowCount !== t.rows) throw new BackupError(`${t.name}: copied ${stream.rowCount} rows, expected ${t.rows}`);
    }
    gzip.end();
    await piping;
    await client.query("COMMIT");
    fs.renameSync(tmp, target);
    return manifest;
  } catch (e) {
    out?.destroy();
    fs.rmSync(tmp, { force: true });
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Reads a gunzipped byte stream as: one header line, then runs of exactly N lines. */
class LineFramer {
  private pending: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async more(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, r.value]) : r.value;
    return true;
  }

  async readLine(max: number): Promise<string | null> {
    for (;;) {
      const i = this.pending.indexOf(10);
      if (i >= 0) {
        const line = this.pending.subarray(0, i).toString("utf8");
        this.pending = this.pending.subarray(i + 1);
        return line;
      }
      if (this.pending.length > max) return null;
      if (!(await this.more())) return null;
    }
  }

  /** Exactly `n` lines (newlines included), chunk by chunk. */
  async *take(n: number, what: string): AsyncGenerator<Buffer> {
    let remaining = n;
    while (remaining > 0) {
      if (this.pending.length === 0 && !(await this.more())) {
        throw new BackupError(`the backup file ends inside ${what} (${n - remaining} of ${n} rows read); it is truncated or damaged`);
      }
      let pos = 0;
      while (remaining > 0) {
        const i = this.pending.indexOf(10, pos);
        if (i < 0) break;
        pos = i + 1;
        remaining--;
      }
      if (remaining === 0) {
        const chunk = this.pending.subarray(0, pos);
        this.pending = this.pending.subarray(pos);
        yield chunk;
      } else {
        const chunk = this.pending;
        this.pending = Buffer.alloc(0);
        yield chunk;
      }
    }
  }

  async atEnd(): Promise<boolean> {
    while (this.pending.length === 0) if (!(await this.more())) return true;
    return false;
  }
}

export type RestoreResult = { manifest: Manifest; tables: { name: string; rows: number }[]; truncated: boolean };

/**
 * Restores a backup into the database at `connectionString`, which must be migrated (at least the
 * backup's migrations) and empty — unless `force`, which first deletes everything in it
 * (sessions included). All in one transaction with every table locked: a failed restore changes
 * nothing. Afterwards every serial sequence continues after its table's largest id.
 */
export async function restoreDatabase(file: string, opts: { connectionString?: string; force?: boolean } = {}): Promise<RestoreResult> {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`);
  const input = fs.createReadStream(file).pipe(createGunzip());
  const framer = new LineFramer(input[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  let manifest: Manifest;
  try {
    const header = await framer.readLine(64 * 1024 * 1024);
    if (header === null) throw new BackupError("missing manifest");
    const parsed = ZManifest.safeParse(JSON.parse(header));
    if (!parsed.success) throw new BackupError(`bad manifest (${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message})`);
    manifest = parsed.data as Manifest;
  } catch (e) {
    input.destroy();
    const why = e instanceof BackupError ? e.message : (e as Error).message;
    throw new BackupError(`${file} is not a backup made by this product (${why})`);
  }
  if (manifest.version > BACKUP_VERSION) {
    input.destroy();
    throw new BackupError(`${file} has backup format version ${manifest.version}; this version reads up to ${BACKUP_VERSION}. Upgrade first.`);
  }

  const client = new pg.Client({ connectionString: opts.connectionString ?? databaseUrl() });
  await client.connect();
  try {
    const applied = new Set(await appliedMigrations(client).catch(() => [] as string[]));
    const missing = manifest.migrations.filter((m) => !applied.has(m));
    if (missing.length) {
      throw new BackupError(
        `the target database lacks migrations the backup was made with (${missing.join(", ")}); run a version of this product that has them (it migrates on start)`,
      );
    }
    await client.query("BEGIN");
    const all = await schemaTables(client, { all: true });
    const byName = new Map(all.map((t) => [t.name, t]));
    for (const t of manifest.tables) {
      const there = byName.get(t.name);
      if (!there) throw new BackupError(`the backup has table ${t.name}, which this database does not have`);
      const absent = t.columns.filter((c) => !there.columns.includes(c));
      if (absent.length) throw new BackupError(`table ${t.name}: this database has no column(s) ${absent.join(", ")}`);
    }
    const app = all.filter((t) => !KEPT_TABLES.has(t.name));
    await client.query(`LOCK TABLE ${app.map((t) => ident(t.name)).join(", ")} IN ACCESS EXCLUSIVE MODE`);
    const nonEmpty: string[] = [];
    for (const t of app) {
      const filter = ROW_FILTERS[t.name];
      const { rows } = await client.query<{ any: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${ident(t.name)}${filter ? ` WHERE ${filter}` : ""}) AS any`,
      );
      if (rows[0].any) nonEmpty.push(t.name);
    }
    if (nonEmpty.length && !opts.force) {
      throw new BackupError(
        `the database is not empty (rows in ${nonEmpty.join(", ")}); restore only into an empty database, or add --force to delete everything in it first`,
      );
    }
    if (nonEmpty.length || opts.force) {
      await client.query(`TRUNCATE ${app.map((t) => ident(t.name)).join(", ")} RESTART IDENTITY CASCADE`);
    }
    const restored: { name: string; rows: number }[] = [];
    for (const t of manifest.tables) {
      if (t.rows === 0) {
        restored.push({ name: t.name, rows: 0 });
        continue;
      }
      const sink = client.query(copyFrom(`COPY ${ident(t.name)} (${t.columns.map(ident).join(", ")}) FROM STDIN`));
      await pipeline(Readable.from(framer.take(t.rows, `table ${t.name}`), { objectMode: false }), sink);
      if (sink.rowCount !== t.rows) throw new BackupError(`${t.name}: restored ${sink.rowCount} rows, the manifest says ${t.rows}`);
      restored.push({ name: t.name, rows: t.rows });
    }
    if (!(await framer.atEnd())) throw new BackupError("the backup file has data after its last table; it is damaged");
    // the restored users make the one-time setup link pointless
    if ((manifest.tables.find((t) => t.name === "users")?.rows ?? 0) > 0 && byName.has("settings")) {
      await client.query(`DELETE FROM "settings" WHERE "key" = 'setup_token_hash'`);
    }
    await resetSequences(client, app);
    // the rollup is derived: rebuilt from the restored conversations, with the restored windows
    if (byName.has("rollup_state")) await refreshRollups(client);
    if (byName.has("data_version")) await client.query(`UPDATE "data_version" SET "version" = "version" + 1, "settled" = "version" + 1`);
    await client.query("COMMIT");
    return { manifest, tables: restored, truncated: nonEmpty.length > 0 || !!opts.force };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    input.destroy();
    await client.end().catch(() => {});
  }
}

/** Every serial/identity sequence continues after max(column): the next insert gets a new id. */
async function resetSequences(client: pg.Client, tables: Table[]): Promise<void> {
  for (const t of tables) {
    for (const c of t.columns) {
      const { rows } = await client.query<{ seq: string | null }>("SELECT pg_get_serial_sequence($1, $2) AS seq", [ident(t.name), c]);
      const seq = rows[0]?.seq;
      if (!seq) continue;
      await client.query(
        `SELECT CASE WHEN m IS NULL THEN setval($1::regclass, 1, false) ELSE setval($1::regclass, m, true) END
           FROM (SELECT max(${ident(c)})::bigint AS m FROM ${ident(t.name)}) s`,
        [seq],
      );
    }
  }
}

/** Human summary: "events 1234, conversations 500, …". */
export function describeTables(tables: { name: string; rows: number }[]): string {
  return tables.map((t) => `${t.name} ${t.rows}`).join(", ");
}
