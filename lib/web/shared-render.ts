import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/**
 * One render of a page for every viewer who asked the same question at the same moment.
 *
 * A server-rendered dashboard page costs ~15 ms of CPU however well its data is cached, so one
 * process serves 60–95 views a second and 50 viewers who reload together queue behind each other
 * (docs/dashboard.md); a metrics API read is cheaper but the same holds. Requests with the same
 * key (lib/web/shared-requests.ts: the same page and filters for the same role, or the same
 * metrics query, in the same encoding) are served in batches: while a render runs, new requests wait, and
 * when it ends the next render starts for all of them at once; its first request streams it as
 * usual, the others get a copy of the finished response.
 *
 * Every answer comes from a render that started after its request arrived, so nothing is ever
 * older than the request: a viewer who has just saved a target or finished an upload sees it,
 * exactly as without sharing. Only a complete `200` without `Set-Cookie` is copied; anything else
 * (a redirect, an error, a client that went away mid-render) and the waiting requests are
 * rendered one by one, as if nothing had been shared.
 */
export type Render = (req: IncomingMessage, res: ServerResponse) => unknown;

interface Waiting {
  req: IncomingMessage;
  res: ServerResponse;
}

/** A copy of a finished `200` response (nothing else is ever copied). */
interface Finished {
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** Response headers that describe one connection's transfer, not the page: never copied. */
const PER_TRANSFER = new Set(["set-cookie", "content-length", "transfer-encoding", "connection", "keep-alive"]);

export class SharedRenders {
  private readonly queues = new Map<string, { running: boolean; waiting: Waiting[] }>();
  /** renders started, and responses served as copies of another request's render (tests read them) */
  readonly counts = { renders: 0, shared: 0 };

  constructor(private readonly render: Render) {}

  serve(key: string, req: IncomingMessage, res: ServerResponse): void {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { running: false, waiting: [] }));
    queue.waiting.push({ req, res });
    if (!queue.running) void this.runBatch(key, queue);
  }

  private async runBatch(key: string, queue: { running: boolean; waiting: Waiting[] }): Promise<void> {
    queue.running = true;
    try {
      // a client that went away while it waited gets nothing, and above all does not lead: its
      // response has already closed, so a render for it would never be seen to end
      const [first, ...rest] = queue.waiting.splice(0).filter((w) => !w.res.destroyed);
      if (!first) return;
      this.counts.renders++;
      const finished = await this.capture(first);
      for (const w of rest) {
        if (finished) {
          this.counts.shared++;
          send(w.res, finished);
        } else {
          this.counts.renders++;
          void Promise.resolve().then(() => this.render(w.req, w.res)).catch((e) => answerFailure(w.res, e));
        }
      }
    } finally {
      queue.running = false;
      if (queue.waiting.length) void this.runBatch(key, queue);
      else this.queues.delete(key);
    }
  }

  /** Renders for `w`, streaming to it, and returns a copy of the response when it may be shared. */
  private capture({ req, res }: Waiting): Promise<Finished | null> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let headArgs: OutgoingHttpHeaders = {};
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
      const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
      const keep = (chunk: unknown, encoding: unknown) => {
        if (chunk == null || typeof chunk === "function") return;
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array));
      };
      res.writeHead = ((...a: unknown[]) => {
        const headers = a.find((x, i) => i > 0 && x && typeof x === "object");
        if (headers && !Array.isArray(headers)) headArgs = { ...headArgs, ...(headers as OutgoingHttpHeaders) };
        return writeHead(...a);
      }) as ServerResponse["writeHead"];
      res.write = ((chunk: unknown, ...a: unknown[]) => {
        keep(chunk, a[0]);
        return write(chunk, ...a);
      }) as ServerResponse["write"];
      // the copy is ready when the render has written its last byte, not when the first client
      // has read it: the others never wait for a slow connection
      res.end = ((chunk?: unknown, ...a: unknown[]) => {
        keep(chunk, a[0]);
        const returned = end(chunk, ...a);
        const headers = { ...lowerCased(headArgs), ...res.getHeaders() };
        const shareable = res.statusCode === 200 && headers["set-cookie"] === undefined;
        resolve(shareable ? { headers, body: Buffer.concat(chunks) } : null);
        return returned;
      }) as ServerResponse["end"];
      // closed before the render ended: the client went away and the render may have stopped
      res.once("close", () => resolve(null));
      Promise.resolve()
        .then(() => this.render(req, res))
        .then(() => {
          // the handler gave up on a connection that closed under it
          if (res.destroyed && !res.writableEnded) resolve(null);
        })
        .catch((e) => {
          answerFailure(res, e);
          resolve(null);
        });
    });
  }
}

function lowerCased(h: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function send(res: ServerResponse, f: Finished): void {
  if (res.destroyed || res.headersSent) return;
  try {
    copyTo(res, f);
  } catch (e) {
    answerFailure(res, e);
  }
}

function copyTo(res: ServerResponse, f: Finished): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(f.headers)) if (v !== undefined && !PER_TRANSFER.has(k)) headers[k] = v;
  headers["content-length"] = f.body.length;
  // like a proxy cache's X-Cache: says this answer is a copy of another request's render
  headers["x-shared-render"] = "1";
  res.writeHead(200, headers);
  res.end(f.body);
}

/** Logs `e` and answers 500 when the response can still say so. */
export function answerFailure(res: ServerResponse, e: unknown): void {
  process.stderr.write(`[web] ${(e as Error)?.stack ?? String(e)}\n`);
  if (res.destroyed) return;
  if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
  res.end("Internal Server Error");
}
