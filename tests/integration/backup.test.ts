import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run as backupCli } from "../../cli/commands/backup";
import { run as restoreCli } from "../../cli/commands/restore";
import { listAudit, recordAudit } from "../../lib/audit";
import { createApiKey, findActiveKey, revokeApiKey } from "../../lib/auth/api-keys";
import { createSession, resolveSession } from "../../lib/auth/sessions";
import { SETUP_TOKEN_KEY } from "../../lib/auth/setup";
import { createUser, verifyCredentials } from "../../lib/auth/users";
import { BackupError, backupDatabase, restoreDatabase } from "../../lib/backup";
import { pool } from "../../lib/db/pool";
import { prisma } from "../../lib/db/prisma";
import { ingestDemoData } from "../../lib/demo/first-start";
import { computeMetrics, parseQuery, ZMetricsQuery } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";

const TABLES = ["events", "conversations", "imports", "users", "api_keys", "settings", "audit_log"] as const;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-backup-"));
const file = path.join(dir, "backup.hsd.gz");

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = (await pool().query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n;
  return out;
}
const metrics = () => computeMetrics(parseQuery(ZMetricsQuery, { group_by: "channel,population", from: "2026-01-01", to: "2026-03-31" }));

let source: string;
let readKey: string;
let revokedKey: string;
let before: { counts: Record<string, number>; metrics: Awaited<ReturnType<typeof metrics>> };

async function useDatabase(url: string) {
  await closeConnections();
  process.env.DATABASE_URL = url;
}

