import { Readable } from "node:stream";

/**
 * Look at the start of a byte stream without consuming it: `head` is at least `bytes` long
 * (or the whole input), `stream` replays everything from the first byte (after a UTF-8 BOM,
 * when `stripBom`).
 */
export async function peekStream(input: Readable, bytes = 4096, stripBom = false): Promise<{ head: string; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const buffered: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = typeof r.value === "string" ? Buffer.from(r.value, "utf8") : Buffer.from(r.value);
    buffered.push(chunk);
    size += chunk.length;
  }
  let first = Buffer.concat(buffered);
  if (stripBom && first[0] === 0xef && first[1] === 0xbb && first[2] === 0xbf) first = first.subarray(3);
  const head = first.toString("utf8");
  async function* replay() {
    if (first.length) yield first;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === "string" ? Buffer.from(r.value, "utf8") : Buffer.from(r.value);
    }
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}
