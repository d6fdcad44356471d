import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import { ingestNice, lowerBackendPriority } from "../ingest/priority";
import { databaseUrl } from "./url";

interface Client {
  client: PrismaClient;
  pool: pg.Pool;
  url: string;
}
const globalForPrisma = globalThis as unknown as {
  __prisma?: PrismaClient;
  __prismaUrl?: string;
  __prismaBackground?: Client;
  // one instance even when a bundler duplicates this module
  __backgroundWork?: AsyncLocalStorage<true>;
};
const backgroundWork = (globalForPrisma.__backgroundWork ??= new AsyncLocalStorage<true>());

/**
 * Run `fn` with every `prisma()` query it makes on connections whose PostgreSQL backends run at
 * the ingest's lowered priority (INGEST_NICE): work nobody waits for — a dashboard answer
 * recomputed behind its viewers while an import commits part after part — then yields the CPU
 * to the viewers' own requests, as the import does.
 */
export function runInBackground<T>(fn: () => Promise<T>): Promise<T> {
  return backgroundWork.run(true, fn);
}

/** Whether the caller runs inside runInBackground. */
export function inBackground(): boolean {
  return backgroundWork.getStore() === true;
}

/** The process-wide Prisma client (the lowered-priority one inside runInBackground). */
export function prisma(): PrismaClient {
  const url = databaseUrl();
  if (inBackground()) return backgroundPrisma(url);
  if (!globalForPrisma.__prisma || globalForPrisma.__prismaUrl !== url) {
    globalForPrisma.__prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    globalForPrisma.__prismaUrl = url;
  }
  return globalForPrisma.__prisma;
}

function backgroundPrisma(url: string): PrismaClient {
  const known = globalForPrisma.__prismaBackground;
  if (known?.url === url) return known.client;
  // few connections: background work is a handful of refreshes, one per question at a time
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on("connect", (client) => {
    // queued before the first query on the connection, so that query already runs lowered
    lowerBackendPriority(client as pg.PoolClient, ingestNice()).catch(() => {});
  });
  pool.on("error", () => {}); // idle-client errors surface on the next query
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  globalForPrisma.__prismaBackground = { client, pool, url };
  if (known) void close(known);
  return client;
}

async function close(c: Client) {
  await c.client.$disconnect();
  await c.pool.end();
}

export async function closePrisma() {
  const p = globalForPrisma.__prisma;
  const b = globalForPrisma.__prismaBackground;
  globalForPrisma.__prisma = undefined;
  globalForPrisma.__prismaUrl = undefined;
  globalForPrisma.__prismaBackground = undefined;
  await Promise.all([p?.$disconnect(), b && close(b)]);
}
