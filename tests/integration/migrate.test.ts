import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from "../../lib/db/migrate";
import { closeConnections, freshDatabase } from "./support/db";
import { readPrismaSchema } from "./support/prisma-schema";

afterAll(closeConnections);

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("migrator", () => {
  it("applies every migration once, records it like prisma migrate deploy, and re-running is a no-op", async () => {
    const url = await freshDatabase({ migrate: false });
    const names = readMigrations().map((m) => m.name);
    expect(await migrate(url)).toEqual(names);
    expect(await migrate(url)).toEqual([]);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      url, `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.finished_at !== null && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it("refuses a migration that changed after it was applied, and rolls back a failing one", async () => {
    const url = await freshDatabase({ migrate: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
    fs.mkdirSync(path.join(dir, "20260101000000_a"));
    fs.writeFileSync(path.join(dir, "20260101000000_a", "migration.sql"), "CREATE TABLE a (id int);");
    expect(await migrate(url, dir)).toEqual(["20260101000000_a"]);
    fs.writeFileSync(path.join(dir, "20260101000000_a", "migration.sql"), "CREATE TABLE a (id bigint);");
    await expect(migrate(url, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(url, dir)).rejects.toThrow(/20260101000000_a was changed/);

    fs.writeFileSync(path.join(dir, "20260101000000_a", "migration.sql"), "CREATE TABLE a (id int);");
    fs.mkdirSync(path.join(dir, "20260102000000_b"));
    fs.writeFileSync(path.join(dir, "20260102000000_b", "migration.sql"), "CREATE TABLE b (id int); SELECT no_such_function();");
    await expect(migrate(url, dir)).rejects.toThrow(/20260102000000_b failed/);
    const tables = await query<{ t: string }>(url, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    expect(tables.map((r) => r.t)).toEqual(["_prisma_migrations", "a"]);
  });

  it("produces exactly the tables, columns, types, nullability, keys, indexes and foreign keys of schema.prisma", async () => {
    const url = await freshDatabase();
    const expected = readPrismaSchema(path.join(MIGRATIONS_DIR, "..", "schema.prisma"));
    const columns = await query<{ table_name: string; column_name: string; type: string; nullable: boolean }>(url, `
      SELECT c.table_name, c.column_name, c.is_nullable = 'YES' AS nullable,
        format_type(a.atttypid, a.atttypmod) AS type
      FROM information_schema.columns c
      JOIN pg_attribute a ON a.attrelid = format('public.%I', c.table_name)::regclass AND a.attname = c.column_name
      WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'`);
    const indexes = await query<{ table: string; columns: string[]; is_unique: boolean; is_primary: boolean }>(url, `
      SELECT t.relname AS table, i.indisunique AS is_unique, i.indisprimary AS is_primary,
        array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`);

    const foreignKeys = await query<{ table: string; fk: string }>(url, `
      SELECT t.relname AS table,
        (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum)
        || ' -> ' || r.relname || '(' ||
        (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) || ')' AS fk
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`);

    const tablesInDb = [...new Set(columns.map((c) => c.table_name))].sort();
    expect(tablesInDb).toEqual(expected.map((t) => t.table).sort());
    for (const t of expected) {
      const actual = columns.filter((c) => c.table_name === t.table)
        .map((c) => ({ column: c.column_name, type: c.type, nullable: c.nullable }))
        .sort((a, b) => a.column.localeCompare(b.column));
      expect(actual, `columns of ${t.table}`).toEqual([...t.columns].sort((a, b) => a.column.localeCompare(b.column)));
      const idx = indexes.filter((i) => i.table === t.table);
      expect(idx.filter((i) => i.is_primary).map((i) => i.columns), `primary key of ${t.table}`).toEqual([t.primaryKey]);
      expect(idx.filter((i) => i.is_unique && !i.is_primary).map((i) => i.columns).sort(), `unique of ${t.table}`).toEqual([...t.unique].sort());
      expect(idx.filter((i) => !i.is_unique).map((i) => i.columns).sort(), `indexes of ${t.table}`).toEqual([...t.indexes].sort());
      expect(foreignKeys.filter((f) => f.table === t.table).map((f) => f.fk).sort(), `foreign keys of ${t.table}`).toEqual([...t.foreignKeys].sort());
    }
  });
});
