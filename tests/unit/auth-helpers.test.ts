import { describe, expect, it } from "vitest";
import { safeNext, withQuery } from "../../lib/auth/http";
import { allows, canAdmin, canIngest, canRead, sameOrigin, type Principal } from "../../lib/auth/principal";
import { clearSessionCookieHeader, isHttps, parseCookie, sessionCookieHeader } from "../../lib/auth/sessions";
import { hexDigestsEqual, randomToken, sha256Hex } from "../../lib/auth/tokens";

const admin: Principal = { kind: "user", userId: 1n, email: "a@x.io", role: "admin" };
const viewer: Principal = { kind: "user", userId: 2n, email: "v@x.io", role: "viewer" };
const key = (scopes: string[]): Principal => ({ kind: "key", keyId: 3n, name: "k", scopes });

describe("access rules", () => {
  it("users: both roles read, only admins ingest and administer", () => {
    expect([canRead(admin), canIngest(admin), canAdmin(admin)]).toEqual([true, true, true]);
    expect([canRead(viewer), canIngest(viewer), canAdmin(viewer)]).toEqual([true, false, false]);
  });
  it("keys: need the scope, never admin", () => {
    expect([canRead(key(["read"])), canIngest(key(["read"])), canAdmin(key(["read"]))]).toEqual([true, false, false]);
    expect([canRead(key(["ingest"])), canIngest(key(["ingest"])), canAdmin(key(["ingest"]))]).toEqual([false, true, false]);
    expect(allows(key(["ingest", "read"]), "admin")).toBe(false);
    expect(allows(key([]), "read")).toBe(false);
  });
});

describe("safeNext", () => {
  it("keeps same-site relative paths", () => {
    expect(safeNext("/metrics?from=2026-01-01#x")).toBe("/metrics?from=2026-01-01#x");
    expect(safeNext("/admin/keys")).toBe("/admin/keys");
  });
  it.each(["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "evil", "", "/a\nb", undefined, 42])(
    "rejects %s",
    (v) => expect(safeNext(v)).toBe("/"),
  );
  it("withQuery adds parameters", () => {
    expect(withQuery("/signin", { next: "/a?b=1", error: undefined })).toBe("/signin?next=%2Fa%3Fb%3D1");
  });
});

describe("cookies", () => {
  it("session cookie is httpOnly, SameSite=Lax, Path=/, Secure only on https", () => {
    const exp = new Date(Date.now() + 3600_000);
    const plain = sessionCookieHeader("tok", exp, false);
    expect(plain).toMatch(/^hsd_session=tok; /);
    expect(plain).toContain("HttpOnly");
    expect(plain).toContain("SameSite=Lax");
    expect(plain).toContain("Path=/");
    expect(plain).not.toContain("Secure");
    expect(sessionCookieHeader("tok", exp, true)).toContain("; Secure");
    expect(clearSessionCookieHeader(false)).toContain("Max-Age=0");
  });
  it("detects https directly or behind a proxy", () => {
    expect(isHttps(new Request("https://x.io/"))).toBe(true);
    expect(isHttps(new Request("http://x.io/"))).toBe(false);
    expect(isHttps(new Request("http://x.io/", { headers: { "x-forwarded-proto": "https" } }))).toBe(true);
  });
  it("parses one cookie out of a header", () => {
    expect(parseCookie("a=1; hsd_session=abc; b=2", "hsd_session")).toBe("abc");
    expect(parseCookie("xhsd_session=abc", "hsd_session")).toBeUndefined();
    expect(parseCookie(null, "hsd_session")).toBeUndefined();
  });
});

describe("sameOrigin", () => {
  const post = (headers: Record<string, string>) => new Request("http://dash.local:3000/api/auth/signout", { method: "POST", headers });
  it("allows same-origin posts and posts without Origin", () => {
    expect(sameOrigin(post({ origin: "http://dash.local:3000", host: "dash.local:3000" }))).toBe(true);
    expect(sameOrigin(post({}))).toBe(true);
  });
  it("refuses cross-site posts", () => {
    expect(sameOrigin(post({ origin: "https://evil.example", host: "dash.local:3000" }))).toBe(false);
    expect(sameOrigin(post({ origin: "null" }))).toBe(false);
  });
});

describe("tokens", () => {
  it("are 32 random bytes and hash to 64 hex chars", () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(t);
    expect(sha256Hex(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hexDigestsEqual(sha256Hex("a"), sha256Hex("a"))).toBe(true);
    expect(hexDigestsEqual(sha256Hex("a"), sha256Hex("b"))).toBe(false);
    expect(hexDigestsEqual("", "")).toBe(false);
  });
});
