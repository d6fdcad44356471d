import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import type { ConcurrencyScenario, LoadRun } from "./concurrency";
import type { IngestRun, IngestScenario, SmallFileScenario } from "./ingest";
import type { QueryScenario } from "./query";
import { fmtInt, fmtMs, RESULTS, ROOT } from "./util";
import type { Sample } from "./util";

export interface Report {
  n: number;
  args: string;
  startedAt: Date;
  totalMs: number;
  file: { events: number; bytes: number; path: string };
  db: { events: number; conversations: number; db_bytes: number; server_version: string } | null;
  ingest?: IngestScenario;
  /** --scenario small alone (otherwise it is part of ingest) */
  small?: SmallFileScenario[];
  query?: QueryScenario;
  concurrency?: ConcurrencyScenario;
  notes: string[];
}

type Goal = { what: string; measured: string; goal: string; met: boolean | null };

const yes = (b: boolean | null) => (b === null ? "n/a" : b ? "met" : "**missed**");
const ratio = (a: number, b: number) => a / b;
const sampleStr = (s: Sample) => `p50 ${fmtMs(s.p50)} / p95 ${fmtMs(s.p95)}`;

export function machine() {
  let commit = "unknown";
  let dirty = "";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).toString().trim();
    const st = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT }).toString().trim();
    if (st) dirty = ` (+ uncommitted changes in ${st.split("\n").length} tracked files)`;
  } catch {
    /* not a git checkout */
  }
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memGb: os.totalmem() / 2 ** 30,
    node: process.version,
    commit: commit + dirty,
    load: os.loadavg().map((l) => l.toFixed(2)).join(" "),
  };
}

const smallRows = (runs: SmallFileScenario[]) =>
  runs.flatMap((s) => [
    ingestRow(`small file ${s.label} into an empty DB`, s.empty, s.events),
    ingestRow(`small file ${s.label} into the loaded DB`, s.loaded, s.events),
  ]);

export function goals(r: Report): Goal[] {
  const g: Goal[] = [];
  if (r.ingest) {
    const i = r.ingest;
    g.push({ what: "CLI ingest vs psql \\copy", measured: `${fmtMs(i.main.ms)} vs ${fmtMs(i.copyMs)} = ${ratio(i.main.ms, i.copyMs).toFixed(1)}×`, goal: "≤ 3×", met: ratio(i.main.ms, i.copyMs) <= 3 });
    g.push({ what: "CLI peak RSS", measured: i.main.peakRssMb === null ? "–" : `${i.main.peakRssMb.toFixed(0)} MB`, goal: "≤ 300 MB", met: i.main.peakRssMb === null ? null : i.main.peakRssMb <= 300 });
  }
  for (const s of r.ingest?.small ?? r.small ?? []) {
    g.push({ what: `${fmtInt(s.events)}-event file ${s.label} into loaded vs empty DB`, measured: `${fmtMs(s.loadedMs)} vs ${fmtMs(s.emptyMs)} = ${ratio(s.loadedMs, s.emptyMs).toFixed(2)}×`, goal: "≤ 2×", met: ratio(s.loadedMs, s.emptyMs) <= 2 });
  }
  if (r.query) {
    const q = r.query;
    for (const [name, s] of [["metrics API 28 d by channel,population", q.metrics28], ["metrics API 90 d", q.metrics90]] as const) {
      g.push({ what: `${name} p95`, measured: fmtMs(s.p95), goal: "≤ 500 ms", met: s.p95 <= 500 });
      g.push({ what: `${name} p95 / count(*) p95`, measured: `${ratio(s.p95, q.countStar.p95).toFixed(1)}× (count(*) p95 ${fmtMs(q.countStar.p95)})`, goal: "≤ 10×", met: ratio(s.p95, q.countStar.p95) <= 10 });
    }
    g.push({ what: "executive page p95", measured: fmtMs(q.page.p95), goal: "≤ 1 s", met: q.page.p95 <= 1000 });
    // the goals are warm p95s; this is what the first viewer after a write waits (informative)
    for (const c of q.afterChange ?? []) g.push({ what: `${c.name}, first call after a data change`, measured: fmtMs(c.ms), goal: "(≤ 1 s at 10 M)", met: null });
  }
  if (r.concurrency) {
    for (const l of [...r.concurrency.idle, ...r.concurrency.ingesting]) {
      const errs = l.errors + l.non2xx; // autocannon counts timeouts among errors
      g.push({
        what: `${l.connections} concurrent, ${l.name}`,
        measured: `p95 ${fmtMs(l.p95)}, ${fmtInt(l.requests)} answered, ${errs} errors (${l.timeouts} of them timeouts), ${l.unfinished} unanswered${l.overlap !== undefined && l.overlap < 1 ? ` (ingest overlapped ${(l.overlap * 100).toFixed(0)} % of the run)` : ""}`,
        goal: "p95 ≤ 500 ms, 0 errors",
        met: l.requests > 0 && l.p95 <= 500 && errs === 0,
      });
    }
  }
  return g;
}

