import type { Readable } from "node:stream";
import { CANONICAL_COLUMNS } from "../../events/vocabulary";
import { IngestParseError, type RawRecord, type StagedRecord } from "../types";
import { isCsvRecord, readCsvRecords } from "./csv-records";
import { compileFastRow } from "./fast-row";

const KNOWN = new Set<string>(CANONICAL_COLUMNS);
const REQUIRED = ["conversation_id", "type", "at"];
const BOOLEAN_COLUMNS = new Set(["confident", "context_transferred", "accurate", "policy_compliant", "safety_incident"]);
const NUMBER_COLUMNS = new Set(["score", "seconds"]);
const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);
const FORMULA_START = /^[=+\-@\t\r]/;

/** CSV cells are strings; give the validator JSON types, leaving unreadable cells as strings so it names them. */
function cell(column: string, raw: string): unknown {
  if (raw === "") return undefined;
  // undo the formula-injection guard of our own exports: '=… '+… '-… '@… → =… +… -… @…
  const text = raw.length > 1 && raw[0] === "'" && FORMULA_START.test(raw.slice(1)) ? raw.slice(1) : raw;
  if (BOOLEAN_COLUMNS.has(column)) {
    const t = text.trim().toLowerCase();
    if (TRUE.has(t)) return true;
    if (FALSE.has(t)) return false;
    return text;
  }
  if (NUMBER_COLUMNS.has(column)) {
    const t = text.trim();
    const n = Number(t);
    return t !== "" && Number.isFinite(n) ? n : text;
  }
  return text;
}

/** One row as the JSON object the validator reads: typed cells, empty cells absent. */
export function rowValue(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (let i = 0; i < header.length; i++) {
    const v = cell(header[i], cells[i]);
    if (v !== undefined) value[header[i]] = v;
  }
  return value;
}

/**
 * Canonical CSV (events.md): header row with columns in any order, unknown columns rejected by
 * name; UTF-8 with or without BOM, LF or CRLF, RFC 4180 quoting. A row that cannot be read
 * (wrong number of cells, broken quoting) is rejected with its line; the rest goes on.
 */
export function readCanonicalCsv(input: Readable): AsyncGenerator<RawRecord>;
/** With `fast`, plain rows come out as staging lines (the ingest path; preview wants events). */
export function readCanonicalCsv(input: Readable, opts: { fast: true }): AsyncGenerator<RawRecord | StagedRecord>;
export function readCanonicalCsv(input: Readable, opts?: { fast: true }): AsyncGenerator<RawRecord | StagedRecord> {
  return read(input, opts?.fast ?? false);
}

async function* read(input: Readable, useFastPath: boolean): AsyncGenerator<RawRecord | StagedRecord> {
  let header: string[] | null = null;
  let fast: ((cells: string[]) => string | null) | null = null;
  for await (const item of readCsvRecords(input)) {
    if (!isCsvRecord(item)) {
      yield item;
      continue;
    }
    const { line, cells: record } = item;
    if (!header) {
      header = record.map((h) => h.trim());
      const unknown = header.filter((h) => !KNOWN.has(h));
      if (unknown.length) throw new IngestParseError(`unknown CSV column(s): ${unknown.join(", ")}`, { line });
      const dup = header.find((h, i) => header!.indexOf(h) !== i);
      if (dup) throw new IngestParseError(`CSV column "${dup}" appears twice`, { line });
      const missing = REQUIRED.filter((r) => !header!.includes(r));
      if (missing.length) throw new IngestParseError(`CSV header lacks required column(s): ${missing.join(", ")}`, { line });
      if (useFastPath) fast = compileFastRow(header);
      continue;
    }
    if (record.length !== header.length) {
      yield { pos: { line }, rejection: { field: "row", reason: `expected ${header.length} cells, found ${record.length}` } };
      continue;
    }
    const staged = fast ? fast(record) : null;
    if (staged !== null) {
      yield { pos: { line }, staged };
      continue;
    }
    yield { pos: { line }, value: rowValue(header, record) };
  }
  if (!header) throw new IngestParseError("CSV is empty: expected a header row");
}
