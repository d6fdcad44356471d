import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { DATA, killGroup, log, ROOT, run, sleep, track } from "./util";

export const ADMIN_EMAIL = "bench-admin@example.com";
export const ADMIN_PASSWORD = "bench-password-not-secret-1";

export interface Server {
  base: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * `npm start` against the bench database, listening on 127.0.0.1 only, in its own process group
 * (so stopping it ends npm, the start script and the Next.js server together).
 */
export async function startServer(url: string, n: number, readyTimeoutMs = 20 * 60_000): Promise<Server> {
  // the checkout is shared: another `next build` may hold the build lock; wait for it (bounded)
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(url, n, readyTimeoutMs);
    } catch (e) {
      if (attempt >= 10 || !/Another next build process is already running/.test((e as Error).message)) throw e;
      log(`another next build is running; retrying in 30 s (attempt ${attempt}/10)`);
      await sleep(30_000);
    }
  }
}

async function startServerOnce(url: string, n: number, readyTimeoutMs: number): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(DATA, `server-${n}.log`);
  const out = fs.openSync(logFile, "w");
  const child = track(
    spawn("npm", ["start"], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", out, out],
      env: {
        ...process.env,
        DATABASE_URL: url,
        DEMO_DATA: "0",
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        PORT: String(port),
        HOST: "127.0.0.1",
      },
    }),
  );
  fs.closeSync(out);
  const base = `http://127.0.0.1:${port}`;
  const server: Server = { base, child, logFile, stop: () => killGroup(child) };
  log(`npm start on ${base} (log: ${path.relative(process.cwd(), logFile)}; builds Next.js first when sources changed)…`);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`);
    try {
      const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(3000) });
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`server not healthy within ${readyTimeoutMs / 1000} s`);
    }
    await sleep(500);
  }
  log("server healthy");
  return server;
}

/**
 * `next build`, before the bench writes its data, so `npm start` finds the build current. (At
 * 10 M conversations the build once read bench/data and was killed for memory: Tailwind's
 * source detection, now limited in app/globals.css, and Turbopack following the embedded
 * cluster's paths, now marked turbopackIgnore in lib/db/embedded.ts; docs/scaling.md.)
 */
export async function buildApp(): Promise<void> {
  log("next build (before the data is written)…");
  const r = await run(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    timeoutMs: 1_200_000,
  });
  if (r.code !== 0) throw new Error(`next build failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
}

/** A read-scoped API key through the CLI (printed alone on the last stdout line). */
export async function createReadKey(url: string): Promise<string> {
  const r = await run("npm", ["run", "-s", "cli", "--", "api-key", "create", "--name", `bench-${Date.now()}`, "--scopes", "read"], {
    env: { ...process.env, DATABASE_URL: url },
    timeoutMs: 120_000,
  });
  if (r.code !== 0) throw new Error(`api-key create failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").pop()!.trim();
}

/** Sign in as the bench admin; returns the Cookie header value. */
export async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/signin`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (!cookies.length) throw new Error("sign-in returned no cookie");
  return cookies.join("; ");
}
