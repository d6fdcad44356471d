import autocannon from "autocannon";
import type { CsvFile } from "./data";
import { parseIngest, startCliIngest, type IngestRun } from "./ingest";
import { killGroup, log, percentile } from "./util";

export interface LoadRun {
  name: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  /** requests sent but not answered when the run ended (the server kept working on them) */
  unfinished: number;
  /** share of the run's wall time during which the background ingest was still running */
  overlap?: number;
}

/**
 * `connections` clients for `durationS` seconds against one loopback URL. autocannon has no p95,
 * so every response time is recorded from its `response` event (bounded by the duration).
 */
export async function load(
  name: string,
  url: string,
  headers: Record<string, string>,
  connections: number,
  durationS: number,
  /** headers of each client in turn (its own session), over `headers` */
  perClient?: Record<string, string>[],
): Promise<LoadRun> {
  const u = new URL(url);
  if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") throw new Error(`refusing to load a non-loopback address: ${u.hostname}`);
  const times: number[] = [];
  let client = 0;
  const setupClient = perClient?.length
    ? (c: { setHeaders(h: Record<string, string>): void }) => c.setHeaders({ ...headers, ...perClient[client++ % perClient.length] })
    : undefined;
  const inst = autocannon({ url, connections, duration: durationS, timeout: 30, headers, setupClient });
  inst.on("response", (_client: unknown, _status: number, _bytes: number, ms: number) => {
    if (times.length < 2_000_000) times.push(ms);
  });
  const r = await inst;
  const res: LoadRun = {
    name,
    connections,
    durationS,
    requests: r.requests.total,
    rps: r.requests.average,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    // a loop, not Math.max(...times): past ~120 000 responses the spread overflows the stack
    max: times.length ? times.reduce((a, b) => (b > a ? b : a)) : NaN,
    errors: r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
    unfinished: Math.max(0, (r.requests.sent ?? r.requests.total) - r.requests.total),
  };
  log(`  ${name}: ${res.requests} req, ${res.rps.toFixed(1)} req/s, p50 ${res.p50.toFixed(0)} ms, p95 ${res.p95.toFixed(0)} ms, errors ${res.errors}, non-2xx ${res.non2xx}, timeouts ${res.timeouts}, unanswered at the end ${res.unfinished}`);
  await drain(url, headers);
  return res;
}

/**
 * autocannon stops at the deadline but the server still works off the requests it accepted:
 * wait (bounded) until one request of the same kind answers promptly again, so the next run
 * does not measure this run's backlog.
 */
async function drain(url: string, headers: Record<string, string>, maxMs = 300_000) {
  const deadline = Date.now() + maxMs;
  const t0 = Date.now();
  while (Date.now() < deadline) {
    const s = performance.now();
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(60_000) });
      await res.arrayBuffer();
    } catch {
      /* keep probing */
    }
    if (performance.now() - s < 2000) break;
  }
  log(`  drained in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

export interface ConcurrencyScenario {
  idle: LoadRun[];
  ingesting: LoadRun[];
  /** the background ingest of each "ingesting" run, in the same order */
  ingests: (IngestRun & { events: number; during: string })[];
}

export async function concurrencyScenario(
  dbUrl: string,
  base: string,
  apiKey: string,
  cookies: string[],
  metricsPath: string,
  opts: { connections: number; durationS: number; ingestFiles: CsvFile[] },
): Promise<ConcurrencyScenario> {
  // every page client is a viewer with a session of its own, as 50 people in their browsers would
  // be: a page render is shared only between requests of the same role (lib/web/shared-requests.ts)
  const targets: [string, string, Record<string, string>, Record<string, string>[]?][] = [
    ["metrics API", base + metricsPath, { authorization: `Bearer ${apiKey}` }],
    ["executive page", `${base}/`, { cookie: cookies[0] }, cookies.map((cookie) => ({ cookie }))],
  ];
  // "idle" is warm: alone (without the query scenario before it) the server starts with every
  // cache cold, and at 10 M its first answers took 13–17 s, which 50 clients waited for
  for (const [, url, headers] of targets) await drain(url, headers);
  log(`${opts.connections} concurrent clients × ${opts.durationS} s, idle…`);
  const idle: LoadRun[] = [];
  for (const [name, url, headers, perClient] of targets) idle.push(await load(name, url, headers, opts.connections, opts.durationS, perClient));

  // each target gets its own background ingest (of its own file, so none of it is duplicates):
  // with one ingest for both, it had finished before the second target's run started
  const ingesting: LoadRun[] = [];
  const ingests: ConcurrencyScenario["ingests"] = [];
  for (const [i, [name, url, headers, perClient]] of targets.entries()) {
    const file = opts.ingestFiles[i % opts.ingestFiles.length];
    log(`${name} while ingesting ${file.events} events in the background…`);
    const ingestP = startCliIngest(dbUrl, file.path, 3_600_000);
    let ingestDoneAt = 0;
    const done = ingestP.then((r) => {
      ingestDoneAt = Date.now();
      return r;
    });
    try {
      await new Promise((r) => setTimeout(r, 3000)); // let it get past start-up into parsing/COPY
      const t0 = Date.now();
      const run = await load(`${name} (ingesting)`, url, headers, opts.connections, opts.durationS, perClient);
      const t1 = Date.now();
      run.overlap = ingestDoneAt ? Math.max(0, Math.min(1, (ingestDoneAt - t0) / (t1 - t0))) : 1;
      ingesting.push(run);
      log("waiting for the background ingest to finish…");
      const ing = parseIngest(await done, file.events);
      log(`  background ingest: ${(ing.ms / 1000).toFixed(1)} s ${JSON.stringify(ing.phases)}`);
      ingests.push({ ...ing, events: file.events, during: name });
    } catch (e) {
      await killGroup(ingestP.child, 5000);
      await done.catch(() => {});
      throw e;
    }
  }
  return { idle, ingesting, ingests };
}
