/**
 * CPU per warm (cached) GET /api/v1/metrics, calling the route handler in-process (no HTTP, no
 * Next.js): what our own code costs per request under load, where the concurrency goal is lost.
 *
 *   DATABASE_URL=postgresql://… npx tsx bench/experiments/api-handler-cpu.ts [--calls 2000]
 *
 * Needs a database with data (e.g. a kept bench cluster). Creates a throwaway API key.
 */
import { parseArgs } from "node:util";
import { createApiKey } from "../../lib/auth/api-keys";
import { closePool } from "../../lib/db/pool";
import { closePrisma } from "../../lib/db/prisma";
import { GET } from "../../app/api/v1/metrics/route";

const { values } = parseArgs({ options: { calls: { type: "string", default: "2000" } } });

async function main() {
  const { key } = await createApiKey({ name: `cpu-bench-${Date.now()}`, scopes: ["read"], createdBy: "bench" });
  const headers = { authorization: `Bearer ${key}` };
  for (const q of ["from=2026-09-03&to=2026-09-30&group_by=channel,population", "from=2026-07-03&to=2026-09-30"]) {
    const url = `http://localhost/api/v1/metrics?${q}`;
    for (let i = 0; i < 50; i++) await (await GET(new Request(url, { headers }))).text(); // warm the cache
    const n = Number(values.calls);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += (await (await GET(new Request(url, { headers }))).text()).length;
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(
      `${q}: ${(wall / n).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms CPU per call, ${Math.round(bytes / n)} bytes\n`,
    );
  }
  await closePrisma();
  await closePool();
}
main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
