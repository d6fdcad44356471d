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
  get sessionDays(): number {
    return Number(process.env.SESSION_DAYS || 14);
  },
};
