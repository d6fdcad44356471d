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
   * Next.js server processes of `npm start`, sharing the port (node:cluster). Default 1: each
   * process keeps its own answer cache, so more processes also mean more cold computations after
   * every data change and more refreshes while an import runs. On this 2-CPU machine 2 processes
   * served 1.5x the executive pages at 20 k conversations but were slower at 10 M, worst while
   * an import ran (docs/dashboard.md).
   */
  get webWorkers(): number {
    const raw = process.env.WEB_WORKERS;
    if (raw === undefined || raw === "") return 1;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`WEB_WORKERS must be a whole number from 1 to 64, got "${raw}"`);
    return n;
  },
  /**
   * Viewers asking for the same dashboard page, or callers for the same metrics read, at the same
   * moment share one render (lib/web/shared-render.ts). On by default; `SHARED_RENDERS=0` renders every request alone
   * (to measure the difference, or to rule sharing out while debugging).
   */
  get sharedRenders(): boolean {
    return process.env.SHARED_RENDERS !== "0";
  },
  get sessionDays(): number {
    return Number(process.env.SESSION_DAYS || 14);
  },
};
