import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import nextConfig, { CONTENT_SECURITY_POLICY } from "../../next.config";
import { sameOrigin } from "../../lib/auth/principal";
import { addressKey, clientAddress, emailKey, lockedUntil, lockMessage, LOCK_MS, WINDOW_MS } from "../../lib/auth/throttle";

const ROOT = path.resolve(import.meta.dirname, "../..");
const min = 60_000;
const at = (m: number) => new Date(Date.UTC(2026, 0, 1) + m * min);

function walk(dir: string, match: (f: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "generated" ? [] : walk(p, match);
    return match(e.name) ? [p] : [];
  });
}

describe("lockout arithmetic (lockedUntil)", () => {
  it("no lock at the limit, a lock of 15 minutes from the failure that exceeds it", () => {
    expect(lockedUntil([0, 1, 2, 3, 4].map(at), 5)).toBeNull();
    expect(lockedUntil([0, 1, 2, 3, 4, 5].map(at), 5)).toEqual(new Date(at(5).getTime() + LOCK_MS));
  });
  it("failures spread wider than the window never lock", () => {
    expect(lockedUntil([0, 4, 8, 12, 16, 20, 24, 28].map(at), 5)).toBeNull();
    expect(lockedUntil([0, 3, 6, 9, 12, 15, 18].map(at), 5)).toBeNull(); // 15 min apart exactly is outside the window
  });
  it("the window is 15 minutes and order does not matter", () => {
    expect(WINDOW_MS).toBe(15 * min);
    expect(lockedUntil([14, 0, 1, 2, 3, 14.5].map(at), 5)).toEqual(new Date(at(14.5).getTime() + LOCK_MS));
  });
  it("the address limit is separate (more than 20)", () => {
    const times = Array.from({ length: 21 }, (_, i) => at(i * 0.5));
    expect(lockedUntil(times.slice(0, 20), 20)).toBeNull();
    expect(lockedUntil(times, 20)).not.toBeNull();
  });
  it("says how long in whole minutes", () => {
    expect(lockMessage(15)).toBe("Too many failed attempts; try again in 15 minutes.");
    expect(lockMessage(1)).toBe("Too many failed attempts; try again in 1 minute.");
  });
});

describe("client address and keys", () => {
  it("takes the first X-Forwarded-For hop, else \"local\"", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": " 203.0.113.7 , 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientAddress(new Headers({ "x-forwarded-for": "2001:DB8::1" }))).toBe("2001:db8::1");
    expect(clientAddress(new Headers())).toBe("local");
    expect(clientAddress(new Headers({ "x-forwarded-for": "<script>" }))).toBe("local");
    expect(clientAddress(new Headers({ "x-forwarded-for": "x".repeat(500) }))).toBe("local");
  });
  it("normalises the email in the key", () => {
    expect(emailKey("  Ana@Example.COM ")).toBe("email:ana@example.com");
    expect(addressKey("local")).toBe("addr:local");
  });
});

