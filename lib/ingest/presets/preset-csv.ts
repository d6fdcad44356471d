/**
 * The CSV side of the ticket-export presets: a header-aware row reader whose cells are looked up
 * by column name.
 */
import type { Readable } from "node:stream";
import { IngestParseError, type RawRecord } from "../types";
import { isCsvRecord, readCsvRecords } from "../sources/csv-records";

/** One data row of a preset CSV, with cells looked up by column name (case-insensitive). */
export class CsvRow {
  constructor(
    readonly line: number,
    private readonly cells: string[],
    private readonly columns: Map<string, number>,
    private readonly names: string[],
  ) {}

  /** The trimmed cell of `column`, or undefined when the column is absent or the cell empty. */
  get(column: string): string | undefined {
    const i = this.columns.get(column.toLowerCase());
    if (i === undefined) return undefined;
    const v = (this.cells[i] ?? "").trim();
    return v === "" ? undefined : v;
  }

  /** The column's name as the file's header spells it (for rejections). */
  name(column: string): string {
    const i = this.columns.get(column.toLowerCase());
    return i === undefined ? column : this.names[i];
  }

  has(column: string): boolean {
    return this.columns.has(column.toLowerCase());
  }
}

export interface CsvHeaderRules {
  preset: string;
  /** every one of these must be in the header */
  required: string[];
  /** at least one column of each group must be in the header */
  oneOf?: string[][];
}

/**
 * A helpdesk CSV export: header row (names matched case-insensitively, unknown columns ignored,
 * the first of duplicated names wins), UTF-8 with or without BOM, LF or CRLF, RFC 4180 quoting
 * with newlines inside quotes. A row that cannot be read is one rejection with its line.
 */
export async function* readPresetCsv(input: Readable, rules: CsvHeaderRules): AsyncGenerator<CsvRow | RawRecord> {
  let columns: Map<string, number> | null = null;
  let names: string[] = [];
  for await (const item of readCsvRecords(input)) {
    if (!isCsvRecord(item)) {
      yield item;
      continue;
    }
    const { line, cells: record } = item;
    if (!columns) {
      names = record.map((h) => h.trim());
      columns = new Map();
      names.forEach((n, i) => {
        if (!columns!.has(n.toLowerCase())) columns!.set(n.toLowerCase(), i);
      });
      const missing = rules.required.filter((r) => !columns!.has(r.toLowerCase()));
      if (missing.length) {
        throw new IngestParseError(`${rules.preset} export lacks required column(s): ${missing.join(", ")}`, { line });
      }
      for (const group of rules.oneOf ?? []) {
        if (!group.some((g) => columns!.has(g.toLowerCase()))) {
          throw new IngestParseError(`${rules.preset} export needs one of the columns: ${group.join(", ")}`, { line });
        }
      }
      continue;
    }
    if (record.length > names.length && record.slice(names.length).some((c) => c.trim() !== "")) {
      yield { pos: { line }, rejection: { field: "row", reason: `expected ${names.length} cells, found ${record.length}` } };
      continue;
    }
    yield new CsvRow(line, record, columns, names);
  }
  if (!columns) throw new IngestParseError(`${rules.preset} export is empty: expected a header row`);
}
