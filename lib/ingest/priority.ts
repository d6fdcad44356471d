import fs from "node:fs";
import os from "node:os";
import type { PoolClient } from "pg";

/**
 * Bulk ingests (CLI files, uploads, demo data) run at a lower CPU priority than the dashboards,
 * so a 9 M-event load does not make 50 viewers wait: on a 2-core machine an ingest keeps both
 * cores busy (Node parses on one, its PostgreSQL backend inserts and derives on the other), and at
 * equal priority the viewers' requests queue behind it. With the default nice 10 the kernel gives
 * a viewer ~9 times the CPU share of the ingest when both want it; with no viewers the ingest
 * runs at full speed. API event posts keep normal priority: their sender waits for the answer.
 *
 * `INGEST_NICE` (0–19, default 10; 0 turns this off).
 */
export function ingestNice(env: Record<string, string | undefined> = process.env): number {
  const raw = env.INGEST_NICE;
  if (raw === undefined || raw.trim() === "") return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19) {
    throw new Error(`INGEST_NICE must be a whole number from 0 (off) to 19, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A bulk load (file, upload, demo data) yields the CPU to dashboards; an API post does not. */
export function isBackground(source: string): boolean {
  return source !== "api";
}

/** Lower this process's priority (the CLI's parser); never raises it. */
export function lowerOwnPriority(nice = ingestNice()) {
  if (nice > 0) renice(0, nice);
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/**
 * Lower the priority of the PostgreSQL backend serving `client` — only when it is a process of
 * this machine: the connection is over loopback and the pid it reports is a local `postgres`
 * process (a pid from another host or container would name some unrelated local process).
 * Returns the backend's pid when it was lowered.
 */
export async function lowerBackendPriority(client: PoolClient, nice = ingestNice()): Promise<number | null> {
  if (nice <= 0) return null;
  const host = (client as unknown as { host?: string }).host;
  if (!host || !LOOPBACK.has(host)) return null;
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const pid = rows[0].pid;
  let comm: string;
  try {
    comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null; // not Linux, or not a process of this machine's pid namespace
  }
  if (comm !== "postgres") return null;
  return renice(pid, nice) ? pid : null;
}

function renice(pid: number, nice: number): boolean {
  try {
    if (os.getPriority(pid) >= nice) return true;
    os.setPriority(pid, nice);
    return true;
  } catch {
    return false; // not permitted (another user's process): the ingest runs at normal priority
  }
}
