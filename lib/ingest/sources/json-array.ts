import type { Readable } from "node:stream";
import { streamArray } from "stream-json/streamers/stream-array.js";
import { IngestParseError, type RawRecord } from "../types";

/** A JSON array of events, streamed element by element so a large file never sits in memory. */
export async function* readJsonArray(input: Readable): AsyncGenerator<RawRecord> {
  const stream = streamArray.withParserAsStream();
  let inputError: Error | undefined;
  input.on("error", (e) => {
    inputError = e;
    stream.destroy(e);
  });
  input.pipe(stream);
  try {
    for await (const item of stream as AsyncIterable<{ key: number; value: unknown }>) {
      yield { pos: { index: item.key }, value: item.value };
    }
  } catch (e) {
    if (inputError) throw inputError; // e.g. the body exceeded the size limit
    throw new IngestParseError(`body is not a valid JSON array: ${(e as Error).message}`);
  }
}
