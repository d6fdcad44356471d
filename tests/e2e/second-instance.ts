import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * Another `npm start` beside the one global-setup runs: its own DATA_DIR (so its own embedded
 * cluster), port E2E_PORT + `portOffset`, no demo data, one admin, the existing build.
 */
export function secondInstance(name: string, portOffset: number, extraEnv: Record<string, string> = {}) {
  const port = Number(process.env.E2E_PORT || 3100) + portOffset;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hsd-${name}-`));
  fs.chmodSync(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATA_DIR: dataDir, PORT: String(port), DEMO_DATA: "0", SKIP_BUILD: "1",
    ADMIN_EMAIL: "ops@example.com", ADMIN_PASSWORD: "shutdown password 1", ...extraEnv,
  };
  delete env.DATABASE_URL;

  /** Starts it and resolves once /api/health answers; `output()` is everything it printed. */
  function start(): Promise<ChildProcess & { output(): string }> {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start:\n${out}`)), 120_000);
      const onData = async (c: Buffer) => {
        out += c.toString();
        if (!/serving http/.test(out)) return;
        for (let i = 0; i < 200; i++) {
          try {
            if ((await fetch(`http://localhost:${port}/api/health`)).ok) {
              clearTimeout(timer);
              return resolve(Object.assign(child, { output: () => out }));
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

  /** No live postmaster for this instance's data directory. */
  function clusterStopped(): boolean {
    const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
    if (!fs.existsSync(pidFile)) return true;
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    return !alive(pid);
  }

  return { port, dataDir, env, start, cli, clusterStopped, remove: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
