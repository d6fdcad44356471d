import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { CONVERSATION_COLUMNS } from "../../lib/conversations/query";

/**
 * The dashboard pages against the demo data the first start loaded. Runs after first-run.spec.ts,
 * which created the admin used here.
 */
const SHOTS = path.join(import.meta.dirname, "screenshots");
const ADMIN = { email: "lead@example.com", password: "correct horse battery" };
const VIEWER = { email: "viewer@example.com", password: "viewer password 1" };

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

async function signIn(page: Page, who = ADMIN) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/** Console errors and uncaught exceptions of a page, collected from now on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** The same text the pages show for a rate (components/format.ts formatPercent). */
const pct = (v: number | null | undefined) => (v === null || v === undefined ? "no data" : `${(v * 100).toFixed(1)} %`);

type Seg = { channel: string | null; population: string | null; metrics: Record<string, any> };
async function apiMetrics(page: Page, query: string): Promise<{ segments: Seg[]; range: { from: string; to: string }; as_of: string }> {
  const res = await page.request.get(`/api/v1/metrics?${query}`);
  expect(res.status()).toBe(200);
  return res.json();
}

async function shoot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(SHOTS, `${name}-1440.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // no horizontal scrolling of the page itself at phone width
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `${name} fits 390 px` }).toBeLessThanOrEqual(390);
  await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function axe(page: Page, name: string) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(serious, `axe on ${name}`).toEqual([]);
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
});

test("every page renders without console errors, passes axe, and is screenshotted at 1440 and 390", async ({ page }) => {
  await signIn(page);
  const errors = collectErrors(page);
  // one conversation to open: the first of the verified-resolution list
  await page.goto("/metrics/verified_resolution_rate");
  const firstConversation = await page.getByTestId("conversation-list").locator("tbody a").first().getAttribute("href");
  expect(firstConversation).toMatch(/^\/conversations\//);

  const pages: { name: string; path: string; heading: string | RegExp }[] = [
    { name: "executive", path: "/", heading: "Executive view" },
    { name: "metric-rate", path: "/metrics/verified_resolution_rate", heading: "Verified resolution" },
    { name: "metric-time", path: "/metrics/first_response_s", heading: "First response time" },
    { name: "channels", path: "/channels", heading: "Channels" },
    { name: "ai-quality", path: "/ai-quality", heading: "AI quality" },
    { name: "cost", path: "/cost", heading: "Cost" },
    { name: "data-quality", path: "/data-quality", heading: "Data quality" },
    { name: "settings", path: "/settings", heading: "Settings" },
    { name: "conversation", path: firstConversation!, heading: /^Conversation / },
    { name: "bad-filter", path: "/?channel=fax", heading: "Executive view" },
  ];
  // at 1440 px an admin sees every link of the main navigation, the last ones included
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const label of ["Executive", "Users", "API keys", "Audit log", "Erase"]) {
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeInViewport({ ratio: 1 });
  }
  for (const p of pages) {
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await page.waitForLoadState("networkidle");
    await axe(page, p.name);
    await shoot(page, p.name);
  }
  // the conversation page has its timeline and every derived field
  await page.goto(firstConversation!);
  await expect(page.getByTestId("timeline").locator("li").first()).toBeVisible();
  for (const col of CONVERSATION_COLUMNS) await expect(page.getByTestId("derived-fields")).toContainText(col);
  expect(errors).toEqual([]);
});

test("an invalid filter names the parameter instead of crashing", async ({ page }) => {
  await signIn(page);
  await page.goto("/?channel=fax");
  await expect(page.getByTestId("parameter-error")).toContainText("channel");
  await expect(page.getByTestId("parameter-error")).toContainText("fax");
  await page.goto("/channels?from=2026-02-30");
  await expect(page.getByTestId("parameter-error")).toContainText("from");
  await page.goto("/cost?from=2026-03-10&to=2026-03-01");
  await expect(page.getByTestId("parameter-error")).toContainText("from");
  await page.goto("/metrics/fcr_rate?side=sideways");
  await expect(page.getByTestId("parameter-error")).toContainText("side");
  // an unknown metric is not found (the status is streamed as 200 behind loading.tsx; the page says it)
  await page.goto("/metrics/not_a_metric");
  await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
});

test("the executive cards show the API's numbers for the same filters", async ({ page }) => {
  await signIn(page);
  const base = await apiMetrics(page, "");
  const filters = `from=${base.range.from}&to=${base.range.to}&channel=chat,email,whatsapp`;
  await page.goto(`/?${filters}`);
  const api = await apiMetrics(page, `${filters}&group_by=population`);
  const seg = (p: string) => api.segments.find((s) => s.population === p)!.metrics;
  const all = seg("all");
  const checks: [string, string][] = [
    ["exec-resolution-value", pct(all.verified_resolution_rate.value)],
    ["exec-resolution-pending", `${all.verified_resolution_rate.pending.toLocaleString("en-US")} pending`],
    ["exec-deflection-value", pct(all.deflection_rate.value)],
    ["exec-containment-value", pct(all.containment_rate.value)],
    ["exec-recontact-value", pct(seg("ai_only").recontact_rate.value)],
    ["exec-fcr-value", pct(all.fcr_rate.value)],
    ["exec-escalation-quality-value", pct(all.escalation_quality.value)],
    ["exec-context-transfer-value", pct(all.context_transfer_rate.value)],
    ["exec-resolved-in-session-value", pct(all.resolved_in_session_rate.value)],
    ["exec-escalation-rate-value", pct(all.escalation_rate.value)],
    ["exec-csat-blended-value", pct(all.csat.value)],
  ];
  for (const p of ["ai_only", "human_only", "ai_escalated"]) {
    checks.push([`exec-fcr-${p}-value`, pct(seg(p).fcr_rate.value)]);
    checks.push([`exec-resolution-${p}-value`, pct(seg(p).verified_resolution_rate.value)]);
    checks.push([`exec-csat-${p}-value`, pct(seg(p).csat.value)]);
    checks.push([`exec-csat-${p}-response`, pct(seg(p).csat_response_rate.value)]);
  }
  const ci = all.verified_resolution_rate.ci95 as [number, number];
  checks.push(["exec-resolution-ci", `95 % CI ${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)} %`]);
  for (const [id, text] of checks) await expect(page.getByTestId(id), id).toHaveText(text);
  const p = all.csat_gap.p_value as number | null;
  await expect(page.getByTestId("exec-csat-gap-reading")).toHaveText(p === null ? /not enough/ : p < 0.05 ? "likely real" : "could be noise");
  // a target status is shown with its words, not colour alone
  await expect(page.getByTestId("status-resolution")).toContainText(/Met|Warning|Missed|No data/);
  await expect(page.getByTestId("status-resolution")).toContainText("target ≥ 80 %");
});

test("the executive trends draw in the browser, in the box the server reserved for them", async ({ page }) => {
  await signIn(page);
  const cards: [string, RegExp, number][] = [
    ["resolution", /^Verified resolution by week/, 1],
    ["deflection", /^Verified deflection and raw containment by week/, 2],
    ["recontact", /^Re-contact rate on AI-only conversations by week/, 1],
    ["fcr", /^First-contact resolution by week/, 3],
    ["escalation", /^Escalation quality factors and escalation rate by week/, 3],
    ["csat", /^CSAT by week/, 3],
  ];
  const figure = (id: string, name: RegExp) => page.getByTestId(`card-${id}`).getByRole("group", { name });

  // the server's HTML alone (the app's scripts blocked, so nothing hydrates): an empty box per chart
  await page.route(/\/_next\/static\/chunks\/.*\.js$/, (route) => route.abort());
  await page.goto("/");
  const reserved: Record<string, number> = {};
  for (const [id, name] of cards) {
    await expect(figure(id, name)).toBeVisible();
    await expect(figure(id, name).locator("svg")).toHaveCount(0);
    reserved[id] = (await figure(id, name).boundingBox())!.height;
    expect(reserved[id], id).toBeGreaterThanOrEqual(150);
  }
  await page.unroute(/\/_next\/static\/chunks\/.*\.js$/);

  // hydrated: every chart draws one line per series in exactly that box
  await page.goto("/");
  for (const [id, name, lines] of cards) {
    await expect(figure(id, name).locator(".recharts-line"), id).toHaveCount(lines);
    await expect(figure(id, name).locator(".recharts-line-dots circle").first()).toBeVisible();
    expect((await figure(id, name).boundingBox())!.height, `${id} does not move the page`).toBe(reserved[id]);
  }
  // a population filter leaves out the series it excludes instead of widening them
  await page.goto("/?population=ai_only,human_only");
  await expect(figure("fcr", /^First-contact resolution by week/).locator(".recharts-line")).toHaveCount(2);
  await expect(figure("csat", /^CSAT by week/).locator(".recharts-line")).toHaveCount(2);
});

test("changing a filter updates the URL and the numbers; the back button restores them", async ({ page }) => {
  await signIn(page);
  await page.goto("/");
  const inbound = page.getByTestId("inbound-all-all");
  const initial = await inbound.textContent();
  const before = await apiMetrics(page, "");
  expect(initial).toBe(before.segments[0].metrics.inbound.value.toLocaleString("en-US"));

  // preset: last 7 days up to as_of
  await page.getByRole("button", { name: "7 days" }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);
  await expect(page.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");
  const week = new URL(page.url()).searchParams;
  const api7 = await apiMetrics(page, `from=${week.get("from")}&to=${week.get("to")}`);
  await expect(inbound).toHaveText(api7.segments[0].metrics.inbound.value.toLocaleString("en-US"));
  expect(await inbound.textContent()).not.toBe(initial);

  // a channel: the URL carries it, the numbers follow
  await page.getByRole("checkbox", { name: "Email" }).check();
  await expect(page).toHaveURL(/channel=email/);
  const apiEmail = await apiMetrics(page, `from=${week.get("from")}&to=${week.get("to")}&channel=email`);
  await expect(inbound).toHaveText(apiEmail.segments[0].metrics.inbound.value.toLocaleString("en-US"));
  await expect(page.getByTestId("exec-resolution-value")).toHaveText(pct(apiEmail.segments[0].metrics.verified_resolution_rate.value));

  // population select
  await page.getByRole("combobox", { name: "Population", exact: true }).selectOption("ai_only");
  await expect(page).toHaveURL(/population=ai_only/);

  // back, back, back: the previous filters and numbers return
  await page.goBack();
  await expect(page).not.toHaveURL(/population=/);
  await expect(inbound).toHaveText(apiEmail.segments[0].metrics.inbound.value.toLocaleString("en-US"));
  await page.goBack();
  await expect(page).not.toHaveURL(/channel=/);
  await expect(inbound).toHaveText(api7.segments[0].metrics.inbound.value.toLocaleString("en-US"));
  await page.goBack();
  await expect(page).not.toHaveURL(/from=/);
  await expect(inbound).toHaveText(initial!);

  // the filters travel with the navigation
  await page.goto(`/?channel=voice`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Channels" }).click();
  await expect(page).toHaveURL(/\/channels\?channel=voice/);
  await expect(page.getByRole("checkbox", { name: "Voice" })).toBeChecked();
});

test("a drill-down computes what its targets read: CSAT's gap, a population's P50 and P90", async ({ page }) => {
  await signIn(page);
  // the page asks only for its metric and its targets' (drilldown.tsx); one left out would read "No data"
  for (const [path, labels] of [
    ["/metrics/csat", ["AI-only CSAT within 5 points of human-only"]],
    ["/metrics/first_response_s", ["First response on ai_only, P50", "First response on ai_only, P90"]],
  ] as const) {
    await page.goto(path);
    const targets = page.getByTestId("drill-targets");
    for (const label of labels) await expect(targets).toContainText(label);
    await expect(targets.locator("li")).toHaveCount(labels.length);
    await expect(targets.getByText("No data")).toHaveCount(0);
  }
});

test("the drill-down lists the conversations behind the number and exports them as CSV", async ({ page }) => {
  await signIn(page);
  await page.goto("/metrics/deflection_rate?channel=chat");
  const api = await apiMetrics(page, "channel=chat");
  const rate = api.segments[0].metrics.deflection_rate;
  await expect(page.getByTestId("drill-value")).toHaveText(pct(rate.value));
  await expect(page.getByTestId("list-total")).toContainText(`of ${rate.numerator.toLocaleString("en-US")} conversations`);

  // the breakdown: each channel × population row carries the API's segment of the same grouping
  const grouped = await apiMetrics(page, "channel=chat&group_by=channel,population");
  const aiOnly = grouped.segments.find((s) => s.channel === "chat" && s.population === "ai_only")!.metrics;
  const row = page.getByTestId("breakdown-chat-ai_only").getByRole("cell");
  await expect(row.nth(1)).toHaveText(aiOnly.inbound.value.toLocaleString("en-US"));
  await expect(row.nth(2)).toHaveText(aiOnly.deflection_rate.numerator.toLocaleString("en-US"));
  await expect(row.nth(3)).toHaveText(aiOnly.deflection_rate.denominator.toLocaleString("en-US"));
  await expect(row.nth(4)).toHaveText(pct(aiOnly.deflection_rate.value));

  // the denominator side, sorted by first response ascending
  await page.getByRole("tab", { name: /denominator/ }).click();
  await expect(page).toHaveURL(/side=denominator/);
  await expect(page.getByTestId("list-total")).toContainText(`of ${rate.denominator.toLocaleString("en-US")} conversations`);
  await page.getByRole("link", { name: /First response/ }).click();
  await expect(page).toHaveURL(/sort=first_response_s/);

  const link = page.getByTestId("csv-export");
  const href = await link.getAttribute("href");
  expect(href).toContain("/api/v1/conversations.csv?");
  expect(href).toContain("metric=deflection_rate");
  expect(href).toContain("side=denominator");
  expect(href).toContain("channel=chat");
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const file = await download.path();
  const text = fs.readFileSync(file, "utf8");
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  expect(lines[0]).toBe(CONVERSATION_COLUMNS.join(","));
  expect(lines.length - 1).toBe(rate.denominator);

  // a time metric: histogram with P50 / P90, and its breakdown
  await page.goto("/metrics/escalation_wait_s");
  await expect(page.getByTestId("drill-p90")).not.toHaveText("");
  const totals = page.getByTestId("breakdown-all-all").getByRole("cell");
  await expect(totals.nth(3)).toHaveText((await page.getByTestId("drill-p50").textContent())!);
  await expect(totals.nth(4)).toHaveText((await page.getByTestId("drill-p90").textContent())!);
  await expect(page.getByRole("group", { name: /Histogram of Escalation wait/ })).toBeVisible();
  await page.getByRole("link", { name: "Month" }).click();
  await expect(page).toHaveURL(/interval=month/);
  await expect(page.getByRole("group", { name: /^P50 and P90 of Escalation wait by month/ }).locator(".recharts-line")).toHaveCount(2);

  // a wide range by day (120 buckets, one query for all of them) draws its P50 / P90 trend
  const to = (await apiMetrics(page, "")).range.to;
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 119 * 86_400_000).toISOString().slice(0, 10);
  await page.goto(`/metrics/first_response_s?interval=day&from=${from}&to=${to}`);
  const daily = page.getByRole("group", { name: /^P50 and P90 of First response time by day/ });
  await expect(daily.locator(".recharts-line")).toHaveCount(2);
  await expect(daily.locator(".recharts-line-dots").first().locator("circle")).not.toHaveCount(0);
  await expect(page.getByText(/Too many buckets/)).toHaveCount(0);
});

test("settings: an admin saves with validation; a viewer cannot open them", async ({ page }) => {
  await signIn(page);
  await page.goto("/settings");
  await page.getByLabel("Human cost per hour").fill("lots");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-errors")).toContainText("human_cost_per_hour");
  await expect(page.getByLabel("Human cost per hour")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Human cost per hour").fill("40");
  await page.getByLabel("Baseline cost per contact").fill("8");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("settings-saved")).toBeVisible();
  await page.goto("/cost");
  const api = await apiMetrics(page, "");
  const savings = api.segments[0].metrics.estimated_savings.value as number;
  await expect(page.getByTestId("cost-savings-value")).toHaveText(savings.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).replace("-", "−"));
  await page.goto("/settings");
  await page.getByRole("button", { name: "Restore defaults" }).click();
  await expect(page).toHaveURL(/restored=1/);
  await expect(page.getByLabel("Baseline cost per contact")).toHaveValue("");

  // create a viewer through the admin page, then sign in as them
  await page.goto("/admin/users");
  await page.locator("#new-user-email").fill(VIEWER.email);
  await page.locator("#new-user-password").fill(VIEWER.password);
  await page.locator("#new-user-role").selectOption("viewer");
  await page.getByRole("button", { name: /create user/i }).click();
  await expect(page.getByText(`Created viewer`)).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page, VIEWER);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toHaveCount(0);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/signin\?denied=admin/);
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  // viewers still read every dashboard page
  for (const p of ["/", "/channels", "/ai-quality", "/cost", "/data-quality", "/metrics/csat"]) {
    await page.goto(p);
    await expect(page).not.toHaveURL(/\/signin/);
  }
});

test("viewers loading a page at the same moment share one render; each header still names its own viewer", async ({ browser, playwright, baseURL }) => {
  // two sessions of the viewer created above (who shares a render is keyed by role, never by
  // session: tests/integration/shared-requests.test.ts), and the admin for the other role
  const sessionOf = async (who: { email: string; password: string }) => {
    const ctx = await playwright.request.newContext({ baseURL });
    const res = await ctx.post("/api/auth/signin", { data: who, headers: { origin: baseURL! } });
    expect(res.ok()).toBe(true);
    const cookies = res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value.split(";")[0]);
    await ctx.dispose();
    return cookies.join("; ");
  };
  const viewerSessions = [await sessionOf(VIEWER), await sessionOf(VIEWER)];
  const answers = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      fetch(`${baseURL}/?channel=chat`, { headers: { cookie: viewerSessions[i % 2] } }).then(async (r) => ({
        status: r.status,
        shared: r.headers.get("x-shared-render"),
        body: await r.text(),
      })),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
  expect(answers.filter((a) => a.shared === "1").length).toBeGreaterThan(0);
  for (const a of answers) {
    expect(a.body).toContain("Executive view");
    // the HTML does not name its viewer: the header takes the email from the browser's cookie
    expect(a.body).not.toContain(VIEWER.email);
  }

  // the metrics API the same way: one JSON for every reader asking the same question at once
  const reads = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      fetch(`${baseURL}/api/v1/metrics?group_by=channel`, { headers: { cookie: viewerSessions[i % 2] } }).then(async (r) => ({
        status: r.status,
        shared: r.headers.get("x-shared-render"),
        body: await r.text(),
      })),
    ),
  );
  expect(reads.map((a) => a.status)).toEqual(Array(12).fill(200));
  expect(reads.filter((a) => a.shared === "1").length).toBeGreaterThan(0);
  expect(new Set(reads.map((a) => a.body)).size).toBe(1);

  for (const [who, role] of [[ADMIN, "admin"], [VIEWER, "viewer"]] as const) {
    const ctx = await browser.newContext({ baseURL });
    const page = await ctx.newPage();
    await signIn(page, who);
    await page.goto("/?channel=chat");
    await expect(page.getByTestId("signed-in-as")).toHaveText(`${who.email} · ${role}`);
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await expect(page).toHaveURL(/\/signin/);
    expect((await ctx.cookies()).map((c) => c.name)).not.toContain("hsd_email");
    await ctx.close();
  }
});
