import fs from "node:fs";
import path from "node:path";
import { once } from "node:events";
import { demoEventsToCsv } from "../../lib/demo/generate";
import { DATA, log } from "./util";

/** Fixed, so the same N always yields the same file and the same query ranges. */
export const BENCH_NOW = new Date("2026-10-01T00:00:00.000Z");
export const BENCH_DAYS = 120;

export interface CsvFile {
  path: string;
  events: number;
  bytes: number;
}

function countLines(file: string): number {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (!n) break;
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

/**
 * The canonical CSV of `conversations` demo conversations (seed, fixed now), written once and
 * reused. Written to a .tmp file and renamed, so an interrupted generation is never reused.
 */
export async function ensureCsv(
  name: string,
  conversations: number,
  seed: number,
  { days = BENCH_DAYS, now = BENCH_NOW }: { days?: number; now?: Date } = {},
): Promise<CsvFile> {
  fs.mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `${name}.csv`);
  if (!fs.existsSync(file)) {
    log(`generating ${path.relative(process.cwd(), file)} (${conversations} conversations over ${days} days, seed ${seed})…`);
    const t0 = performance.now();
    const tmp = `${file}.tmp`;
    const out = fs.createWriteStream(tmp);
    let buf = "";
    for (const line of demoEventsToCsv({ conversations, seed, days, now })) {
      buf += line;
      if (buf.length > 1 << 20) {
        if (!out.write(buf)) await once(out, "drain");
        buf = "";
      }
    }
    out.end(buf);
    await once(out, "finish");
    fs.renameSync(tmp, file);
    log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { path: file, events: countLines(file) - 1, bytes: fs.statSync(file).size };
}
