import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { databaseUrl } from "../db/url";
import { refreshRollups } from "../rollups/refresh";
import { appliedMigrations, BACKUP_VERSION, BackupError, ident, KEPT_TABLES, ROW_FILTERS, schemaTables, ZManifest, type Manifest, type Table } from "./format";

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
