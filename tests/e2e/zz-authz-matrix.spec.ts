import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import pg from "pg";
import { runningClusterUrl } from "../../lib/db/embedded";
import { STATE_FILE } from "./global-setup";

/**
 * The authorization matrix: every page (app/**\/page.tsx) and every API route (app/**\/route.ts,
 * each exported method), discovered from the files at test time, against every kind of caller.
 * A new page or route without an entry in the tables below fails this test, so none is forgotten.
 *
 * Callers: anonymous, viewer, admin, ingest-only key, read-only key, revoked key, an expired
 * session and a garbage session cookie (both are "no valid session": same outcome, 401 / sign-in).
 * Runs last (zz-) against the server started by global-setup, as the admin of first-run.spec.ts
 * (or it completes setup itself when run alone).
 */

// ---------------------------------------------------------------- expectations (data) ----------

type Caller = "anonymous" | "viewer" | "admin" | "ingestKey" | "readKey" | "revokedKey" | "expiredSession" | "garbageSession";
const CALLERS: Caller[] = ["anonymous", "viewer", "admin", "ingestKey", "readKey", "revokedKey", "expiredSession", "garbageSession"];

/** Pages: who may see them. Pages read only the session cookie: an API key is "anonymous" there. */
type PageAccess = "user" | "admin" | "signin" | "public";
const PAGE_ACCESS: [RegExp, PageAccess][] = [
  [/^\/signin$/, "signin"], // signed-in users are sent on to "/"
  [/^\/setup$/, "public"], // "Setup is complete" for everyone once an admin exists
  [/^\/admin(\/|$)/, "admin"],
  [/^\/settings$/, "admin"],
  [/.*/, "user"], // every other page: any signed-in user
];
/** Sample values for dynamic segments ([id] is filled from the data at run time). */
const SAMPLES: Record<string, string> = { "[key]": "containment_rate", "[id]": "" };

type PageOutcome = "ok" | "to-signin" | "admins-only" | "to-home";
const PAGE_EXPECT: Record<PageAccess, Record<Caller, PageOutcome>> = {
  user: { anonymous: "to-signin", viewer: "ok", admin: "ok", ingestKey: "to-signin", readKey: "to-signin", revokedKey: "to-signin", expiredSession: "to-signin", garbageSession: "to-signin" },
  admin: { anonymous: "to-signin", viewer: "admins-only", admin: "ok", ingestKey: "to-signin", readKey: "to-signin", revokedKey: "to-signin", expiredSession: "to-signin", garbageSession: "to-signin" },
  signin: { anonymous: "ok", viewer: "to-home", admin: "to-home", ingestKey: "ok", readKey: "ok", revokedKey: "ok", expiredSession: "ok", garbageSession: "ok" },
  public: { anonymous: "ok", viewer: "ok", admin: "ok", ingestKey: "ok", readKey: "ok", revokedKey: "ok", expiredSession: "ok", garbageSession: "ok" },
};

/** API routes, "METHOD /path": what the call needs (api.md), and a request that succeeds when allowed. */
type ApiAccess = "public" | "any" | "read" | "ingest" | "admin";
type ApiCase = { access: ApiAccess; query?: string; json?: unknown; ok: number; last?: boolean };
const API: Record<string, ApiCase> = {
  "GET /api/health": { access: "public", ok: 200 },
  "GET /api/v1/openapi.json": { access: "any", ok: 200 },
  "GET /api/v1/metrics": { access: "read", ok: 200 },
  "GET /api/v1/metrics/timeseries": { access: "read", query: "?metric=containment_rate&interval=week", ok: 200 },
  "GET /api/v1/conversations.csv": { access: "read", ok: 200 },
  "GET /api/v1/events/export": { access: "read", query: "?format=ndjson", ok: 200 },
  "POST /api/v1/events": { access: "ingest", json: [], ok: 200 },
  "GET /api/v1/audit": { access: "admin", query: "?limit=5", ok: 200 },
  // uploads store data when they succeed: probe with a bad parameter (admins get past auth to the 400)
  "POST /api/v1/uploads": { access: "admin", query: "?format=bogus", json: [], ok: 400 },
  "POST /api/v1/uploads/preview": { access: "admin", query: "?format=bogus", json: [], ok: 400 },
  // the auth form endpoints take no credentials: an empty body is 400 for everyone
  "POST /api/auth/signin": { access: "public", json: {}, ok: 400 },
  "POST /api/auth/setup": { access: "public", json: {}, ok: 400 },
  // ends the caller's session (if any) and 303s to /signin: run last
  "POST /api/auth/signout": { access: "public", ok: 303, last: true },
};

