import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eraseCustomer } from "../../lib/maintenance/erase";
import { computeMetrics, computeMetricsJson } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

beforeAll(async () => {
  await freshDatabase();
});
afterAll(closeConnections);

const Q = { from: "2026-03-01", to: "2026-03-31", as_of: new Date("2026-04-30T00:00:00Z") };
const start = (id: string, customer: string) => ({ conversation_id: id, type: "conversation_started", at: "2026-03-02T10:00:00Z", customer_id: customer, channel: "chat" });

describe("metric results cached until the data changes", () => {
  it("a repeated request is served from the cache, and every ingest or erasure invalidates it", async () => {
    await ingestJson([start("k1", "a")]);
    const first = computeMetrics(Q);
    const concurrent = computeMetrics(Q);
    expect((await first).segments[0].metrics.inbound.value).toBe(1);
    expect(await concurrent).toEqual(await first);
    // a caller that edits its result does not change what the next caller gets
    (await first).segments[0].metrics.inbound.value = 99;
    expect((await computeMetrics(Q)).segments[0].metrics.inbound.value).toBe(1);
    await ingestJson([start("k2", "b")]);
    expect((await computeMetrics(Q)).segments[0].metrics.inbound.value).toBe(2);
    await eraseCustomer("b");
    expect((await computeMetrics(Q)).segments[0].metrics.inbound.value).toBe(1);
  });

  it("the API's serialised answer is the object answer, and is invalidated the same way", async () => {
    const grouped = { ...Q, group_by: ["channel", "population"] as ("channel" | "population")[] };
    expect(JSON.parse(await computeMetricsJson(grouped))).toEqual(JSON.parse(JSON.stringify(await computeMetrics(grouped))));
    const before = JSON.parse(await computeMetricsJson(Q)).segments[0].metrics.inbound.value;
    await ingestJson([start("k3", "e")]);
    expect(JSON.parse(await computeMetricsJson(Q)).segments[0].metrics.inbound.value).toBe(before + 1);
  });

  it("never mixes up two databases at the same data version", async () => {
    await freshDatabase();
    // three ingests, as in the first database, so both are at version 3
    await ingestJson([start("k7", "c"), start("k8", "d")]);
    await ingestJson([start("k7", "c")]);
    await ingestJson([start("k8", "d")]);
    expect((await computeMetrics(Q)).segments[0].metrics.inbound.value).toBe(2);
  });
});
