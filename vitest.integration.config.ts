import { defineConfig } from "vitest/config";
import path from "node:path";

// Integration tests run against a real PostgreSQL: DATABASE_URL when set, else an embedded
// cluster started once by the global setup. Each test file gets its own fresh database.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["tests/integration/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/integration/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
