import os from "node:os";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { demoEventsToCsv } from "../../lib/demo/generate";
import { pool } from "../../lib/db/pool";
import { ingestStream } from "../../lib/ingest";
import { ingestNice, lowerBackendPriority } from "../../lib/ingest/priority";
import { closeConnections, freshDatabase } from "./support/db";

let url: string;
let local: boolean;
beforeAll(async () => {
  url = await freshDatabase();
  local = ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
});
afterAll(closeConnections);
afterEach(() => {
  delete process.env.INGEST_NICE;
});

const CSV = [...demoEventsToCsv({ conversations: 40, seed: 9, days: 10, now: new Date("2026-10-01T00:00:00Z") })].join("");

/** The nice value of every backend connected to the test database, except the observer's own. */
async function backendNices(): Promise<number[]> {
  const observer = new pg.Client({ connectionString: url });
  await observer.connect();
  try {
    const { rows } = await observer.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    );
    return rows.flatMap((r) => {
      try {
        return [os.getPriority(r.pid)];
      } catch {
        return []; // ended meanwhile
      }
    });
  } finally {
    await observer.end();
  }
}

/**
 * Ingest the demo file, sending its second half only after recording the backends' priorities:
 * by then the ingest holds its connection, mid-COPY.
 */
async function ingestObserved(source: string, commitEvery?: number): Promise<{ during: number[]; accepted: number }> {
  const half = CSV.lastIndexOf("\n", CSV.length / 2) + 1;
  let during: number[] = [];
  async function* body() {
    yield Buffer.from(CSV.slice(0, half));
    await new Promise((r) => setTimeout(r, 50)); // let the parser reach the COPY
    during = await backendNices();
    yield Buffer.from(CSV.slice(half));
  }
  const result = await ingestStream(Readable.from(body()), { format: "canonical", source, commitEvery });
  return { during, accepted: result.accepted };
}

/** Backends closed by release(true) end asynchronously: wait (bounded) until none runs lowered. */
async function pooledNicesSettled(): Promise<number[]> {
  let nices = await backendNices();
  for (let i = 0; i < 40 && nices.some((n) => n > 0); i++) {
    await new Promise((r) => setTimeout(r, 50));
    nices = await backendNices();
  }
  return nices;
}

describe("bulk ingests yield the CPU to dashboards", () => {
  it("INGEST_NICE: default 10, 0 turns it off, anything else outside 0–19 is refused by name", () => {
    expect(ingestNice({})).toBe(10);
    expect(ingestNice({ INGEST_NICE: "0" })).toBe(0);
    expect(ingestNice({ INGEST_NICE: "19" })).toBe(19);
    for (const bad of ["20", "-1", "5.5", "high"]) expect(() => ingestNice({ INGEST_NICE: bad })).toThrow(/INGEST_NICE/);
  });

  it("lowers only a local PostgreSQL backend, and never raises one", async () => {
    const client = await pool().connect();
    try {
      const pid = await lowerBackendPriority(client, 7);
      if (!local) {
        expect(pid).toBeNull(); // a backend on another host is not ours to renice
        return;
      }
      expect(pid).not.toBeNull();
      expect(os.getPriority(pid!)).toBe(7);
      await lowerBackendPriority(client, 3);
      expect(os.getPriority(pid!)).toBe(7);
    } finally {
      client.release(true);
    }
  });

  it("a file ingest runs its backend lowered and does not hand it back to the pool", async () => {
    const { during, accepted } = await ingestObserved("cli");
    expect(accepted).toBeGreaterThan(100);
    if (local) expect(during).toContain(10);
    else expect(during).not.toContain(10);
    // later pool users (dashboards, in the server) get normal-priority backends
    expect((await pooledNicesSettled()).filter((n) => n > 0)).toEqual([]);
    const { rows } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM conversations");
    expect(rows[0].n).toBe(40);
  });

  it("the parts of a chunked ingest too, at INGEST_NICE", async () => {
    process.env.INGEST_NICE = "12";
    await pool().query("TRUNCATE events, conversations, imports");
    const { during, accepted } = await ingestObserved("upload", 100);
    expect(accepted).toBeGreaterThan(100);
    if (local) expect(during).toContain(12);
    expect((await pooledNicesSettled()).filter((n) => n > 0)).toEqual([]);
  });

  it("API posts and INGEST_NICE=0 keep normal priority", async () => {
    await pool().query("TRUNCATE events, conversations, imports");
    expect((await ingestObserved("api")).during.filter((n) => n > 0)).toEqual([]);
    await pool().query("TRUNCATE events, conversations, imports");
    process.env.INGEST_NICE = "0";
    expect((await ingestObserved("cli")).during.filter((n) => n > 0)).toEqual([]);
  });
});
