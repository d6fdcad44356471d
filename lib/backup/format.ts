/**
 * The backup file's format and what it holds: the manifest, which tables are backed up (and which
 * are bookkeeping or derived), and how their rows are read. Shared by backup.ts and restore.ts.
 */
import type pg from "pg";
import { z } from "zod";

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
export const KEPT_TABLES = new Set(["_prisma_migrations", "data_version", "rollup_state"]);
/** Rows left out of a table: the one-time setup token is no use in another database. */
export const ROW_FILTERS: Record<string, string> = { settings: `"key" <> 'setup_token_hash'` };

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

export const ZManifest = z.object({
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

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export type Table = { name: string; columns: string[] };

/** The schema's tables (minus EXCLUDED_TABLES unless `all`), parents before children (foreign keys). */
export async function schemaTables(client: pg.Client, opts: { all?: boolean } = {}): Promise<Table[]> {
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

export async function appliedMigrations(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((r) => r.migration_name);
}

export function selectSql(t: Table): string {
  const filter = ROW_FILTERS[t.name];
  const cols = t.columns.map(ident).join(", ");
  return filter ? `SELECT ${cols} FROM ${ident(t.name)} WHERE ${filter}` : `SELECT ${cols} FROM ${ident(t.name)}`;
}

/** Human summary: "events 1234, conversations 500, …". */
export function describeTables(tables: { name: string; rows: number }[]): string {
  return tables.map((t) => `${t.name} ${t.rows}`).join(", ");
}
