import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the limit of ${limit} bytes`);
  }
}

/**
 * The request body as a Node stream that fails with BodyTooLarge once more than `limit` bytes
 * have arrived, so an oversized upload is stopped without being read whole.
 */
export function limitedBody(req: Request, limit: number): Readable {
  if (!req.body) return Readable.from([]);
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > limit) cb(new BodyTooLarge(limit));
      else cb(null, chunk);
    },
  });
  const source = Readable.fromWeb(req.body as unknown as NodeWebReadableStream);
  source.on("error", (e) => guard.destroy(e));
  return source.pipe(guard);
}
