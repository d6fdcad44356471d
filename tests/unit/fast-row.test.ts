import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { demoEventsToCsv } from "../../lib/demo/generate";
import { isRejection, validateEvent } from "../../lib/events/schema";
import { CANONICAL_COLUMNS } from "../../lib/events/vocabulary";
import { rowValue } from "../../lib/ingest/sources/csv";
import { compileFastRow } from "../../lib/ingest/sources/fast-row";
import { stagingLine } from "../../lib/ingest/staging";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);

/** The general path: CSV cells → JSON types → zod → the staging line, or the rejection. */
function general(header: readonly string[], cells: string[]): string | { rejected: string } {
  const e = validateEvent(rowValue(header, cells));
  return isRejection(e) ? { rejected: `${e.field}: ${e.reason}` } : stagingLine(e);
}

// Values near every rule's edge: plain ones the fast path should take, and lookalikes it must not.
const text = fc.oneof(
  fc.constantFrom("", "a", "demo-1-0", "order_status", "vip", "true", "1", "'=1", "'x", " padded ", "tab\there", "line\nbreak", "back\\slash", "nul\u0000", "é€😀"),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: 48, max: 52 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 198, max: 202 }).map((n) => "y".repeat(n)),
);
const enums = fc.constantFrom("chat", "email", "in_app", "Chat", "ai", "human", "customer_request", "low_confidence", "other",
  "accepted", "edited", "rejected", "factual_error", "tone", "scope", "nope");
const bools = fc.constantFrom("true", "false", "TRUE", "1", "0", "yes", "no", " true", "maybe");
const numbers = fc.constantFrom("1", "3", "5", "0", "6", "4.0", "2.5", " 3", "1e0", "0x2", "12.5", "0", "0.000001", "-1", "1e309",
  "999999999999.999999", "Infinity", "NaN", "007", "3.14159265");
const types = fc.constantFrom("conversation_started", "customer_message", "ai_message", "human_message", "escalated", "resolved",
  "reopened", "abandoned", "csat_survey_sent", "csat_response", "work_logged", "ai_draft", "qa_review", "human_override", "teleported", "");
const instants = fc.oneof(
  fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom("2026-02-29T00:00:00.000Z", "2028-02-29T10:00:00.000Z", "2026-13-01T00:00:00.000Z", "2026-01-01T24:00:00.000Z",
    "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000+00:00", "2026-01-01T00:00:00.000z", "2026-01-01 00:00:00.000Z",
    "2026-01-01T00:00:60.000Z", "2026-01-01T00:00:00.0000Z", "0099-06-01T00:00:00.000Z", ""),
);

const columnValue = (column: string) => {
  switch (column) {
    case "type": return types;
    case "at": return instants;
    case "channel": case "reason": case "by": case "actor": case "outcome": case "cause": return fc.oneof(enums, text);
    case "confident": case "context_transferred": case "accurate": case "policy_compliant": case "safety_incident": return fc.oneof(bools, text);
    case "score": case "seconds": return fc.oneof(numbers, text);
    default: return text;
  }
};

const rows = fc
  .shuffledSubarray([...CANONICAL_COLUMNS], { minLength: 3 })
  .map((cols) => [...new Set(["conversation_id", "type", "at", ...cols])])
  .chain((header) => fc.tuple(fc.constant(header), fc.tuple(...header.map(columnValue))));

describe("canonical CSV fast path", () => {
  it("gives exactly the general path's staging line for every row it takes, and takes nothing the general path rejects", () => {
    let taken = 0;
    fc.assert(
      fc.property(rows, ([header, cells]) => {
        const fast = compileFastRow(header)(cells);
        const slow = general(header, cells);
        if (fast !== null) {
          taken++;
          expect(slow).toEqual(fast);
        }
      }),
      { numRuns: RUNS },
    );
    // the property is only worth something if the fast path really takes rows
    expect(taken).toBeGreaterThan(RUNS / 50);
  });

  it("takes every row of the demo data (the bench's file), with or without event_id", () => {
    const csv = [...demoEventsToCsv({ conversations: 300, seed: 7, days: 30, now: new Date("2026-10-01T00:00:00Z") })].join("");
    const [header, ...records] = parse(csv) as string[][];
    expect(records.length).toBeGreaterThan(1000);
    const withId = compileFastRow(header);
    const noIdHeader = header.filter((h) => h !== "event_id");
    const withoutId = compileFastRow(noIdHeader);
    for (const cells of records) {
      const fast = withId(cells);
      expect(fast).not.toBeNull();
      expect(fast).toBe(general(header, cells));
      const trimmed = cells.filter((_, i) => header[i] !== "event_id");
      expect(withoutId(trimmed)).toBe(general(noIdHeader, trimmed));
    }
  });
});

describe("timestamps", () => {
  it("reads years 0–99 as written, not as 1900–1999, and still refuses days that do not exist", async () => {
    const { parseTimestamp } = await import("../../lib/events/timestamp");
    expect((parseTimestamp("0099-06-01T00:00:00Z") as Date).toISOString()).toBe("0099-06-01T00:00:00.000Z");
    expect((parseTimestamp("2028-02-29T10:00:00+02:00") as Date).toISOString()).toBe("2028-02-29T08:00:00.000Z");
    expect(parseTimestamp("2026-02-29T10:00:00Z")).toBe("timestamp out of range (no such day)");
  });
});
