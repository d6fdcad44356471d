import os from "node:os";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { executiveNumbers } from "../../components/executive-data";
import { resolvePageRequest } from "../../components/page-data";
import { pool } from "../../lib/db/pool";
import { prisma } from "../../lib/db/prisma";
import { ingestNice } from "../../lib/ingest/priority";
import { demoEventsToCsv } from "../../lib/demo/generate";
import { ingestStream } from "../../lib/ingest";
import { computeMetricsJson } from "../../lib/metrics";
import { cachedAcrossParts, dataVersions, REFRESH_PAUSE_FACTOR } from "../../lib/metrics/cache";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

/**
 * While an import commits in parts, viewers get the previous part's answer while the current one
 * is computed behind them (lib/metrics/cache.ts, cachedAcrossParts); every settled write is read
 * back at once.
 */
afterAll(closeConnections);
beforeEach(async () => {
  await freshDatabase();
});

const Q = { from: "2026-03-01", to: "2026-03-31", as_of: new Date("2026-04-30T00:00:00Z") };
const start = (id: string, customer: string) => ({ conversation_id: id, type: "conversation_started", at: "2026-03-02T10:00:00Z", customer_id: customer, channel: "chat" });
const inbound = async () => JSON.parse(await computeMetricsJson(Q)).segments[0].metrics.inbound.value as number;

/** What a part of a running import leaves behind: the data moved on, the settled version did not. */
async function asIfAPartOfARunningImport(write: () => Promise<unknown>) {
  const { settled } = await dataVersions();
  await write();
  await pool().query("UPDATE data_version SET settled = $1", [settled]);
}

/** Polls (bounded) until `read` gives `want`: the refresh behind the viewers has landed. */
async function eventually<T>(read: () => Promise<T>, want: T): Promise<T> {
  let got = await read();
  for (let i = 0; i < 200 && got !== want; i++) {
    await new Promise((r) => setTimeout(r, 10));
    got = await read();
  }
  return got;
}

describe("answers while an import commits in parts", () => {
  it("the API answers from the previous part while it recomputes, and reads every settled write back at once", async () => {
    await ingestJson([start("k1", "a")]);
    expect(await inbound()).toBe(1);

    await asIfAPartOfARunningImport(() => ingestJson([start("k2", "b")]));
    expect(await inbound()).toBe(1); // the previous part's answer, not a wait for the new one
    expect(await eventually(inbound, 2)).toBe(2);

    await ingestJson([start("k3", "c")]); // settled (an API post): read back at once
    expect(await inbound()).toBe(3);
  });

  it("never answers from before the last settled write", async () => {
    await ingestJson([start("k1", "a")]);
    expect(await inbound()).toBe(1);
    await ingestJson([start("k2", "b")]); // settled, not asked for since
    await asIfAPartOfARunningImport(() => ingestJson([start("k3", "c")]));
    // the newest answer known (1) is older than the settled write (2): computed, not served
    expect(await inbound()).toBe(3);
  });

  it("the executive page's numbers do the same", async () => {
    const page = async () => {
      const query = { ...Q, group_by: undefined };
      return (await executiveNumbers(query, await resolvePageRequest(query))).byPopulation.all?.metrics.inbound.value;
    };
    await ingestJson([start("k1", "a")]);
    expect(await page()).toBe(1);
    await asIfAPartOfARunningImport(() => ingestJson([start("k2", "b")]));
    expect(await page()).toBe(1);
    expect(await eventually(page, 2)).toBe(2);
    await ingestJson([start("k3", "c")]);
    expect(await page()).toBe(3);
  });
});

