import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as setupPost } from "../../app/api/auth/setup/route";
import { POST as signinPost } from "../../app/api/auth/signin/route";
import { listAudit } from "../../lib/audit";
import { createApiKey, revokeApiKey } from "../../lib/auth/api-keys";
import { createSession, destroyUserSessions, resolveSession } from "../../lib/auth/sessions";
import { prepareFirstRun } from "../../lib/auth/setup";
import { attemptSignIn } from "../../lib/auth/signin";
import { ADDRESS_MAX, EMAIL_MAX, LOCK_MS } from "../../lib/auth/throttle";
import { createUser, deleteUser, setRole } from "../../lib/auth/users";
import { prisma } from "../../lib/db/prisma";
import { closeConnections, freshDatabase } from "./support/db";

const BASE = "http://localhost:3000";
const json = (body: unknown, headers: Record<string, string> = {}) =>
  signinPost(new Request(`${BASE}/api/auth/signin`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  signinPost(
    new Request(`${BASE}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields),
    }),
  );
let ip = 0;
/** A fresh client address per test, so the address throttle of one test does not leak into another. */
const freshAddress = () => ({ "x-forwarded-for": `198.51.100.${++ip}, 10.0.0.1` });

beforeAll(async () => {
  await freshDatabase();
  await createUser({ email: "ana@example.com", password: "ana-password", role: "admin" });
  await createUser({ email: "bo@example.com", password: "bo-password", role: "viewer" });
});
beforeEach(async () => {
  await prisma().authFailure.deleteMany({});
});
afterAll(closeConnections);

const failures = (key: string) => prisma().authFailure.count({ where: { key } });

describe("sign-in lockout (per email)", () => {
  it(`locks an email after more than ${EMAIL_MAX} failures, says how long, and refuses even the right password`, async () => {
    const addr = freshAddress();
    for (let i = 0; i < EMAIL_MAX; i++) expect((await json({ email: "ana@example.com", password: `wrong-${i}` }, addr)).status).toBe(401);
    const tripping = await json({ email: "ANA@example.com ", password: "wrong-again" }, addr);
    expect(tripping.status).toBe(429);
    expect(tripping.headers.get("retry-after")).toMatch(/^(89\d|900)$/);
    const body = await tripping.json();
    expect(body).toEqual({ error: { code: "too_many_attempts", message: "Too many failed attempts; try again in 15 minutes." } });
    const right = await json({ email: "ana@example.com", password: "ana-password" }, freshAddress());
    expect(right.status).toBe(429);
    expect(right.headers.get("set-cookie")).toBeNull();
    expect(await failures("email:ana@example.com")).toBe(EMAIL_MAX + 1); // refusals are not counted
    // the form route sends the person back with the message's numbers
    const viaForm = await form({ email: "ana@example.com", password: "ana-password", next: "/channels" }, freshAddress());
    expect(viaForm.status).toBe(303);
    expect(viaForm.headers.get("location")).toBe("/signin?error=locked&retry=15&next=%2Fchannels");
    // another account is unaffected
    expect((await json({ email: "bo@example.com", password: "bo-password" }, addr)).status).toBe(200);
    // the lockout is in the audit log, without the password
    const { entries } = await listAudit({ limit: 20 });
    const lockout = entries.find((e) => e.action === "signin.lockout");
    expect(lockout).toMatchObject({ actor: "system", target: "user:ana@example.com" });
    expect(JSON.stringify(entries)).not.toMatch(/wrong-|ana-password/);
  });

  it("the lock ends 15 minutes after the failure that tripped it; a success clears the email's failures", async () => {
    const address = "192.0.2.50";
    const t0 = new Date();
    for (let i = 0; i <= EMAIL_MAX; i++) await attemptSignIn({ email: "bo@example.com", password: "nope-nope", address }, t0);
    const justBefore = new Date(t0.getTime() + LOCK_MS - 60_000);
    expect(await attemptSignIn({ email: "bo@example.com", password: "bo-password", address }, justBefore)).toMatchObject({
      ok: false,
      reason: "locked",
      lock: { scope: "email", minutes: 1, message: "Too many failed attempts; try again in 1 minute." },
    });
    const after = new Date(t0.getTime() + LOCK_MS + 1000);
    expect(await attemptSignIn({ email: "bo@example.com", password: "bo-password", address }, after)).toMatchObject({ ok: true });
    expect(await failures("email:bo@example.com")).toBe(0);
    expect(await failures(`addr:${address}`)).toBe(EMAIL_MAX + 1); // the address keeps its count
  });

  it("unknown emails lock exactly like known ones (no account enumeration)", async () => {
    const addr = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i <= EMAIL_MAX + 1; i++) statuses.push((await json({ email: "nobody@example.com", password: "whatever-1" }, addr)).status);
    expect(statuses).toEqual([...Array(EMAIL_MAX).fill(401), 429, 429]);
  });
});

describe("sign-in throttle (per client address)", () => {
  it(`throttles an address after more than ${ADDRESS_MAX} failures across emails; other addresses still sign in`, async () => {
    const addr = { "x-forwarded-for": "203.0.113.9" };
    const statuses: number[] = [];
    for (let i = 0; i <= ADDRESS_MAX; i++) statuses.push((await json({ email: `spray${i}@example.com`, password: "guess-guess" }, addr)).status);
    expect(statuses.slice(0, ADDRESS_MAX).every((s) => s === 401)).toBe(true);
    expect(statuses[ADDRESS_MAX]).toBe(429);
    expect((await json({ email: "bo@example.com", password: "bo-password" }, addr)).status).toBe(429);
    expect((await json({ email: "bo@example.com", password: "bo-password" }, { "x-forwarded-for": "203.0.113.10" })).status).toBe(200);
    const { entries } = await listAudit({ limit: 50 });
    expect(entries.some((e) => e.action === "signin.throttle_address" && e.target === "address:203.0.113.9")).toBe(true);
  });

  it("requests without X-Forwarded-For share the address \"local\"", async () => {
    await json({ email: "ana@example.com", password: "wrong-password" });
    expect(await failures("addr:local")).toBe(1);
  });
});

describe("setup completion is throttled per address", () => {
  it("wrong setup tokens count; more than the limit gets 429", async () => {
    const db = await freshDatabase();
    expect(db).toBeTruthy();
    await prepareFirstRun();
    const addr = { "x-forwarded-for": "198.18.0.1" };
    const post = () =>
      setupPost(
        new Request(`${BASE}/api/auth/setup`, {
          method: "POST",
          headers: { "content-type": "application/json", ...addr },
          body: JSON.stringify({ token: "not-the-token", email: "root@example.com", password: "root-password" }),
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i <= ADDRESS_MAX + 1; i++) statuses.push((await post()).status);
    expect(statuses.slice(0, ADDRESS_MAX)).toEqual(Array(ADDRESS_MAX).fill(403));
    expect(statuses.slice(ADDRESS_MAX)).toEqual([429, 429]);
    // the right token from another address still works, and is audited
    const { setupToken } = (await prepareFirstRun())!;
    const ok = await setupPost(
      new Request(`${BASE}/api/auth/setup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: setupToken, email: "root@example.com", password: "root-password" }),
      }),
    );
    expect(ok.status).toBe(201);
    const { entries } = await listAudit({ limit: 5 });
    expect(entries[0]).toMatchObject({ actor: "user:root@example.com", action: "setup.complete", target: "user:root@example.com" });
    expect(JSON.stringify(entries)).not.toContain(setupToken);
  });
});

