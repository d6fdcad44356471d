import { execFileSync } from "node:child_process";
import http from "node:http";
import { expect, test } from "@playwright/test";
import { alive, secondInstance } from "./second-instance";

// npm start with WEB_WORKERS=2: two web server processes (scripts/web-server.ts) behind one port (node:cluster), one
// shared state in PostgreSQL, and a worker that dies stops the whole start like the single
// server's exit did, cluster included.
const instance = secondInstance("workers", 8, { WEB_WORKERS: "2" });

test.afterAll(() => instance.remove());

function statusOnNewConnection(url: string, cookie: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false, headers: { cookie } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    }).on("error", reject);
  });
}

/** The web server processes the start process forked. */
function workersOf(pid: number): number[] {
  const out = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" });
  return out.split("\n").filter((l) => /scripts\/web-server\.ts/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

test("WEB_WORKERS=2 serves from two processes on one port; a worker that dies stops the start and its cluster", async ({ request }) => {
  test.setTimeout(300_000);
  const server = await instance.start();
  const base = `http://localhost:${instance.port}`;
  expect(server.output()).toContain("(2 web server processes)");
  const workers = workersOf(server.pid!);
  expect(workers).toHaveLength(2);

  // a session made through one process is honoured by whichever answers next (sessions live in PostgreSQL)
  const signin = await request.post(`${base}/api/auth/signin`, {
    data: { email: "ops@example.com", password: "shutdown password 1" }, headers: { origin: base },
  });
  expect(signin.ok()).toBe(true);
  const cookie = signin.headers()["set-cookie"].split(";")[0];
  // a new connection each time (no keep-alive agent), so node:cluster hands them to the workers in turn
  for (let i = 0; i < 8; i++) expect(await statusOnNewConnection(`${base}/api/v1/metrics`, cookie)).toBe(200);

  const exited = new Promise<number | null>((r) => server.on("exit", (code) => r(code)));
  const killedAt = Date.now();
  process.kill(workers[0], "SIGKILL");
  expect(await exited).not.toBe(0);
  // without waiting for the dead worker to exit a second time (the shutdown's 10 s limit)
  expect(Date.now() - killedAt).toBeLessThan(8_000);
  expect(server.output()).toMatch(/web server exited/);
  expect(workers.filter(alive)).toEqual([]);
  expect(instance.clusterStopped()).toBe(true);
});
