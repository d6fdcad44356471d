import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { STATE_FILE } from "./global-setup";

const SHOTS = path.join(import.meta.dirname, "screenshots");

test("first run: setup, sign in, and the home page shows the API's numbers", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const { setupUrl } = JSON.parse(fs.readFileSync(STATE_FILE, "utf8"));
  fs.mkdirSync(SHOTS, { recursive: true });

  // unauthenticated visitors are sent to sign in; the API says 401
  expect((await page.request.get("/api/v1/metrics")).status()).toBe(401);

  await page.goto(new URL(setupUrl).pathname + new URL(setupUrl).search);
  await page.getByLabel("Admin email").fill("lead@example.com");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.screenshot({ path: path.join(SHOTS, "setup-1440.png"), fullPage: true });
  await page.getByRole("button", { name: /create/i }).click();
  await expect(page).toHaveURL(/\/$/);

  // sign out and in again through the sign-in page
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("Email").fill("lead@example.com");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Inbound and containment" })).toBeVisible();

  // the same numbers as GET /api/v1/metrics for the same request (the session cookie authorises it)
  const api = await (await page.request.get("/api/v1/metrics?group_by=channel,population")).json();
  const total = api.segments.find((s: { channel: string; population: string }) => s.channel === "all" && s.population === "all");
  expect(total.metrics.inbound.value).toBeGreaterThan(0); // demo data was loaded on first start
  let checked = 0;
  for (const s of api.segments as { channel: string; population: string | null; metrics: { inbound: { value: number }; containment_rate: { value: number | null } } }[]) {
    if (s.population === null || s.channel === null) continue;
    await expect(page.getByTestId(`inbound-${s.channel}-${s.population}`)).toHaveText(s.metrics.inbound.value.toLocaleString("en-US"));
    const c = s.metrics.containment_rate.value;
    await expect(page.getByTestId(`containment-${s.channel}-${s.population}`)).toHaveText(c === null ? "no data" : `${(c * 100).toFixed(1)} %`);
    checked++;
  }
  expect(checked).toBeGreaterThan(10);
  await page.screenshot({ path: path.join(SHOTS, "home-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SHOTS, "home-390.png"), fullPage: true });
  expect(errors).toEqual([]);
});
