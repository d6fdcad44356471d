import fs from "node:fs";
import { STATE_FILE } from "./global-setup";

/** SIGTERM the server like an operator would; it stops its embedded cluster itself. */
export default async function globalTeardown() {
  if (!fs.existsSync(STATE_FILE)) return;
  const { pid, dataDir } = JSON.parse(fs.readFileSync(STATE_FILE, "utf8"));
  try {
    process.kill(pid, "SIGTERM");
  } catch {}
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 200));
    } catch {
      break;
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(STATE_FILE, { force: true });
}