const API_EXPECT: Record<ApiAccess, Record<Caller, "ok" | 401 | 403>> = {
  public: { anonymous: "ok", viewer: "ok", admin: "ok", ingestKey: "ok", readKey: "ok", revokedKey: "ok", expiredSession: "ok", garbageSession: "ok" },
  any: { anonymous: 401, viewer: "ok", admin: "ok", ingestKey: "ok", readKey: "ok", revokedKey: 401, expiredSession: 401, garbageSession: 401 },
  read: { anonymous: 401, viewer: "ok", admin: "ok", ingestKey: 403, readKey: "ok", revokedKey: 401, expiredSession: 401, garbageSession: 401 },
  ingest: { anonymous: 401, viewer: 403, admin: "ok", ingestKey: "ok", readKey: 403, revokedKey: 401, expiredSession: 401, garbageSession: 401 },
  admin: { anonymous: 401, viewer: 403, admin: "ok", ingestKey: 403, readKey: 403, revokedKey: 401, expiredSession: 401, garbageSession: 401 },
};

// ---------------------------------------------------------------- discovery -------------------

const ROOT = path.resolve(import.meta.dirname, "../..");
function walk(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, name) : e.name === name ? [p] : [];
  });
}
/** app/(dashboard)/metrics/[key]/page.tsx → "/metrics/[key]" (route groups dropped). */
function urlPathOf(file: string): string {
  const segs = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
  return "/" + segs.join("/");
}
function discoverPages(): string[] {
  return walk(path.join(ROOT, "app"), "page.tsx").map(urlPathOf).sort();
}
function discoverApi(): string[] {
  return walk(path.join(ROOT, "app"), "route.ts")
    .flatMap((f) => {
      const src = fs.readFileSync(f, "utf8");
      const methods = [...src.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)].map((m) => m[1]);
      return methods.map((m) => `${m} ${urlPathOf(f)}`);
    })
    .sort();
}
function fillSamples(p: string): string {
  return p.replace(/\[[^\]]+\]/g, (seg) => {
    if (!(seg in SAMPLES) || !SAMPLES[seg]) throw new Error(`no sample value for the dynamic segment ${seg} in ${p}: add one to SAMPLES`);
    return encodeURIComponent(SAMPLES[seg]);
  });
}
const pageAccess = (p: string): PageAccess => PAGE_ACCESS.find(([re]) => re.test(p))![1];

// ---------------------------------------------------------------- callers ----------------------

const BASE = `http://localhost:${Number(process.env.E2E_PORT || 3100)}`;
const ADMIN = { email: "lead@example.com", password: "correct horse battery" };
const run = randomBytes(3).toString("hex");
const VIEWER = { email: `authz-viewer-${run}@example.com`, password: "authz viewer password" };
const headersOf: Partial<Record<Caller, Record<string, string>>> = {};
/** Strings only a permitted caller may ever see (filled in beforeAll): data and admin-only names. */
const secrets: string[] = [];

