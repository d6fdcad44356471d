import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "../../lib/auth/password";

describe("password hashing (scrypt)", () => {
  it("round-trips and rejects a wrong password", async () => {
    const h = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", h)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", h)).toBe(false);
    expect(await verifyPassword("Correct horse battery staple", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("salts: the same password hashes differently each time, and both verify", async () => {
    const a = await hashPassword("same password");
    const b = await hashPassword("same password");
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it("stores a self-describing string with the parameters and no plaintext", async () => {
    const pw = "plaintext-sentinel-42";
    const h = await hashPassword(pw);
    expect(h).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(h).not.toContain(pw);
    expect(h).not.toContain(Buffer.from(pw).toString("base64").slice(0, 12));
    const [, , , salt, key] = h.split("$");
    expect(Buffer.from(salt, "base64")).toHaveLength(16);
    expect(Buffer.from(key, "base64")).toHaveLength(64);
    expect(needsRehash(h)).toBe(false);
  });

  it("rejects malformed or tampered hashes instead of throwing", async () => {
    const h = await hashPassword("pw-12345678");
    expect(await verifyPassword("pw-12345678", "")).toBe(false);
    expect(await verifyPassword("pw-12345678", "pw-12345678")).toBe(false);
    expect(await verifyPassword("pw-12345678", h.replace("ln=15", "ln=30"))).toBe(false); // DoS parameters refused
    expect(await verifyPassword("pw-12345678", h.replace("ln=15", "ln=14"))).toBe(false); // different N, different key
    const parts = h.split("$");
    const key = Buffer.from(parts[4], "base64");
    key[0] ^= 1;
    parts[4] = key.toString("base64");
    expect(await verifyPassword("pw-12345678", parts.join("$"))).toBe(false);
  });
});
