import { prisma } from "../db/prisma";
import { databaseUrl } from "../db/url";

/**
 * Metric results cached per process until the data changes: the key includes the data version
 * every ingest / erasure bumps in its own transaction, so a cached answer is never stale. Many
 * viewers asking the same question at once share one computation.
 */
// a grouped response is a few hundred kB at most: 200 of them bound the memory
const MAX_ENTRIES = 200;
const globalForCache = globalThis as unknown as { __metricsCache?: Map<string, Promise<unknown>> };
const cache = (globalForCache.__metricsCache ??= new Map());

export async function dataVersion(): Promise<string> {
  const rows = await prisma().$queryRaw<{ version: bigint }[]>`SELECT version FROM data_version WHERE id = 1`;
  return String(rows[0]?.version ?? 0);
}

export async function cached<T>(parts: unknown[], compute: () => Promise<T>): Promise<T> {
  if (process.env.METRICS_CACHE === "0") return compute();
  return cachedAt(await dataVersion(), parts, compute);
}

/**
 * `cached` at a data version the caller read itself (with `dataVersion()`, before computing), so
 * a page that looks up several results reads the version once. A version read earlier than the
 * data is never stale: the data can only be newer than its key, and the next request reads the
 * new version.
 */
export async function cachedAt<T>(version: string, parts: unknown[], compute: () => Promise<T>): Promise<T> {
  if (process.env.METRICS_CACHE === "0") return compute();
  // the database is part of the key: one process may talk to several (tests, a changed DATABASE_URL)
  const key = JSON.stringify([databaseUrl(), version, ...parts]);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // most recently used goes last
    cache.set(key, hit);
    // callers get their own copy: one that sorts or edits its result cannot change another's
    return structuredClone(await (hit as Promise<T>));
  }
  const value = compute();
  cache.set(key, value);
  value.catch(() => cache.delete(key)); // never cache a failure
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return structuredClone(await value);
}
