import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SharedRenders } from "../../lib/web/shared-render";

/**
 * SharedRenders behind a real HTTP server, with a render we hold open until the test lets it
 * finish, so the test decides which requests arrive while which render runs.
 */
interface Held {
  n: number;
  req: IncomingMessage;
  res: ServerResponse;
  finish: (how?: Outcome) => void;
}
type Outcome = { status?: number; setCookie?: boolean; throws?: boolean; viaWriteHead?: boolean; bytes?: number };

function harness(keyOf: (req: IncomingMessage) => string = () => "page") {
  const held: Held[] = [];
  let arrived = 0;
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  let n = 0;
  const shared = new SharedRenders(
    (req, res) =>
      new Promise<void>((resolve, reject) => {
        const me = ++n;
        // streamed in two writes, like Next.js's shell and its suspended parts
        held.push({
          n: me,
          req,
          res,
          finish: (how = {}) => {
            if (how.throws) return reject(new Error("render failed"));
            const headers: Record<string, string> = { "content-type": "text/html", "x-render": String(me) };
            if (how.setCookie) headers["set-cookie"] = `s=${me}`;
            if (how.viaWriteHead) res.writeHead(how.status ?? 200, headers);
            else {
              res.statusCode = how.status ?? 200;
              for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
            }
            res.write(`<p>render ${me} for ${req.url}`);
            if (how.bytes) res.write("x".repeat(how.bytes));
            setTimeout(() => {
              res.end(" done</p>");
              resolve();
            }, 5);
          },
        });
        poke();
      }),
  );
  const server = http.createServer((req, res) => {
    arrived++;
    poke();
    shared.serve(keyOf(req), req, res);
  });
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise<void>((r) => waiters.push(r));
  };
  return { shared, server, held, until, arrived: () => arrived };
}

let servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers) s.closeAllConnections(), s.close();
  servers = [];
});

async function listen(h: ReturnType<typeof harness>) {
  servers.push(h.server);
  await new Promise<void>((r) => h.server.listen(0, "127.0.0.1", r));
  const { port } = h.server.address() as AddressInfo;
  const get = async (path = "/") => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text(), headers: res.headers };
  };
  return { get, port };
}

