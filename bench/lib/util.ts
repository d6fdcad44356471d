import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const DATA = path.join(ROOT, "bench", "data");
export const RESULTS = path.join(ROOT, "bench", "results");

export const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of a sample (ms). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export interface Sample {
  n: number;
  p50: number;
  p95: number;
  max: number;
}
export function summarize(values: number[]): Sample {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) };
}

/** Time `fn` `warm` times unrecorded, then `n` times sequentially. */
export async function timeCalls(n: number, warm: number, fn: () => Promise<unknown>): Promise<Sample> {
  for (let i = 0; i < warm; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

/** Every child the bench starts, so an error or Ctrl-C can end exactly those (by process group). */
const children = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** SIGTERM the child's process group (it was spawned detached), SIGKILL after `graceMs`. */
export async function killGroup(child: ChildProcess, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      /* gone */
    }
    await Promise.race([exited, sleep(2000)]);
  }
}

export async function killAllChildren() {
  await Promise.all([...children].map((c) => killGroup(c)));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run a command to completion (own process group), collecting output, bounded by timeoutMs. */
export function run(cmd: string, args: string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<RunResult> & { child: ChildProcess } {
  const t0 = performance.now();
  const child = track(spawn(cmd, args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], ...opts }));
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const timer = opts.timeoutMs ? setTimeout(() => void killGroup(child, 5000), opts.timeoutMs) : undefined;
  const p = new Promise<RunResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  }) as Promise<RunResult> & { child: ChildProcess };
  p.child = child;
  return p;
}

export const fmtMs = (ms: number) => (Number.isFinite(ms) ? (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`) : "–");
export const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");

export function rmrf(p: string) {
  fs.rmSync(p, { recursive: true, force: true });
}
