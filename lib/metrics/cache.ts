import { prisma, runInBackground } from "../db/prisma";
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
  return (await dataVersions()).version;
}

/** The data version, and the newest one every reader must see at once (lib/db/data-version.ts). */
export interface DataVersions {
  version: string;
  settled: string;
}

export async function dataVersions(): Promise<DataVersions> {
  const rows = await prisma().$queryRaw<{ version: bigint; settled: bigint }[]>`SELECT version, settled FROM data_version WHERE id = 1`;
  return { version: String(rows[0]?.version ?? 0), settled: String(rows[0]?.settled ?? 0) };
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
  // callers get their own copy: one that sorts or edits its result cannot change another's
  return structuredClone(await lookup(key(version, parts), compute));
}

/**
 * `cachedAt` for read-only data (what a page renders): every caller gets the same deeply frozen
 * value instead of a copy, so a mutation throws rather than changing what the next viewer sees.
 * Copying the value on each page view was a measurable part of the page's CPU.
 */
export async function cachedFrozen<T>(version: string, parts: unknown[], compute: () => Promise<T>): Promise<T> {
  if (process.env.METRICS_CACHE === "0") return compute();
  return lookup(key(version, ["frozen", ...parts]), async () => deepFreeze(await compute()));
}

interface Latest {
  version: bigint;
  value: unknown;
  /** when it was recorded, and how long its computation took (ms) */
  recordedAt: number;
  took: number;
  /** the version a refresh is computing behind the viewers, if any */
  refreshing?: bigint;
}

/**
 * While an import runs, a question is recomputed no sooner than this many times its last
 * computation's duration after that one landed: each question's refreshes then take at most a
 * third of one core from the import and the viewers. At 10 M conversations the metrics API's
 * refresh takes ~16 s of PostgreSQL; starting the next one at once after every part kept a
 * core busy for the whole import and doubled the page's latency (docs/scaling.md).
 */
export const REFRESH_PAUSE_FACTOR = 2;
const globalForLatest = globalThis as unknown as { __metricsLatest?: Map<string, Latest> };
const latest = (globalForLatest.__metricsLatest ??= new Map());

/**
 * `fresh()` — a question answered at `versions.version` through the caches above — unless an
 * import is committing in parts: then every viewer gets the newest answer already computed for
 * the same question (`family`: the question without what is resolved per version, like as_of),
 * while one refresh computes the current one behind them. Without this, each part's commit made
 * the next request of every kind a cold computation that all viewers waited for (seconds at 1 M
 * conversations). An answer is never older than the last settled write (an API post, an erasure,
 * a finished import: whoever wrote it reads it back), and at most two refreshes and a pause
 * (REFRESH_PAUSE_FACTOR) behind.
 * Outermost only: a `fresh()` that itself answered from an older part would be recorded as the
 * current version's answer.
 */
export async function cachedAcrossParts<T>(versions: DataVersions, family: unknown[], fresh: () => Promise<T>): Promise<T> {
  if (process.env.METRICS_CACHE === "0") return fresh();
  const familyKey = key("latest", family);
  const version = BigInt(versions.version);
  const startedAt = Date.now();
  const record = (value: T) => {
    const known = latest.get(familyKey);
    if (!known || known.version <= version) {
      latest.delete(familyKey); // most recently used goes last
      const recordedAt = Date.now();
      latest.set(familyKey, { version, value, recordedAt, took: recordedAt - startedAt });
      while (latest.size > MAX_ENTRIES) latest.delete(latest.keys().next().value as string);
    }
    return value;
  };
  const known = latest.get(familyKey);
  if (known && known.version < version && known.version >= BigInt(versions.settled)) {
    // one refresh per question at a time: versions can come faster than a refresh (API posts
    // during an import); after it lands and a pause, the next viewer starts the next one
    if (known.refreshing === undefined && startedAt - known.recordedAt >= REFRESH_PAUSE_FACTOR * known.took) {
      known.refreshing = version;
      // nobody waits for it: on lowered-priority connections, like the import's parts
      runInBackground(fresh).then(record, () => {
        if (known.refreshing === version) known.refreshing = undefined; // the next viewer retries
      });
    }
    return known.value as T;
  }
  return record(await fresh());
}

// the database is part of the key: one process may talk to several (tests, a changed DATABASE_URL)
const key = (version: string, parts: unknown[]) => JSON.stringify([databaseUrl(), version, ...parts]);

function lookup<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // most recently used goes last
    cache.set(key, hit);
    return hit as Promise<T>;
  }
  const value = compute();
  cache.set(key, value);
  value.catch(() => cache.delete(key)); // never cache a failure
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
