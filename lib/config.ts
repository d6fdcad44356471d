import os from "node:os";
import path from "node:path";

/** Every environment variable the product reads (documented in README.md). */
export const config = {
  get dataDir(): string {
    return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || "./data");
  },
  get databaseUrl(): string | undefined {
    return process.env.DATABASE_URL || undefined;
  },
  get port(): number {
    return Number(process.env.PORT || 3000);
  },
  get demoData(): boolean {
    return process.env.DEMO_DATA !== "0";
  },
  /** Request bodies larger than this get 413 (bytes). */
  get maxUploadBytes(): number {
    return Number(process.env.MAX_UPLOAD_BYTES || 500 * 1024 * 1024);
  },
  /**
   * Next.js server processes of `npm start`, sharing the port (node:cluster): one renders about
   * 60 executive pages a second on one core, so a machine with more cores serves more viewers
   * with more processes. Default: one per CPU, at most 4.
   */
  get webWorkers(): number {
    const raw = process.env.WEB_WORKERS;
    if (raw === undefined || raw === "") return Math.min(os.availableParallelism(), 4);
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`WEB_WORKERS must be a whole number from 1 to 64, got "${raw}"`);
    return n;
  },
  get sessionDays(): number {
    return Number(process.env.SESSION_DAYS || 14);
  },
};