describe("SharedRenders", () => {
  it("serves the requests that arrive during a render with the next render, once, and never with the one in flight", async () => {
    const h = harness();
    const { get } = await listen(h);
    const a = get();
    await h.until(() => h.held.length === 1);
    const others = [get(), get(), get()];
    await h.until(() => h.arrived() === 4);
    h.held[0].finish();
    expect((await a).body).toBe("<p>render 1 for / done</p>");
    // the three that arrived while render 1 ran share render 2, which starts after them
    await h.until(() => h.held.length === 2);
    h.held[1].finish();
    const answers = await Promise.all(others);
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.body).toBe("<p>render 2 for / done</p>");
      expect(r.headers.get("x-render")).toBe("2");
      expect(r.headers.get("content-type")).toBe("text/html");
    }
    // render 2's own request streamed it, the other two got copies
    expect(answers.map((r) => r.headers.get("x-shared-render")).sort()).toEqual(["1", "1", null]);
    expect((await a).headers.get("x-shared-render")).toBeNull();
    expect(h.held).toHaveLength(2);
    expect(h.shared.counts).toEqual({ renders: 2, shared: 2 });
  });

  it("copies headers a render passed to writeHead, and sets the copy's own length", async () => {
    const h = harness();
    const { get } = await listen(h);
    const a = get();
    await h.until(() => h.held.length === 1);
    const b = get();
    const c = get();
    await h.until(() => h.arrived() === 3);
    h.held[0].finish();
    await a;
    await h.until(() => h.held.length === 2);
    h.held[1].finish({ viaWriteHead: true });
    const [rb, rc] = await Promise.all([b, c]);
    for (const r of [rb, rc]) {
      expect(r.body).toBe("<p>render 2 for / done</p>");
      expect(r.headers.get("x-render")).toBe("2");
    }
    // b got render 2 as it streamed; c a copy, with its length
    expect(rb.headers.get("transfer-encoding")).toBe("chunked");
    expect(rc.headers.get("content-length")).toBe(String(Buffer.byteLength(rc.body)));
  });

  it("renders different keys separately, and at the same time", async () => {
    const h = harness((req) => req.url!);
    const { get } = await listen(h);
    const a = get("/a");
    const b = get("/b");
    await h.until(() => h.held.length === 2);
    h.held.forEach((x) => x.finish());
    expect((await a).body).toContain("for /a");
    expect((await b).body).toContain("for /b");
  });

  for (const [what, outcome] of [
    ["a redirect", { status: 303 }],
    ["a response that sets a cookie", { setCookie: true }],
  ] as const) {
    it(`never copies ${what}: each waiting request gets its own render`, async () => {
      const h = harness();
      const { get } = await listen(h);
      const a = get();
      await h.until(() => h.held.length === 1);
      h.held[0].finish();
      await a;
      const b = get();
      await h.until(() => h.held.length === 2);
      const c = get();
      const d = get();
      await h.until(() => h.arrived() === 4);
      h.held[1].finish();
      await b;
      await h.until(() => h.held.length === 3);
      h.held[2].finish(outcome);
      // c rendered for itself (render 3); d, which shared that batch, gets a render of its own
      await h.until(() => h.held.length === 4);
      h.held[3].finish(outcome);
      const [rc, rd] = await Promise.all([c, d].map((p) => p.then((r) => r.headers.get("x-render"))));
      expect(new Set([rc, rd])).toEqual(new Set(["3", "4"]));
      expect(h.shared.counts).toEqual({ renders: 4, shared: 0 });
    });
  }

  it("a render that fails answers its own request with 500 and lets the waiting ones render for themselves", async () => {
    const h = harness();
    const { get } = await listen(h);
    const a = get();
    await h.until(() => h.held.length === 1);
    h.held[0].finish({ throws: true });
    expect((await a).status).toBe(500);
    const b = get();
    await h.until(() => h.held.length === 2);
    const c = get();
    await h.until(() => h.arrived() === 3);
    h.held[1].finish({ throws: true });
    expect((await b).status).toBe(500);
    await h.until(() => h.held.length === 3);
    h.held[2].finish();
    expect((await c).body).toBe("<p>render 3 for / done</p>");
  });

  it("the others get their copy when the render ends, however slowly its own client reads", async () => {
    const h = harness();
    const { get, port } = await listen(h);
    const a = get();
    await h.until(() => h.held.length === 1);
    // while render 1 runs: first a client that reads nothing (it will lead render 2), then b
    let slow: IncomingMessage | undefined;
    const lead = http.get(`http://127.0.0.1:${port}/`, (res) => {
      slow = res;
      res.pause();
    });
    lead.on("error", () => {});
    await h.until(() => h.arrived() === 2);
    const b = get();
    await h.until(() => h.arrived() === 3);
    h.held[0].finish();
    await a;
    await h.until(() => h.held.length === 2);
    // 32 MB cannot all leave through the socket's buffers while its client reads nothing
    h.held[1].finish({ bytes: 32 * 1024 * 1024 });
    const rb = await b;
    expect(rb.headers.get("x-shared-render")).toBe("1");
    expect(rb.body.length).toBe(32 * 1024 * 1024 + "<p>render 2 for / done</p>".length);
    expect(h.held[1].res.writableFinished).toBe(false);
    slow?.destroy();
    lead.destroy();
  });

  it("a client that went away while it waited is skipped: the next one leads the render", async () => {
    const h = harness((req) => new URL(req.url!, "http://x").pathname);
    const { get, port } = await listen(h);
    const a = get("/?who=a");
    await h.until(() => h.held.length === 1);
    const gone = http.get(`http://127.0.0.1:${port}/?who=gone`, (res) => res.resume());
    gone.on("error", () => {});
    await h.until(() => h.arrived() === 2);
    const c = get("/?who=c");
    await h.until(() => h.arrived() === 3);
    gone.destroy();
    await new Promise((r) => setTimeout(r, 50)); // the server sees the connection close
    h.held[0].finish();
    await a;
    await h.until(() => h.held.length === 2);
    expect(h.held[1].req.url).toBe("/?who=c");
    h.held[1].finish();
    expect((await c).body).toBe("<p>render 2 for /?who=c done</p>");
    // and the key is not stuck: a later request gets a render of its own
    const d = get("/?who=d");
    await h.until(() => h.held.length === 3);
    h.held[2].finish();
    expect((await d).body).toBe("<p>render 3 for /?who=d done</p>");
  });

  it("when the first client goes away mid-render, the others still get a whole answer", async () => {
    const h = harness();
    const { port } = await listen(h);
    const first = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await h.until(() => h.held.length === 1);
    h.held[0].finish();
    await first;
    // render 2's own client disconnects before it ends
    const gone = http.get(`http://127.0.0.1:${port}/`, (res) => res.resume());
    gone.on("error", () => {});
    await h.until(() => h.held.length === 2);
    const waiting = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await h.until(() => h.arrived() === 3);
    gone.destroy();
    await new Promise((r) => h.held[1].res.once("close", r));
    await h.until(() => h.held.length === 3);
    h.held[2].finish();
    expect(await waiting).toBe("<p>render 3 for / done</p>");
  });
});