describe("the refresh behind the viewers", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  /** a clock the test moves, and a question whose computations the test finishes */
  function question() {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const family = ["refresh-test", Math.random()];
    const waiting: ((v: string) => void)[] = [];
    const fresh = () => new Promise<string>((resolve) => waiting.push(resolve));
    const at = (version: number) => cachedAcrossParts({ version: String(version), settled: "1" }, family, fresh);
    const tick = (ms: number) => (now += ms);
    return { at, waiting, tick };
  }
  const landed = () => new Promise((r) => setTimeout(r, 0));

  it("runs once per question at a time, however fast versions come", async () => {
    const { at, waiting, tick } = question();
    const first = at(1);
    waiting[0]("answer 1");
    expect(await first).toBe("answer 1");
    expect(await at(2)).toBe("answer 1"); // starts the refresh of version 2
    expect(await at(3)).toBe("answer 1"); // version 2's refresh is still running: no second one
    expect(waiting).toHaveLength(2);
    tick(100);
    waiting[1]("answer 2");
    await landed();
    tick(REFRESH_PAUSE_FACTOR * 100);
    expect(await at(3)).toBe("answer 2"); // landed, paused; this viewer starts version 3's
    expect(waiting).toHaveLength(3);
  });

  it("pauses after a refresh lands for a multiple of what it took before starting the next", async () => {
    const { at, waiting, tick } = question();
    const first = at(1);
    tick(1000); // the first computation took a second
    waiting[0]("answer 1");
    await first;
    expect(await at(2)).toBe("answer 1");
    expect(waiting).toHaveLength(1); // no refresh while the pause after the first lasts
    tick(REFRESH_PAUSE_FACTOR * 1000 - 1);
    expect(await at(2)).toBe("answer 1");
    expect(waiting).toHaveLength(1);
    tick(1);
    expect(await at(2)).toBe("answer 1");
    expect(waiting).toHaveLength(2); // paused long enough: refreshing
    waiting[1]("answer 2");
    await landed();
    expect(await at(3)).toBe("answer 2"); // it took no time on this clock: no pause, version 3's starts
    expect(waiting).toHaveLength(3);
    // a settled write is still read back at once, pause or not
    const settled = cachedAcrossParts({ version: "3", settled: "3" }, ["refresh-test-settled"], async () => "answer 3");
    expect(await settled).toBe("answer 3");
  });
});

describe("the refresh's database work", () => {
  it("runs at the ingest's lowered priority, a viewer's own computation at normal", async () => {
    const local = ["127.0.0.1", "localhost", "[::1]"].includes(new URL(process.env.DATABASE_URL!).hostname);
    const family = ["refresh-priority", Math.random()];
    // what a question's computation sees: the priority of the backend its query ran on
    const niceOfBackend = async () => {
      const rows = await prisma().$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      return os.getPriority(Number(rows[0].pid));
    };
    const at = (version: number) => cachedAcrossParts({ version: String(version), settled: "1" }, family, niceOfBackend);
    await prisma().$queryRaw`SELECT 1`; // connected: the first computation below is short, and so the pause after it
    expect(await at(1)).toBe(0); // settled: a viewer computes it and waits
    // an import's parts: each viewer gets the newest landed answer, a refresh computes behind
    let refreshed = 0;
    for (let part = 2; part < 400 && refreshed === 0; part++) {
      await new Promise((r) => setTimeout(r, 25));
      refreshed = await at(part);
    }
    expect(refreshed).toBe(local ? ingestNice() : 0);
  });
});

describe("the data version of an import in parts", () => {
  const csv = [...demoEventsToCsv({ conversations: 120, seed: 4, days: 20, now: new Date("2026-10-01T00:00:00Z") })].join("");
  const ingestInParts = (text: string) => ingestStream(Readable.from([Buffer.from(text)]), { format: "canonical", source: "test", commitEvery: 60 });

  /** every distinct (version, settled) seen while `run` runs */
  async function watch(run: () => Promise<unknown>) {
    const seen = new Set<string>();
    let done = false;
    const polling = (async () => {
      while (!done) {
        const { version, settled } = await dataVersions();
        seen.add(`${version}/${settled}`);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      await run();
    } finally {
      done = true;
      await polling;
    }
    return [...seen].map((s) => s.split("/").map(Number) as [number, number]);
  }

  it("parts leave it unsettled; the end of the import settles it", async () => {
    const before = await dataVersions();
    const seen = await watch(() => ingestInParts(csv));
    const after = await dataVersions();
    expect(Number(after.version) - Number(before.version)).toBeGreaterThan(5); // one bump per part
    expect(seen.some(([version, settled]) => settled < version)).toBe(true);
    expect(after.settled).toBe(after.version);
  });

  it("a failed import settles what its parts stored", async () => {
    const lines = csv.split("\n");
    // an upload whose connection drops after 400 rows
    async function* dropped() {
      yield Buffer.from(lines.slice(0, 401).join("\n") + "\n");
      await new Promise((r) => setTimeout(r, 50));
      throw new Error("connection reset");
    }
    await expect(ingestStream(Readable.from(dropped()), { format: "canonical", source: "test", commitEvery: 60 })).rejects.toThrow(/connection reset/);
    const after = await dataVersions();
    expect(Number(after.version)).toBeGreaterThan(1);
    expect(after.settled).toBe(after.version);
  });
});