function ingestRow(name: string, x: IngestRun, events: number) {
  return `| ${name} | ${fmtInt(events)} | ${fmtMs(x.ms)} | ${fmtInt(events / (x.ms / 1000))} | ${x.peakRssMb?.toFixed(0) ?? "–"} MB | ${fmtInt(x.accepted)} / ${fmtInt(x.duplicates)} / ${x.rejected} | ${Object.entries(x.phases).map(([k, v]) => `${k} ${fmtMs(v)}`).join("; ")} |`;
}

function loadRow(l: LoadRun) {
  return `| ${l.name} | ${l.connections} × ${l.durationS} s | ${fmtInt(l.requests)} | ${l.rps.toFixed(1)} | ${fmtMs(l.p50)} | ${fmtMs(l.p95)} | ${fmtMs(l.p99)} | ${l.errors} / ${l.non2xx} / ${l.timeouts} | ${l.unfinished} | ${l.overlap === undefined ? "" : `${(l.overlap * 100).toFixed(0)} %`} |`;
}

export function markdown(r: Report): string {
  const m = machine();
  const L: string[] = [];
  L.push(`# Bench ${r.startedAt.toISOString().slice(0, 10)}, ${fmtInt(r.n)} conversations`, "");
  L.push(`- command: \`npm run bench -- ${r.args}\``);
  L.push(`- machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGb.toFixed(1)} GB RAM, Node ${m.node}, load average at the end ${m.load} (shared with other test runs: numbers are noisy)`);
  L.push(`- commit: ${m.commit}`);
  // the product's settings that change these figures, when the run set them
  const set = ["WEB_WORKERS", "SHARED_RENDERS", "INGEST_NICE", "METRICS_CACHE", "METRICS_ROLLUPS", "DB_POOL_SIZE"].filter((k) => process.env[k] !== undefined);
  const env = set.map((k) => `${k}=${process.env[k]}`);
  // its value holds a password; that the run used a cluster it did not start is what matters
  if (process.env.BENCH_DATABASE_URL) env.push("BENCH_DATABASE_URL (a cluster the bench did not start: its cache was as the run found it)");
  L.push(`- environment: ${env.length ? env.join(", ") : "defaults"}`);
  if (r.db) L.push(`- database: ${r.db.server_version}; at the end ${fmtInt(r.db.events)} events, ${fmtInt(r.db.conversations)} conversations, ${(r.db.db_bytes / 2 ** 30).toFixed(2)} GB on disk`);
  L.push(`- input: ${path.relative(ROOT, r.file.path)}, ${fmtInt(r.file.events)} events, ${(r.file.bytes / 2 ** 20).toFixed(0)} MB`);
  L.push(`- bench wall time ${fmtMs(r.totalMs)}`, "");
  L.push("## Goals", "", "| what | measured | goal | |", "|---|---|---|---|");
  for (const g of goals(r)) L.push(`| ${g.what} | ${g.measured} | ${g.goal} | ${yes(g.met)} |`);
  L.push("");
  if (r.ingest) {
    const i = r.ingest;
    L.push("## Ingest", "", `psql \\copy of the same file into a bare one-column text table: ${fmtMs(i.copyMs)} (${fmtInt(r.file.events / (i.copyMs / 1000))} lines/s).`, "");
    L.push("| run | events | wall | events/s | peak RSS | accepted / duplicates / rejected | phases (INGEST_TIMING) |", "|---|---|---|---|---|---|---|");
    L.push(ingestRow("CLI ingest into an empty DB", i.main, r.file.events));
    L.push(ingestRow("re-ingest (all duplicates)", i.reingest, r.file.events));
    L.push(...smallRows(i.small));
    for (const ing of r.concurrency?.ingests ?? []) L.push(ingestRow(`background ingest during the ${ing.during} load`, ing, ing.events));
    L.push("");
  } else if (r.small) {
    L.push("## Ingest", "", "| run | events | wall | events/s | peak RSS | accepted / duplicates / rejected | phases (INGEST_TIMING) |", "|---|---|---|---|---|---|---|");
    L.push(...smallRows(r.small), "");
  }
  if (r.query) {
    const q = r.query;
    L.push("## Queries (sequential, warm)", "", "| call | n | p50 | p95 | max |", "|---|---|---|---|---|");
    const row = (name: string, s: Sample) => L.push(`| ${name} | ${s.n} | ${fmtMs(s.p50)} | ${fmtMs(s.p95)} | ${fmtMs(s.max)} |`);
    row("GET /api/v1/metrics 28 d group_by=channel,population", q.metrics28);
    row("GET /api/v1/metrics 90 d", q.metrics90);
    row("GET /api/v1/metrics/timeseries 90 d day verified_resolution_rate", q.timeseries90);
    row("SELECT count(*) FROM conversations (pg, same timing)", q.countStar);
    row(`GET / executive page, signed in (${q.pageStatus}, ${fmtInt(q.pageBytes)} bytes)`, q.page);
    if (q.afterChange?.length) {
      L.push("", "First call after a data change (a new settled data version, as an API post leaves it: every cache of the server cold), over HTTP:", "");
      for (const c of q.afterChange) L.push(`- ${c.name}: ${fmtMs(c.ms)}`);
    }
    if (q.cold?.length) {
      L.push("", "First computation from the database (cache off, as the first viewer after an ingest waits):", "");
      for (const c of q.cold) L.push(`- ${c.name}: ${fmtMs(c.ms)}`);
    }
    L.push("", `Ratios to count(*): metrics 28 d ${sampleStr(q.metrics28)} = ${ratio(q.metrics28.p50, q.countStar.p50).toFixed(1)}× / ${ratio(q.metrics28.p95, q.countStar.p95).toFixed(1)}×; metrics 90 d ${ratio(q.metrics90.p50, q.countStar.p50).toFixed(1)}× / ${ratio(q.metrics90.p95, q.countStar.p95).toFixed(1)}×.`, "");
    L.push("### EXPLAIN (ANALYZE, BUFFERS) of the dashboard SQL", "");
    L.push(`Any sequential scan of \`events\`: **${q.explains.some((e) => e.seqScanEvents) ? "yes" : "no"}**.`, "");
    for (const e of q.explains) {
      L.push(`<details><summary>${e.name}: <code>${e.sql.replace(/\s+/g, " ").slice(0, 80).replace(/</g, "&lt;")}…</code> (seq scan on events: ${e.seqScanEvents ? "yes" : "no"})</summary>`, "");
      L.push("```", e.plan, "```", "</details>", "");
    }
  }
  if (r.concurrency) {
    L.push("## Concurrency (autocannon, loopback)", "", "| target | clients × time | requests | req/s | p50 | p95 | p99 | errors / non-2xx / timeouts | unanswered at the end | ingest overlap |", "|---|---|---|---|---|---|---|---|---|---|");
    for (const l of [...r.concurrency.idle, ...r.concurrency.ingesting]) L.push(loadRow(l));
    L.push("");
  }
  if (r.notes.length) L.push("## Notes", "", ...r.notes.map((n) => `- ${n}`), "");
  return L.join("\n");
}

export function writeReport(r: Report): string {
  fs.mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${r.startedAt.toISOString().slice(0, 10)}-${r.n}.md`);
  fs.writeFileSync(file, markdown(r));
  fs.writeFileSync(file.replace(/\.md$/, ".json"), JSON.stringify(r, null, 2) + "\n");
  return file;
}

/** The console table: one line per goal. */
export function printTable(r: Report) {
  const rows = goals(r).map((g) => [g.what, g.measured, g.goal, g.met === null ? "n/a" : g.met ? "met" : "MISSED"]);
  const head = ["what", "measured", "goal", ""];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
  const line = (x: string[]) => x.map((c, i) => c.padEnd(w[i])).join("  ");
  process.stdout.write([line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n") + "\n");
}