function cli(dataDir: string, args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/index.ts", ...args], { cwd: ROOT, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cli ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
const cookieOf = (res: APIResponse) => /hsd_session=([^;]+)/.exec(res.headers()["set-cookie"] ?? "")?.[1];

async function signIn(ctx: APIRequestContext, who: { email: string; password: string }): Promise<string> {
  const res = await ctx.post("/api/auth/signin", { data: who, maxRedirects: 0 });
  expect(res.status(), `sign in as ${who.email}: ${await res.text()}`).toBe(200);
  return cookieOf(res)!;
}

let contexts: Record<Caller, APIRequestContext>;

test.describe.configure({ mode: "serial" });
test.setTimeout(600_000);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const { dataDir, setupUrl } = JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as { dataDir: string; setupUrl: string };
  const plain = await playwrightRequest.newContext({ baseURL: BASE });
  // the admin of first-run.spec.ts; when this file runs alone, complete setup first
  let res = await plain.post("/api/auth/signin", { data: ADMIN, maxRedirects: 0 });
  if (res.status() === 401) {
    const token = new URL(setupUrl).searchParams.get("token");
    const setup = await plain.post("/api/auth/setup", { data: { token, ...ADMIN }, maxRedirects: 0 });
    expect([201, 409]).toContain(setup.status());
    res = await plain.post("/api/auth/signin", { data: ADMIN, maxRedirects: 0 });
  }
  expect(res.status()).toBe(200);
  headersOf.admin = { cookie: `hsd_session=${cookieOf(res)}` };

  cli(dataDir, ["user", "create", "--email", VIEWER.email, "--password", VIEWER.password, "--role", "viewer"]);
  headersOf.viewer = { cookie: `hsd_session=${await signIn(plain, VIEWER)}` };
  const key = (name: string, scopes: string) => cli(dataDir, ["api-key", "create", "--name", name, "--scopes", scopes]).trim().split("\n").pop()!;
  headersOf.ingestKey = { authorization: `Bearer ${key(`authz-ingest-${run}`, "ingest")}` };
  headersOf.readKey = { authorization: `Bearer ${key(`authz-read-${run}`, "read")}` };
  headersOf.revokedKey = { authorization: `Bearer ${key(`authz-revoked-${run}`, "read,ingest")}` };
  cli(dataDir, ["api-key", "revoke", "--name", `authz-revoked-${run}`]);
  secrets.push(`authz-ingest-${run}`, `authz-read-${run}`); // shown on /admin/keys only

  // an expired session of the viewer, planted directly (there is no other way to age one)
  const url = runningClusterUrl(dataDir);
  expect(url, "the e2e database is not running").toBeTruthy();
  const db = new pg.Client({ connectionString: url! });
  await db.connect();
  const expired = randomBytes(32).toString("base64url");
  await db.query(
    `INSERT INTO sessions (token_hash, user_id, expires_at) SELECT $1, id, now() - interval '1 minute' FROM users WHERE email = $2`,
    [createHash("sha256").update(expired).digest("hex"), VIEWER.email],
  );
  await db.end();
  headersOf.expiredSession = { cookie: `hsd_session=${expired}` };
  headersOf.garbageSession = { cookie: "hsd_session=this-is-not-a-session" };
  headersOf.anonymous = {};

  // a real conversation for /conversations/[id], and its customer: data nobody unauthorised may see
  const csv = await plain.get("/api/v1/conversations.csv", { headers: headersOf.admin });
  expect(csv.status()).toBe(200);
  const [header, first] = (await csv.text()).split("\n");
  const cols = header.split(",");
  const row = first.split(",");
  SAMPLES["[id]"] = row[cols.indexOf("conversation_id")];
  secrets.push(SAMPLES["[id]"]);
  const customer = row[cols.indexOf("customer_id")];
  if (customer) secrets.push(customer);
  await plain.dispose();

  contexts = Object.fromEntries(
    await Promise.all(CALLERS.map(async (c) => [c, await playwrightRequest.newContext({ baseURL: BASE, extraHTTPHeaders: headersOf[c] })])),
  ) as Record<Caller, APIRequestContext>;
});

test.afterAll(async () => {
  await Promise.all(Object.values(contexts ?? {}).map((c) => c.dispose()));
});

// ---------------------------------------------------------------- checks ----------------------

/** A redirect, answered either as a 3xx or (after streaming began) as a 200 with Next's meta refresh. */
function redirectTarget(res: APIResponse, body: string): string | null {
  if ([301, 302, 303, 307, 308].includes(res.status())) return res.headers()["location"] ?? null;
  const m = /<meta[^>]*id="__next-page-redirect"[^>]*content="\d+;url=([^"]+)"/.exec(body);
  return m ? m[1].replace(/&amp;/g, "&") : null;
}

