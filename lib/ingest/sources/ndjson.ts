import type { Readable } from "node:stream";
import { createInterface } from "node:readline";
import type { RawRecord } from "../types";

/** NDJSON: one JSON object per line; blank lines are skipped but still counted. */
export async function* readNdjson(input: Readable): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (let text of lines) {
    line++;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { pos: { line }, rejection: { field: "line", reason: `invalid JSON: ${(e as Error).message}` } };
      continue;
    }
    yield { pos: { line }, value };
  }
}
