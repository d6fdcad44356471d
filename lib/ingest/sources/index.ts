import type { Readable } from "node:stream";
import type { IngestFormat, RawRecord } from "../types";
import { readCanonicalCsv } from "./csv";
import { readJsonArray } from "./json-array";
import { readNdjson } from "./ndjson";

export function readSource(format: IngestFormat, input: Readable): AsyncGenerator<RawRecord> {
  switch (format) {
    case "canonical":
      return readCanonicalCsv(input);
    case "ndjson":
      return readNdjson(input);
    case "json":
      return readJsonArray(input);
  }
}
