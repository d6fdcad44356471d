import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

// A second instance with its own DATA_DIR, stopped with SIGTERM in the middle of an upload.
const PORT = Number(process.env.E2E_PORT || 3100) + 7;
const ROOT = path.resolve(import.meta.dirname, "../..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-shutdown-"));
fs.chmodSync(dataDir, 0o755);
const env: NodeJS.ProcessEnv = {
  ...process.env, DATA_DIR: dataDir, PORT: String(PORT), DEMO_DATA: "0", SKIP_BUILD: "1",
  ADMIN_EMAIL: "ops@example.com", ADMIN_PASSWORD: "shutdown password 1",
};
delete env.DATABASE_URL;

function start(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 120_000);
    const onData = async (c: Buffer) => {
      out += c.toString();
      if (!/serving http/.test(out)) return;
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`http://localhost:${PORT}/api/health`)).ok) {
            clearTimeout(timer);
            return resolve(child);
          }
        } catch {}
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

function cli(...args: string[]) {
  return execFileSync(process.execPath, ["--import", "tsx", "cli/index.ts", ...args], { cwd: ROOT, env, encoding: "utf8" });
}

test.afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

test("SIGTERM during an upload: the transaction rolls back, the cluster stops cleanly, the next start needs no repair", async ({ request }) => {
  test.setTimeout(300_000);
  const server = await start();
  const signin = await request.post(`http://localhost:${PORT}/api/auth/signin`, {
    data: { email: "ops@example.com", password: "shutdown password 1" }, headers: { origin: `http://localhost:${PORT}` },
  });
  expect(signin.ok()).toBe(true);
  const cookie = signin.headers()["set-cookie"].split(";")[0];

  // an upload that trickles in, so it is still running when SIGTERM arrives
  const lines = ["event_id,conversation_id,type,at", ...Array.from({ length: 2000 }, (_, i) => `sd-${i},sd-${i % 50},customer_message,2026-03-01T10:00:00Z`)];
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 20));
      if (i >= lines.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(lines.slice(i, (i += 20)).join("\n") + "\n"));
    },
  });
  const upload = fetch(`http://localhost:${PORT}/api/v1/uploads?format=canonical&file_name=slow.csv`, {
    method: "POST", body, headers: { cookie, origin: `http://localhost:${PORT}` }, duplex: "half",
  } as RequestInit).then((r) => r.text()).catch((e: Error) => `failed: ${e.message}`);

  await new Promise((r) => setTimeout(r, 700));
  const exited = new Promise<number | null>((r) => server.on("exit", (code) => r(code)));
  server.kill("SIGTERM");
  expect(await exited).toBe(0);
  await upload;
  // the cluster this instance started is stopped: no live postmaster for its data directory
  const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    expect(() => process.kill(pid, 0)).toThrow();
  }

  // the next start needs no repair, and the half-received upload left either nothing or everything
  const again = await start();
  try {
    const events = JSON.parse(cli("export-events", "--format", "ndjson").split("\n").filter(Boolean).length.toString());
    expect([0, 2000]).toContain(events);
    expect(cli("verify")).toMatch(/everything matches/);
  } finally {
    const done = new Promise((r) => again.on("exit", r));
    again.kill("SIGTERM");
    await done;
  }
});
