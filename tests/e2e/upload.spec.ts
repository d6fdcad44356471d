import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { STATE_FILE } from "./global-setup";

const SHOTS = path.join(import.meta.dirname, "screenshots");

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

// 1 header + 6 rows: 3 valid, 3 planted bad ones (lines 4, 6, 7)
const FILE = [
  "event_id,conversation_id,type,at,customer_id,channel,score",
  "up-1,up-c1,conversation_started,2026-11-20T10:00:00Z,up-u1,chat,",
  "up-2,up-c1,ai_message,2026-11-20T10:00:03Z,,,",
  "up-3,up-c1,resolved,2026-11-20 10:05:00,,,",
  "up-4,up-c1,csat_response,2026-11-20T10:06:00Z,,,5",
  "up-5,up-c2,conversation_started,2026-11-20T11:00:00Z,up-u2,carrier-pigeon,",
  "up-6,up-c2,csat_response,2026-11-20T11:06:00Z,,,11",
].join("\n");

test("an admin uploads a file with bad rows: preview, progress, counts and the rejected rows", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await signIn(page, "lead@example.com", "correct horse battery");
  await page.goto("/admin/upload");
  await expect(page.getByRole("heading", { name: "Upload data" })).toBeVisible();
  await page.getByTestId("upload-input").setInputFiles({ name: "messy.csv", mimeType: "text/csv", buffer: Buffer.from(FILE) });
  await expect(page.getByTestId("detected-format")).toContainText("canonical");
  await expect(page.getByTestId("preview-warnings")).toContainText("UTC offset");
  await expect(page.getByTestId("preview-table")).toContainText("line 4");
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("upload-result")).toBeVisible();
  await expect(page.getByTestId("upload-progress")).toContainText("Rows processed");
  await expect(page.getByTestId("result-accepted")).toHaveText("3");
  await expect(page.getByTestId("result-rejected")).toHaveText("3");
  const rejected = page.getByTestId("rejected-table").locator("tbody tr");
  await expect(rejected).toHaveCount(3);
  await expect(rejected.nth(0)).toContainText("line 4");
  await expect(rejected.nth(1)).toContainText("channel");
  await expect(rejected.nth(2)).toContainText("score");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: /download rejected rows/i }).click();
  const csv = fs.readFileSync(await (await download).path(), "utf8");
  expect(csv.trim().split(/\r?\n/)).toHaveLength(4);
  await page.reload();
  await expect(page.getByTestId("import-history")).toContainText("messy.csv");
  await page.screenshot({ path: path.join(SHOTS, "upload-1440.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SHOTS, "upload-390.png"), fullPage: true });
  expect(errors).toEqual([]);
});

test("a viewer cannot open the upload page", async ({ page }) => {
  const { dataDir } = JSON.parse(fs.readFileSync(STATE_FILE, "utf8"));
  execFileSync(process.execPath, ["--import", "tsx", "cli/index.ts", "user", "create", "--email", "upload-viewer@example.com", "--password", "viewer password 1", "--role", "viewer"], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
    stdio: "ignore",
  });
  await signIn(page, "upload-viewer@example.com", "viewer password 1");
  await page.goto("/admin/upload");
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await expect(page.getByTestId("upload-input")).toHaveCount(0);
});
