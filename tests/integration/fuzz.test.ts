import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postEvents } from "../../app/api/v1/events/route";
import { GET as getMetrics } from "../../app/api/v1/metrics/route";
import { GET as getTimeseries } from "../../app/api/v1/metrics/timeseries/route";
import { GET as getConversationsCsv } from "../../app/api/v1/conversations.csv/route";
import { POST as upload } from "../../app/api/v1/uploads/route";
import { createApiKey } from "../../lib/auth/api-keys";
import { createSession, SESSION_COOKIE } from "../../lib/auth/sessions";
import { createUser } from "../../lib/auth/users";
import { CANONICAL_COLUMNS, CHANNELS, EVENT_TYPES } from "../../lib/events/vocabulary";
import { closeConnections, freshDatabase } from "./support/db";
import { countRows } from "./support/ingest";

const BASE = "http://localhost:3000";
const RUNS = Number(process.env.FUZZ_RUNS || 60);
// each run is a real request against PostgreSQL: allow about a second per run on a busy machine
const TIMEOUT = 30_000 + RUNS * 1000;
let key: string;
let admin: Record<string, string>;

beforeAll(async () => {
  await freshDatabase();
  key = (await createApiKey({ name: "fuzz", scopes: ["ingest", "read"] })).key;
  const a = await createUser({ email: "fuzz@example.com", password: "fuzz-password", role: "admin" });
  admin = { cookie: `${SESSION_COOKIE}=${(await createSession(a.id)).token}`, origin: BASE };
});
afterAll(closeConnections);

const auth = () => ({ authorization: `Bearer ${key}` });

/** Every error is the api.md envelope and says where: a parameter, line, index or field. */
async function expectClientError(res: Response) {
  expect(res.status).toBeLessThan(500);
  if (res.status >= 400) {
    const body = await res.json();
    expect(typeof body.error.code).toBe("string");
    expect(body.error.message.length).toBeGreaterThan(3);
  }
}

// Events that are partly valid, partly broken in every field.
const arbValue = fc.oneof(
  fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(""),
  fc.constantFrom(...EVENT_TYPES, ...CHANNELS, "2026-03-01T10:00:00Z", "2026-03-01T10:00:00", "1", "yes", "x".repeat(300)),
);
const arbEvent = fc.record(
  {
    event_id: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
    conversation_id: fc.oneof(fc.constantFrom("c1", "c2", "c3"), arbValue),
    type: fc.oneof(fc.constantFrom(...EVENT_TYPES), arbValue),
    at: fc.oneof(fc.constantFrom("2026-03-01T10:00:00Z", "2026-03-02T11:30:00+02:00"), arbValue),
    customer_id: arbValue, channel: arbValue, topic: arbValue, score: arbValue, seconds: arbValue,
    actor: arbValue, reason: arbValue, context_transferred: arbValue, confident: arbValue, accurate: arbValue,
  },
  { requiredKeys: [] },
);

