import type { Readable } from "node:stream";
import { parse, CsvError } from "csv-parse";
import { CANONICAL_COLUMNS } from "../../events/vocabulary";
import { IngestParseError, type RawRecord } from "../types";

const KNOWN = new Set<string>(CANONICAL_COLUMNS);
const REQUIRED = ["conversation_id", "type", "at"];
const BOOLEAN_COLUMNS = new Set(["confident", "context_transferred", "accurate", "policy_compliant", "safety_incident"]);
const NUMBER_COLUMNS = new Set(["score", "seconds"]);
const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

/** CSV cells are strings; give the validator JSON types, leaving unreadable cells as strings so it names them. */
function cell(column: string, text: string): unknown {
  if (text === "") return undefined;
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

function countNewlines(fields: string[]) {
  let n = 0;
  for (const f of fields) for (let i = f.indexOf("\n"); i !== -1; i = f.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Canonical CSV (events.md): header row with columns in any order, unknown columns rejected by
 * name; UTF-8 with or without BOM, LF or CRLF, RFC 4180 quoting. A row that cannot be read
 * (wrong number of cells, broken quoting) is rejected with its line; the rest goes on.
 */
export async function* readCanonicalCsv(input: Readable): AsyncGenerator<RawRecord> {
  const parser = input.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      max_record_size: 1_000_000,
    }),
  );
  input.on("error", (e) => parser.destroy(e));
  const skipped: RawRecord[] = [];
  parser.on("skip", (err: CsvError & { lines?: number }) => {
    skipped.push({ pos: { line: err.lines ?? 0 }, rejection: { field: "row", reason: `unreadable CSV row: ${err.message}` } });
  });

  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      while (skipped.length) yield skipped.shift()!;
      const line = info.lines - countNewlines(record);
      if (!header) {
        header = record.map((h) => h.trim());
        const unknown = header.filter((h) => !KNOWN.has(h));
        if (unknown.length) throw new IngestParseError(`unknown CSV column(s): ${unknown.join(", ")}`, { line });
        const dup = header.find((h, i) => header!.indexOf(h) !== i);
        if (dup) throw new IngestParseError(`CSV column "${dup}" appears twice`, { line });
        const missing = REQUIRED.filter((r) => !header!.includes(r));
        if (missing.length) throw new IngestParseError(`CSV header lacks required column(s): ${missing.join(", ")}`, { line });
        continue;
      }
      if (record.length !== header.length) {
        yield { pos: { line }, rejection: { field: "row", reason: `expected ${header.length} cells, found ${record.length}` } };
        continue;
      }
      const value: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) {
        const v = cell(header[i], record[i]);
        if (v !== undefined) value[header[i]] = v;
      }
      yield { pos: { line }, value };
    }
  } catch (e) {
    if (e instanceof IngestParseError) throw e;
    if (e instanceof CsvError) throw new IngestParseError(`CSV could not be parsed: ${e.message}`);
    throw e;
  }
  while (skipped.length) yield skipped.shift()!;
  if (!header) throw new IngestParseError("CSV is empty: expected a header row");
}
