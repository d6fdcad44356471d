import { expect, test } from "@playwright/test";
import { secondInstance } from "./second-instance";

// A second instance with its own DATA_DIR, stopped with SIGTERM in the middle of an upload.
const instance = secondInstance("shutdown", 7);
const { port: PORT, start, cli } = instance;

test.afterAll(() => instance.remove());

test("SIGTERM during an upload: the transaction rolls back, the cluster stops cleanly, the next start needs no repair", async ({ request }) => {
  test.setTimeout(300_000);
  const server = await start();
  const signin = await request.post(`http://localhost:${PORT}/api/auth/signin`, {
    data: { email: "ops@example.com", password: "shutdown password 1" }, headers: { origin: `http://localhost:${PORT}` },
  });
  expect(signin.ok()).toBe(true);
  const cookie = signin.headers()["set-cookie"].split(";")[0];

  // an upload that trickles in, so it is still running when SIGTERM arrives
  const lines = ["event_id,conversation_id,type,at", ...Array.from({ length: 2000 }, (_, i) => `sd-${i},sd-${i % 50},customer_message,2026-03-01T10:00:00Z`)];
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((r) => setTimeout(r, 20));
      if (i >= lines.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(lines.slice(i, (i += 20)).join("\n") + "\n"));
    },
  });
  const upload = fetch(`http://localhost:${PORT}/api/v1/uploads?format=canonical&file_name=slow.csv`, {
    method: "POST", body, headers: { cookie, origin: `http://localhost:${PORT}` }, duplex: "half",
  } as RequestInit).then((r) => r.text()).catch((e: Error) => `failed: ${e.message}`);

  await new Promise((r) => setTimeout(r, 700));
  const exited = new Promise<number | null>((r) => server.on("exit", (code) => r(code)));
  server.kill("SIGTERM");
  expect(await exited).toBe(0);
  await upload;
  // the cluster this instance started is stopped: no live postmaster for its data directory
  expect(instance.clusterStopped()).toBe(true);

  // the next start needs no repair, and the half-received upload left either nothing or everything
  const again = await start();
  try {
    const events = JSON.parse(cli("export-events", "--format", "ndjson").split("\n").filter(Boolean).length.toString());
    expect([0, 2000]).toContain(events);
    expect(cli("verify")).toMatch(/everything matches/);
  } finally {
    const done = new Promise((r) => again.on("exit", r));
    again.kill("SIGTERM");
    await done;
  }
});