describe("security headers (next.config.ts)", () => {
  it("sends CSP and friends on every path", async () => {
    const rules = await nextConfig.headers!();
    expect(rules).toHaveLength(1);
    expect(rules[0].source).toBe("/:path*");
    const h = Object.fromEntries(rules[0].headers.map((x) => [x.key.toLowerCase(), x.value]));
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["permissions-policy"]).toMatch(/camera=\(\)/);
    expect(h["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
  });
  it("the CSP has the required directives and no wildcard sources", () => {
    const d = Object.fromEntries(CONTENT_SECURITY_POLICY.split(";").map((s) => s.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(d["default-src"]).toEqual(["'self'"]);
    expect(d["script-src"]).toEqual(["'self'", "'unsafe-inline'"]); // no 'unsafe-eval' outside development
    expect(d["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d["img-src"]).toContain("data:");
    expect(d["frame-ancestors"]).toEqual(["'none'"]);
    expect(d["base-uri"]).toEqual(["'self'"]);
    expect(d["form-action"]).toEqual(["'self'"]);
    expect(d["object-src"]).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/\*|https?:/);
  });
});

describe("CSRF", () => {
  const post = (headers: Record<string, string>) => new Request("http://localhost:3000/api/v1/events", { method: "POST", headers });
  it("sameOrigin: refuses another site's Origin and \"null\", allows same host, forwarded host, and no Origin", () => {
    expect(sameOrigin(post({ origin: "https://evil.example", host: "localhost:3000" }))).toBe(false);
    expect(sameOrigin(post({ origin: "null" }))).toBe(false);
    expect(sameOrigin(post({ origin: "http://localhost:3000", host: "localhost:3000" }))).toBe(true);
    expect(sameOrigin(post({ origin: "https://dash.example.com", host: "127.0.0.1:3000", "x-forwarded-host": "dash.example.com" }))).toBe(true);
    expect(sameOrigin(post({}))).toBe(true);
    expect(sameOrigin(new Request("http://localhost:3000/x", { headers: { origin: "https://evil.example" } }))).toBe(true); // GET
  });

  it("every route handler that changes state checks the origin (requireApi or sameOrigin)", () => {
    const routes = walk(path.join(ROOT, "app"), (f) => f === "route.ts");
    expect(routes.length).toBeGreaterThan(5);
    const unsafe: string[] = [];
    for (const file of routes) {
      const src = fs.readFileSync(file, "utf8");
      const methods = [...src.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
      if (methods.length === 0) continue;
      unsafe.push(path.relative(ROOT, file));
      expect(/\brequireApi\(|\bsameOrigin\(/.test(src), `${path.relative(ROOT, file)} (${methods.join(", ")}) must call requireApi() or sameOrigin()`).toBe(true);
    }
    expect(unsafe).toContain("app/api/v1/events/route.ts");
  });

  it("every exported server action checks who is signed in before doing anything", () => {
    const files = [...walk(path.join(ROOT, "app"), (f) => /\.tsx?$/.test(f)), ...walk(path.join(ROOT, "lib"), (f) => /\.tsx?$/.test(f))].filter((f) =>
      /^\s*["']use server["']/.test(fs.readFileSync(f, "utf8")),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const src = fs.readFileSync(file, "utf8");
      const bodies = src.split(/export\s+async\s+function\s+/).slice(1);
      for (const body of bodies) {
        const name = body.slice(0, body.indexOf("("));
        const firstAwait = /\bawait\s+([^;\n]*)/.exec(body)?.[1] ?? "";
        expect(/\b(requireUser|requireAdmin|currentUser)\(/.test(firstAwait), `${path.relative(ROOT, file)}: ${name}'s first await must be requireUser()/currentUser()`).toBe(true);
      }
    }
  });
});

describe("secrets are not logged", () => {
  it("no console/stdout/stderr output in auth and audit code or the auth routes", () => {
    const files = [
      ...walk(path.join(ROOT, "lib/auth"), (f) => /\.tsx?$/.test(f)),
      ...walk(path.join(ROOT, "lib/audit"), (f) => /\.tsx?$/.test(f)),
      ...walk(path.join(ROOT, "app/api/auth"), (f) => /\.tsx?$/.test(f)),
    ];
    for (const f of files) {
      expect(/console\.|process\.(stdout|stderr)/.test(fs.readFileSync(f, "utf8")), path.relative(ROOT, f)).toBe(false);
    }
  });

  it("other route handlers never log headers, credentials or request bodies", () => {
    for (const f of walk(path.join(ROOT, "app/api"), (f) => /\.tsx?$/.test(f))) {
      for (const line of fs.readFileSync(f, "utf8").split("\n").filter((l) => /console\.|process\.(stdout|stderr)/.test(l))) {
        expect(/headers|authorization|cookie|password|token|apiKey|principal|req\b|request\b|body/i.test(line), `${path.relative(ROOT, f)}: ${line.trim()}`).toBe(false);
      }
    }
  });
});
