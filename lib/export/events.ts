import { pool } from "../db/pool";
import { csvRow } from "../csv/write";
import { CANONICAL_COLUMNS, EVENT_FIELDS } from "../events/vocabulary";

type Row = Record<string, unknown> & { id: string; at: Date };

/**
 * Every stored event in arrival order (events.id), in keyset batches so memory stays flat.
 * An event stored without an event_id is exported without one: re-importing derives the same
 * key, and tie-breaks that rank missing ids lowest stay the same.
 */
export async function* storedEvents(batch = 5000): AsyncGenerator<Row> {
  let after = "0";
  for (;;) {
    const { rows } = await pool().query<Row>(
      `SELECT id::text AS id, event_id, conversation_id, type, at, ${EVENT_FIELDS.join(", ")}
       FROM events WHERE id > $1::bigint ORDER BY id LIMIT $2`,
      [after, batch],
    );
    for (const r of rows) yield r;
    if (rows.length < batch) return;
    after = rows[rows.length - 1].id;
  }
}

function canonicalObject(r: Row): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of CANONICAL_COLUMNS) {
    const v = c === "at" ? r.at.toISOString() : r[c];
    if (v !== null && v !== undefined) o[c] = v;
  }
  return o;
}

/**
 * Canonical CSV (events.md) of every stored event. Text cells that a spreadsheet would run as a
 * formula get a leading ' (csvRow); the canonical CSV reader removes exactly that prefix again,
 * so the file is both safe to open and an exact re-import.
 */
export async function* exportEventsCsv(): AsyncGenerator<string> {
  yield CANONICAL_COLUMNS.join(",") + "\r\n";
  for await (const r of storedEvents()) {
    const o = canonicalObject(r);
    yield csvRow(CANONICAL_COLUMNS.map((c) => o[c]));
  }
}

/** NDJSON of every stored event, one canonical JSON object per line. */
export async function* exportEventsNdjson(): AsyncGenerator<string> {
  for await (const r of storedEvents()) yield JSON.stringify(canonicalObject(r)) + "\n";
}