beforeAll(async () => {
  source = await freshDatabase();
  await ingestDemoData({ conversations: 400, seed: 7, days: 60, now: new Date("2026-03-31T12:00:00Z") });
  await createUser({ email: "owner@example.com", password: "owner-password", role: "admin" }, { actor: "system" });
  readKey = (await createApiKey({ name: "reader", scopes: ["read"], createdBy: "cli" })).key;
  revokedKey = (await createApiKey({ name: "gone", scopes: ["ingest"], createdBy: "cli" })).key;
  await revokeApiKey("gone");
  await prisma().setting.create({ data: { key: "recontact_hours", value: 24, updatedBy: "test" } });
  await prisma().setting.create({ data: { key: SETUP_TOKEN_KEY, value: "deadbeef", updatedBy: "setup" } });
  await recordAudit({ actor: "user:owner@example.com", action: "upload", target: "march.csv", details: { accepted: 10 } });
  const owner = (await prisma().user.findUnique({ where: { email: "owner@example.com" } }))!;
  await createSession(owner.id);
  await prisma().authFailure.create({ data: { key: "email:x@example.com" } });
  before = { counts: await counts(), metrics: await metrics() };
  expect(before.counts.events).toBeGreaterThan(1000);
});
afterAll(async () => {
  await closeConnections();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("writes a gzip'd manifest + COPY data, mode 0600, without sessions, rate-limit state or the setup token", async () => {
    const manifest = await backupDatabase(file, { connectionString: source });
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    expect(manifest.format).toBe("hsd-backup");
    expect(manifest.migrations.length).toBeGreaterThan(0);
    const names = manifest.tables.map((t) => t.name);
    expect(names).not.toContain("sessions");
    expect(names).not.toContain("auth_failures");
    expect(names).not.toContain("_prisma_migrations");
    expect(names).not.toContain("data_version");
    for (const t of TABLES) expect(names).toContain(t);
    // parents before children, for every foreign key between backed-up tables (events.import_id
    // is deliberately not one any more; the round-trip test below restores into a fresh database)
    const { rows: fks } = await pool().query<{ child: string; parent: string }>(
      `SELECT ch.relname AS child, pa.relname AS parent FROM pg_constraint k
         JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
        WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`);
    for (const fk of fks.filter((f) => names.includes(f.child) && names.includes(f.parent) && f.child !== f.parent)) {
      expect(names.indexOf(fk.parent), `${fk.parent} before ${fk.child}`).toBeLessThan(names.indexOf(fk.child));
    }
    const byName = Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows]));
    expect(byName.settings).toBe(before.counts.settings - 1); // setup token left out
    for (const t of TABLES.filter((t) => t !== "settings")) expect(byName[t]).toBe(before.counts[t]);
    const text = gunzipSync(fs.readFileSync(file)).toString("utf8");
    expect(JSON.parse(text.slice(0, text.indexOf("\n"))).tables).toEqual(manifest.tables);
    expect(text).not.toContain(readKey); // only hashes of keys
    expect(text).not.toContain("deadbeef");
    // refuses to overwrite
    await expect(backupDatabase(file, { connectionString: source })).rejects.toThrow(/already exists/);
  });

  it("round trip into a fresh database: same metrics, same counts, keys and passwords still work, sequences continue", async () => {
    const target = await freshDatabase();
    const version = async () => (await pool().query("SELECT version::int AS v FROM data_version WHERE id = 1")).rows[0]?.v as number | undefined;
    const v0 = await version();
    const result = await restoreDatabase(file, { connectionString: target });
    expect(result.truncated).toBe(false);
    if (v0 !== undefined) expect(await version()).toBe(v0 + 1); // cached metrics go stale
    const after = await counts();
    expect(after).toEqual({ ...before.counts, settings: before.counts.settings - 1 });
    expect(await metrics()).toEqual(before.metrics);
    expect(await findActiveKey(readKey)).toMatchObject({ name: "reader", scopes: ["read"] });
    expect(await findActiveKey(revokedKey)).toBeNull();
    expect(await verifyCredentials("owner@example.com", "owner-password")).toMatchObject({ role: "admin" });
    expect(await prisma().session.count()).toBe(0);
    expect(await prisma().authFailure.count()).toBe(0);
    // new rows get fresh ids after the restored ones
    const u = await createUser({ email: "new@example.com", password: "new-password", role: "viewer" });
    const maxBefore = (await pool().query("SELECT max(id)::text AS m FROM users WHERE email <> 'new@example.com'")).rows[0].m;
    expect(u.id > BigInt(maxBefore)).toBe(true);
    await recordAudit({ actor: "system", action: "test" });
    await ingestDemoData({ conversations: 5, seed: 99, days: 1, now: new Date("2026-03-31T12:00:00Z") });
    const { entries } = await listAudit({ limit: 2 });
    expect(entries[0].action).toBe("test");
  });

  it("refuses a database with data unless --force, which replaces everything (sessions too)", async () => {
    const target = process.env.DATABASE_URL!;
    const someone = (await prisma().user.findUnique({ where: { email: "new@example.com" } }))!;
    const { token } = await createSession(someone.id);
    await expect(restoreDatabase(file, { connectionString: target })).rejects.toThrow(/not empty \(rows in .*users.*\).*--force/);
    expect(await prisma().user.count()).toBe(2); // unchanged
    const result = await restoreDatabase(file, { connectionString: target, force: true });
    expect(result.truncated).toBe(true);
    expect(await counts()).toEqual({ ...before.counts, settings: before.counts.settings - 1 });
    expect(await resolveSession(token)).toBeNull();
    expect(await prisma().user.findUnique({ where: { email: "new@example.com" } })).toBeNull();
    expect(await metrics()).toEqual(before.metrics);
  });

  it("a truncated or foreign file changes nothing and says why", async () => {
    const target = await freshDatabase();
    const raw = gunzipSync(fs.readFileSync(file));
    const truncated = path.join(dir, "truncated.gz");
    fs.writeFileSync(truncated, gzipSync(raw.subarray(0, Math.floor(raw.length * 0.6))));
    await expect(restoreDatabase(truncated, { connectionString: target })).rejects.toThrow(BackupError);
    await expect(restoreDatabase(truncated, { connectionString: target })).rejects.toThrow(/truncated or damaged/);
    expect(await counts()).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])));
    const foreign = path.join(dir, "foreign.gz");
    fs.writeFileSync(foreign, gzipSync("hello\nworld\n"));
    await expect(restoreDatabase(foreign, { connectionString: target })).rejects.toThrow(/not a backup made by this product/);
    const notGzip = path.join(dir, "plain.txt");
    fs.writeFileSync(notGzip, "{}\n");
    await expect(restoreDatabase(notGzip, { connectionString: target })).rejects.toThrow(/not a backup/);
  });

  it("CLI: backup and restore commands (exit codes, refusals)", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const so = process.stdout.write.bind(process.stdout);
    const se = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      await useDatabase(source);
      const second = path.join(dir, "second.gz");
      expect(await backupCli([second])).toBe(0);
      expect(out.join("")).toMatch(/backed up \d+ tables \(.*events \d+/);
      expect(await backupCli([second])).toBe(1);
      expect(err.join("")).toMatch(/already exists/);
      expect(await backupCli([])).toBe(2);
      expect(await restoreCli([second])).toBe(1); // the source has data
      expect(err.join("")).toMatch(/not empty.*--force/);
      const target = await freshDatabase();
      await useDatabase(target);
      expect(await restoreCli([second])).toBe(0);
      expect(out.join("")).toMatch(/restored .*users 1/);
      expect(await counts()).toEqual({ ...before.counts, settings: before.counts.settings - 1 });
    } finally {
      process.stdout.write = so;
      process.stderr.write = se;
    }
  });
});
