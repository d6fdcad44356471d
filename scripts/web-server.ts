/**
 * The web server `npm start` runs (once, or once per WEB_WORKERS process): Next.js's request
 * handler behind a plain Node HTTP server, so that viewers loading the same dashboard page, or
 * callers reading the same metrics, at the same moment share one render
 * (lib/web/shared-render.ts, lib/web/shared-requests.ts). Everything else goes straight to
 * Next.js, as under `next start`.
 *
 *   node --import tsx scripts/web-server.ts <port> <host>
 */
import http from "node:http";
import path from "node:path";
import next from "next";
import { config } from "../lib/config";
import { answerFailure, SharedRenders } from "../lib/web/shared-render";
import { sharedRequestKey } from "../lib/web/shared-requests";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.argv[2] ?? config.port);
const hostname = process.argv[3] || "0.0.0.0";

async function main() {
  const app = next({ dev: false, dir: root, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const shared = new SharedRenders((req, res) => handle(req, res));
  const sharing = config.sharedRenders;

  const server = http.createServer((req, res) => {
    const route = async () => {
      const key = sharing ? await sharedRequestKey(req) : null;
      if (key) shared.serve(key, req, res);
      else await handle(req, res);
    };
    route().catch((e) => answerFailure(res, e));
  });
  server.listen(port, hostname, () => {
    process.stdout.write(`[web] ready on http://${hostname}:${port}${sharing ? "" : " (SHARED_RENDERS=0)"}\n`);
  });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  process.stderr.write(`[web] ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