describe("sessions end on role change, deletion, and on request; all audited", () => {
  it("role change ends the user's sessions; the same role is a no-op", async () => {
    await freshDatabase();
    await createUser({ email: "lead@example.com", password: "lead-password", role: "admin" }, { actor: "system" });
    const v = await createUser({ email: "v@example.com", password: "v-password", role: "viewer" }, { actor: "user:lead@example.com" });
    const s1 = (await createSession(v.id)).token;
    await setRole(v.id, "viewer", { actor: "user:lead@example.com" });
    expect(await resolveSession(s1)).not.toBeNull();
    await setRole(v.id, "admin", { actor: "user:lead@example.com" });
    expect(await resolveSession(s1)).toBeNull();
    const s2 = (await createSession(v.id)).token;
    const s3 = (await createSession(v.id)).token;
    expect(await destroyUserSessions(v.id, { actor: "user:lead@example.com", email: "v@example.com" })).toBe(2);
    expect(await resolveSession(s2)).toBeNull();
    expect(await resolveSession(s3)).toBeNull();
    const s4 = (await createSession(v.id)).token;
    await deleteUser(v.id, { actor: "user:lead@example.com" });
    expect(await resolveSession(s4)).toBeNull();
    const { key } = await createApiKey({ name: "ci", scopes: ["ingest"], createdBy: "lead@example.com" });
    await revokeApiKey("ci", { actor: "user:lead@example.com" });

    const { entries } = await listAudit({ limit: 50 });
    const summary = entries.map((e) => [e.actor, e.action, e.target]).reverse();
    expect(summary).toEqual([
      ["system", "user.create", "user:lead@example.com"],
      ["user:lead@example.com", "user.create", "user:v@example.com"],
      ["user:lead@example.com", "user.role_change", "user:v@example.com"],
      ["user:lead@example.com", "sessions.end", "user:v@example.com"],
      ["user:lead@example.com", "user.delete", "user:v@example.com"],
      ["user:lead@example.com", "apikey.create", "key:ci"],
      ["user:lead@example.com", "apikey.revoke", "key:ci"],
    ]);
    expect(entries.find((e) => e.action === "user.role_change")!.details).toEqual({ from: "viewer", to: "admin", sessions_ended: 1 });
    expect(entries.find((e) => e.action === "user.delete")!.details).toMatchObject({ sessions_ended: 1 });
    const all = JSON.stringify(entries);
    expect(all).not.toContain(key);
    expect(all).not.toMatch(/v-password|lead-password/);
  });
});