function classify(res: APIResponse, body: string): PageOutcome | string {
  const to = redirectTarget(res, body);
  if (to !== null) {
    const u = new URL(to, BASE);
    if (u.pathname === "/signin" && u.searchParams.get("denied") === "admin") return "admins-only";
    if (u.pathname === "/signin") return "to-signin";
    if (u.pathname === "/") return "to-home";
    return `redirect to ${to}`;
  }
  return res.status() === 200 ? "ok" : `status ${res.status()}`;
}

/** `asked`: the caller's own URL (a redirect may echo it back as `next`; that is not a leak). */
function expectNoSecrets(body: string, what: string, asked = "") {
  for (const s of secrets) {
    if (asked.includes(s) || asked.includes(encodeURIComponent(s))) continue;
    expect(body.includes(s), `${what}: the response contains "${s}"`).toBe(false);
  }
}

async function inBatches<T>(items: T[], size: number, fn: (t: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

test("every page and API route is in the expectation tables", () => {
  const pages = discoverPages();
  expect(pages).toContain("/");
  expect(pages).toContain("/admin/audit");
  const routes = discoverApi();
  const missing = routes.filter((r) => !(r in API));
  expect(missing, `add these routes to API in ${path.basename(import.meta.filename)}`).toEqual([]);
  for (const p of pages) expect(() => fillSamples(p)).not.toThrow();
});

test("pages: redirect to sign in, 'Admins only', or 200 — and nothing to read without permission", async () => {
  const failures: string[] = [];
  const cells = discoverPages().flatMap((p) => CALLERS.map((c) => ({ p, c })));
  await inBatches(cells, 4, async ({ p, c }) => {
    const url = fillSamples(p);
    const res = await contexts[c].get(url, { maxRedirects: 0 });
    const body = await res.text();
    const got = classify(res, body);
    const want = PAGE_EXPECT[pageAccess(p)][c];
    if (got !== want) failures.push(`${c} GET ${url}: expected ${want}, got ${got}`);
    if (want !== "ok") expectNoSecrets(body, `${c} GET ${url}`, url);
    if (want === "to-signin" && got === "to-signin") {
      const next = new URL(redirectTarget(res, body)!, BASE).searchParams.get("next");
      if (next !== null && !url.startsWith(next.split("?")[0])) failures.push(`${c} GET ${url}: next=${next} does not lead back`);
    }
  });
  expect(failures).toEqual([]);
});

async function callApi(c: Caller, route: string) {
  const [method, p] = route.split(" ");
  const spec = API[route];
  const res = await contexts[c].fetch(p + (spec.query ?? ""), {
    method,
    maxRedirects: 0,
    ...(spec.json !== undefined ? { data: spec.json, headers: { "content-type": "application/json" } } : {}),
  });
  return { res, body: await res.text(), spec };
}

function checkApi(c: Caller, route: string, res: APIResponse, body: string, spec: ApiCase, failures: string[]) {
  const want = API_EXPECT[spec.access][c];
  const wantStatus = want === "ok" ? spec.ok : want;
  if (res.status() !== wantStatus) failures.push(`${c} ${route}: expected ${wantStatus}, got ${res.status()} ${body.slice(0, 200)}`);
  if (want !== "ok") {
    // a refusal is the error envelope and nothing else
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      failures.push(`${c} ${route}: the ${want} body is not JSON`);
      return;
    }
    const p = parsed as { error?: Record<string, unknown> };
    if (Object.keys(p).join() !== "error" || Object.keys(p.error ?? {}).sort().join() !== "code,message") {
      failures.push(`${c} ${route}: the ${want} body is more than {error: {code, message}}: ${body.slice(0, 200)}`);
    }
    expectNoSecrets(body, `${c} ${route}`);
  }
}

test("API routes: 401 / 403 / 200 / 400 as api.md says; refusals are only the error envelope", async () => {
  const failures: string[] = [];
  const routes = discoverApi().filter((r) => !API[r].last);
  const cells = routes.flatMap((r) => CALLERS.map((c) => ({ r, c })));
  await inBatches(cells, 4, async ({ r, c }) => {
    const { res, body, spec } = await callApi(c, r);
    checkApi(c, r, res, body, spec, failures);
  });
  expect(failures).toEqual([]);
});

test("CSRF: every state-changing route refuses a cookie-authenticated request from another origin", async () => {
  const failures: string[] = [];
  for (const route of discoverApi().filter((r) => !r.startsWith("GET ") && !r.startsWith("HEAD "))) {
    const [method, p] = route.split(" ");
    for (const c of ["admin", "viewer"] as const) {
      const res = await contexts[c].fetch(p + (API[route].query ?? ""), {
        method,
        maxRedirects: 0,
        headers: { origin: "https://evil.example", "content-type": "application/json" },
        data: API[route].json ?? {},
      });
      // JSON callers get 403; the HTML form endpoints may instead 303 back with error=cross_site
      const location = res.headers()["location"] ?? "";
      const refused = res.status() === 403 || (res.status() === 303 && location.includes("error=cross_site"));
      if (!refused) failures.push(`${c} ${route} from https://evil.example: ${res.status()} ${location}`);
      if (res.headers()["set-cookie"]?.includes("hsd_session=")) failures.push(`${c} ${route} from another origin changed the session cookie`);
    }
  }
  expect(failures).toEqual([]);
  // the sessions survived the refused cross-site sign-outs
  expect((await contexts.admin.get("/api/v1/audit?limit=1")).status()).toBe(200);
  expect((await contexts.viewer.get("/api/v1/metrics")).status()).toBe(200);
});

test("security headers on pages and API responses; pages render without CSP violations", async ({ browser }) => {
  for (const p of ["/signin", "/api/health"]) {
    const h = (await contexts.anonymous.get(p, { maxRedirects: 0 })).headers();
    expect(h["content-security-policy"], p).toContain("frame-ancestors 'none'");
    expect(h["x-frame-options"], p).toBe("DENY");
    expect(h["x-content-type-options"], p).toBe("nosniff");
    expect(h["referrer-policy"], p).toBe("strict-origin-when-cross-origin");
    expect(h["permissions-policy"], p).toBeTruthy();
  }
  const context = await browser.newContext({ baseURL: BASE });
  await context.addCookies([{ name: "hsd_session", value: headersOf.admin!.cookie.split("=")[1], url: BASE }]);
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/content security policy|refused to (load|execute|apply)/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  for (const p of discoverPages()) {
    await page.goto(fillSamples(p), { waitUntil: "networkidle" });
  }
  await context.close();
  expect(violations).toEqual([]);
});

test("sign out everywhere (/signin?account) ends every session of that user, and is audited", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: BASE });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(VIEWER.email);
  await page.getByLabel("Password").fill(VIEWER.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  expect((await contexts.viewer.get("/api/v1/metrics")).status()).toBe(200); // the viewer's other session
  await page.goto("/signin?account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/signin\?signed_out=everywhere/);
  await expect(page.getByText("You have been signed out on every device.")).toBeVisible();
  // both sign-in cookies are gone from this browser, the header's email with the session
  expect((await context.cookies()).map((c) => c.name).filter((n) => n.startsWith("hsd_"))).toEqual([]);
  await context.close();
  expect((await contexts.viewer.get("/api/v1/metrics")).status()).toBe(401);
  const audit = await (await contexts.admin.get("/api/v1/audit?limit=20")).json();
  expect(audit.entries.some((e: { action: string; target: string }) => e.action === "sessions.end" && e.target === `user:${VIEWER.email}`)).toBe(true);
});

test("sign-out (last): ends the caller's own session only, 303 for everyone", async () => {
  const failures: string[] = [];
  for (const r of discoverApi().filter((r) => API[r].last)) {
    for (const c of CALLERS) {
      const { res, body, spec } = await callApi(c, r);
      checkApi(c, r, res, body, spec, failures);
    }
  }
  expect(failures).toEqual([]);
  expect((await contexts.admin.get("/api/v1/metrics")).status()).toBe(401);
  expect((await contexts.readKey.get("/api/v1/metrics")).status()).toBe(200); // keys are not sessions
});
