import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { migrate } from "../../../lib/db/migrate";
import { closePool } from "../../../lib/db/pool";
import { closePrisma } from "../../../lib/db/prisma";

/**
 * A fresh, empty database on the test cluster, migrated unless told not to. It becomes the
 * process's DATABASE_URL so lib/ code under test uses it.
 */
export async function freshDatabase(opts: { migrate?: boolean } = {}): Promise<string> {
  const admin = inject("adminDatabaseUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  if (opts.migrate !== false) await migrate(url);
  await closePool();
  await closePrisma();
  process.env.DATABASE_URL = url;
  return url;
}

export async function closeConnections() {
  await closePool();
  await closePrisma();
}
