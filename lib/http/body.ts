import { Readable } from "node:stream";

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the limit of ${limit} bytes`);
  }
}

/**
 * The request body as a lazy Node stream that fails with BodyTooLarge once more than `limit`
 * bytes have arrived, so an oversized upload is stopped without being read whole. Nothing is
 * read until the parser consumes it, so the error always reaches a listener.
 */
export function limitedBody(req: Request, limit: number): Readable {
  const body = req.body;
  async function* chunks() {
    if (!body) return;
    let seen = 0;
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      seen += chunk.byteLength;
      if (seen > limit) throw new BodyTooLarge(limit);
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
