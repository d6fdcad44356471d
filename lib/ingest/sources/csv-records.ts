import type { Readable } from "node:stream";
import { parse, CsvError } from "csv-parse";
import { IngestParseError, type RawRecord } from "../types";

/** One CSV record with the 1-based line it starts on (header = line 1). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * Line breaks inside a record's (quoted) cells: as csv-parse counts them in `info.lines` (every
 * CR and every LF) and as an editor counts lines (CRLF, LF or a lone CR is one break). They
 * differ for CRLF inside quotes, which csv-parse counts twice.
 */
function breaks(fields: string[]): { parser: number; real: number } {
  let parser = 0;
  let real = 0;
  for (const f of fields) {
    for (let i = 0; i < f.length; i++) {
      const ch = f.charCodeAt(i);
      if (ch === 10) {
        parser++;
        real++;
      } else if (ch === 13) {
        parser++;
        if (f.charCodeAt(i + 1) !== 10) real++;
      }
    }
  }
  return { parser, real };
}

/**
 * RFC 4180 records streamed with csv-parse: UTF-8 with or without BOM, LF or CRLF, quoted
 * newlines. A record that cannot be read (broken quoting) becomes a rejection with its line and
 * the rest goes on; a stream that fails as a whole throws IngestParseError.
 */
export async function* readCsvRecords(input: Readable): AsyncGenerator<CsvRecord | RawRecord> {
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
  // how far csv-parse's line count has run ahead of the real one (CRLF inside quotes)
  let overcount = 0;
  const skipped: RawRecord[] = [];
  parser.on("skip", (err: CsvError & { lines?: number }) => {
    skipped.push({ pos: { line: (err.lines ?? 0) - overcount }, rejection: { field: "row", reason: `unreadable CSV row: ${err.message}` } });
  });
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      while (skipped.length) yield skipped.shift()!;
      const b = breaks(record);
      const line = info.lines - b.parser - overcount;
      overcount += b.parser - b.real;
      yield { line, cells: record };
    }
  } catch (e) {
    if (e instanceof IngestParseError) throw e;
    if (e instanceof CsvError) throw new IngestParseError(`CSV could not be parsed: ${e.message}`);
    throw e;
  }
  while (skipped.length) yield skipped.shift()!;
}

export function isCsvRecord(x: CsvRecord | RawRecord): x is CsvRecord {
  return "cells" in x;
}
