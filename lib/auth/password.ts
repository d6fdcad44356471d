import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashing with scrypt (memory-hard, in Node's crypto; no home-made construction).
 *
 * Stored format (PHC-like, self-describing so parameters can be raised later without breaking
 * existing rows):  $scrypt$ln=15,r=8,p=1$<salt, base64>$<64-byte key, base64>
 * where N = 2^ln. Nothing of the password itself is stored.
 */
const LN = 15; // N = 32768
const R = 8;
const P = 1;
const KEYLEN = 64;
const SALT_BYTES = 16;
// scrypt needs 128 * N * r * p bytes (32 MiB here); allow headroom. Bounded in verify as well.
const maxmemFor = (n: number, r: number, p: number) => 128 * n * r * p * 2;

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== "string" || password.length === 0) throw new Error("password must be a non-empty string");
  const salt = randomBytes(SALT_BYTES);
  const N = 2 ** LN;
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P, maxmem: maxmemFor(N, R, P) });
  return `$scrypt$ln=${LN},r=${R},p=${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** True when `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== "string" || typeof stored !== "string") return false;
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const ln = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  // refuse parameters that would let a tampered row exhaust memory or CPU
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(m[4], "base64");
  const expected = Buffer.from(m[5], "base64");
  if (salt.length < 8 || expected.length < 16) return false;
  const N = 2 ** ln;
  const actual = await scrypt(password, salt, expected.length, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return timingSafeEqual(actual, expected);
}

/** True when a stored hash uses weaker parameters than the current ones (rehash on next sign-in). */
export function needsRehash(stored: string): boolean {
  const m = FORMAT.exec(stored);
  if (!m) return true;
  return Number(m[1]) < LN || Number(m[2]) < R || Number(m[3]) < P;
}

/** A valid hash of a random password: verify against it to spend the same time for unknown users. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  return dummy;
}
