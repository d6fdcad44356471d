import type { Readable } from "node:stream";
import { PRESETS } from "../presets";
import type { IngestFormat, RawRecord } from "../types";
import { readCanonicalCsv } from "./csv";
import { readJsonArray } from "./json-array";
import { readNdjson } from "./ndjson";

export interface SourceOptions {
  /** preset mapping (validated by the preset's zod schema) */
  mapping?: unknown;
  /** Intercom only: NDJSON or JSON; detected when absent */
  presetFormat?: "ndjson" | "json";
}

export function readSource(format: IngestFormat, input: Readable, opts: SourceOptions = {}): AsyncGenerator<RawRecord> {
  switch (format) {
    case "canonical":
      return readCanonicalCsv(input);
    case "ndjson":
      return readNdjson(input);
    case "json":
      return readJsonArray(input);
    case "zendesk":
    case "freshdesk":
    case "intercom":
      return PRESETS[format].read(input, opts.mapping as never, { format: opts.presetFormat });
  }
}
