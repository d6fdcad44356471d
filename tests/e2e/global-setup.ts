import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// one state file per port, so two suites on one machine (different E2E_PORT) do not collide
export const STATE_FILE = path.join(os.tmpdir(), `hsd-e2e-state-${process.env.E2E_PORT || 3100}.json`);

/**
 * Start the product as a newcomer would (`npm start`, fresh DATA_DIR, demo data on) and capture
 * the one-time setup link it prints.
 */
export default async function globalSetup() {
  const port = Number(process.env.E2E_PORT || 3100);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-e2e-"));
  fs.chmodSync(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), DEMO_DATA: "1" };
  delete env.DATABASE_URL;
  delete env.ADMIN_EMAIL;
  delete env.ADMIN_PASSWORD;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: false,
  });
  let output = "";
  const setupUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), 540_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
      const m = /(http:\/\/localhost:\d+\/setup\?token=[\w-]+)/.exec(output);
      if (m && /serving http/.test(output)) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  // wait until Next.js answers
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`http://localhost:${port}/api/health`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error("server did not answer /api/health");
    await new Promise((r) => setTimeout(r, 250));
  }
  fs.writeFileSync(STATE_FILE, JSON.stringify({ pid: child.pid, setupUrl, dataDir }));
  child.stdout.removeAllListeners("data");
  child.stderr.removeAllListeners("data");
  child.stdout.resume();
  child.stderr.resume();
  child.unref();
}
