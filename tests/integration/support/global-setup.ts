import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbedded, type DatabaseHandle } from "../../../lib/db/embedded";

let handle: DatabaseHandle | undefined;
let dir: string | undefined;

export async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsd-it-"));
    fs.chmodSync(dir, 0o755);
    handle = await startEmbedded(dir);
    adminUrl = handle.url;
  }
  project.provide("adminDatabaseUrl", adminUrl);
}

export async function teardown() {
  await handle?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