function toCsv(events: Record<string, unknown>[]) {
  const cell = (v: unknown) => {
    if (v === undefined || v === null) return "";
    const t = String(v);
    return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return [CANONICAL_COLUMNS.join(","), ...events.map((e) => CANONICAL_COLUMNS.map((c) => cell(e[c])).join(","))].join("\n");
}

describe("fuzzing every input boundary", () => {
  it("POST /api/v1/events: JSON, NDJSON and CSV bodies of half-broken events never 5xx; valid ones stored unless atomic", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbEvent, { maxLength: 15 }), fc.constantFrom("json", "ndjson", "csv"), fc.boolean(), async (events, kind, atomic) => {
        const body = kind === "json" ? JSON.stringify(events) : kind === "ndjson" ? events.map((e) => JSON.stringify(e)).join("\n") : toCsv(events);
        const type = kind === "json" ? "application/json" : kind === "ndjson" ? "application/x-ndjson" : "text/csv";
        const before = await countRows("events");
        const res = await postEvents(new Request(`${BASE}/api/v1/events${atomic ? "?atomic=true" : ""}`, { method: "POST", body, headers: { ...auth(), "content-type": type } }));
        await expectClientError(res.clone());
        if (res.status === 200) {
          const r = await res.json();
          expect(r.accepted + r.duplicates + r.rejected.length).toBe(events.length);
          for (const x of r.rejected) {
            expect(typeof x.field).toBe("string");
            expect(kind === "json" ? typeof x.index : typeof x.line).toBe("number");
          }
          expect(await countRows("events")).toBe(before + r.accepted);
          if (atomic) expect(r.rejected).toEqual([]);
        } else if (atomic) expect(await countRows("events")).toBe(before);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("random bytes, truncated rows, unbalanced quotes, NUL bytes, huge fields and very wide rows as CSV", async () => {
    const nasty = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
      fc.string({ maxLength: 500 }).map((s) => Buffer.from(`conversation_id,type,at\n${s}`)),
      fc.constant(Buffer.from('conversation_id,type,at\nc1,"abandoned,2026-03-01T10:00:00Z\nc2,abandoned,2026-03-01T10:00:00Z\n')),
      fc.constant(Buffer.from("conversation_id,type,at\nc1,aban\u0000doned,2026-03-01T10:00:00Z\n")),
      fc.constant(Buffer.from(`conversation_id,type,at\nc1,abandoned,2026-03-01T10:00:00Z,${"x".repeat(200_000)}\n`)),
      fc.constant(Buffer.from(Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(",") + "\n1,2\n")),
      fc.constant(Buffer.from([0xff, 0xfe, 0x63, 0x00, 0x6f, 0x00])), // UTF-16 with BOM
      fc.constant(Buffer.from("conversation_id,type,at\r\nc1,abandoned,2026-03-01T10:00:00Z\r")),
    );
    await fc.assert(
      fc.asyncProperty(nasty, async (bytes) => {
        const res = await postEvents(new Request(`${BASE}/api/v1/events`, { method: "POST", body: bytes, headers: { ...auth(), "content-type": "text/csv" } }));
        await expectClientError(res);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("every query parameter of the read routes: garbage gets 400 naming the parameter, never 5xx", async () => {
    const params = ["from", "to", "channel", "population", "customer_tier", "topic", "group_by", "as_of", "recontact_hours", "verification_hours", "metric", "interval", "side", "sort", "dir", "page", "page_size", "zz"];
    const routes = [getMetrics, getTimeseries, getConversationsCsv];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...params), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("2026-03-01", "chat,email", "ai_only", "day", "48", "-1", "99999999999", "2026-02-30", "channel,population")), { maxKeys: 4 }),
        fc.constantFrom(0, 1, 2),
        async (query, which) => {
          const url = `${BASE}/api/v1/x?${new URLSearchParams(query)}`;
          const res = await routes[which](new Request(url, { headers: auth() }));
          expect(res.status).toBeLessThan(500);
          if (res.status === 400) {
            const body = await res.json();
            // the parameter named is one that was sent, or the timeseries' required `metric`
            expect([...Object.keys(query), "metric"]).toContain(body.error.parameter);
          } else if (res.body) await res.arrayBuffer();
        },
      ),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("the upload route with random files and formats answers with a result or a located error, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)), fc.array(arbEvent, { maxLength: 8 }).map((e) => Buffer.from(toCsv(e)))),
        fc.constantFrom("auto", "canonical", "ndjson", "json", "zendesk", "freshdesk", "intercom"),
        fc.constantFrom("f.csv", "f.json", "f.csv.gz"),
        async (bytes, format, name) => {
          const res = await upload(new Request(`${BASE}/api/v1/uploads?format=${format}&file_name=${name}`, { method: "POST", body: bytes, headers: admin }));
          expect(res.status).toBeLessThan(500);
          const last = JSON.parse((await res.text()).trim().split("\n").at(-1)!);
          expect(["result", "error"]).toContain(last.type);
          if (last.type === "error") expect(last.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
