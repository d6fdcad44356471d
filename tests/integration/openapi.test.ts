import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getOpenApi } from "../../app/api/v1/openapi.json/route";
import { createApiKey } from "../../lib/auth/api-keys";
import { ingestDemoData } from "../../lib/demo/first-start";
import { computeMetrics } from "../../lib/metrics";
import { ZMetricsResponse } from "../../lib/metrics/types";
import { openApiDocument } from "../../lib/openapi/document";
import { closeConnections, freshDatabase } from "./support/db";

beforeAll(async () => {
  await freshDatabase();
  await ingestDemoData({ conversations: 300, seed: 3, days: 30, now: new Date("2026-05-01T00:00:00Z") });
});
afterAll(closeConnections);

function apiRoutes(dir = path.resolve("app/api"), prefix = "/api"): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return apiRoutes(path.join(dir, e.name), `${prefix}/${e.name}`);
    return e.name === "route.ts" ? [prefix] : [];
  });
}

describe("OpenAPI document", () => {
  it("describes every public API route file (auth form endpoints excepted)", () => {
    const documented = Object.keys(openApiDocument().paths).sort();
    const routes = apiRoutes().filter((r) => !r.startsWith("/api/auth/")).sort();
    expect(documented).toEqual(routes);
  });

  it("real responses validate against the documented response schema, grouped and not", async () => {
    for (const group_by of [undefined, ["channel", "population"], ["customer_tier"]] as const) {
      const r = await computeMetrics({ from: "2026-04-01", to: "2026-04-30", group_by: group_by ? [...group_by] : undefined });
      const parsed = ZMetricsResponse.safeParse(r);
      expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
    }
  });

  it("is served as OpenAPI 3.1 to authenticated callers only", async () => {
    expect((await getOpenApi(new Request("http://x/api/v1/openapi.json"))).status).toBe(401);
    const { key } = await createApiKey({ name: "docs", scopes: ["ingest"] });
    const r = await getOpenApi(new Request("http://x/api/v1/openapi.json", { headers: { authorization: `Bearer ${key}` } }));
    expect(r.status).toBe(200);
    const doc = await r.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/v1/metrics"].get.parameters.map((p: { name: string }) => p.name)).toContain("group_by");
  });
});
