import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { databaseUrl } from "../db/url";
import { appliedMigrations, BACKUP_FORMAT, BACKUP_VERSION, BackupError, schemaTables, selectSql, type Manifest, type TableManifest } from "./format";

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
