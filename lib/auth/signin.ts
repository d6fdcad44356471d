import { clearFailures, currentLock, recordFailure, type Lock } from "./throttle";
import { verifyCredentials, type PublicUser } from "./users";

export type SignInResult =
  | { ok: true; user: PublicUser }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "locked"; lock: Lock };

/**
 * The one sign-in check (form and JSON): refuses at once while the email or the client address
 * is locked (no password is checked then, and the refusal is not counted), else verifies the
 * password (the same scrypt work for unknown emails), records a failure or clears the email's
 * failures on success.
 */
export async function attemptSignIn(input: { email: string; password: string; address: string }, now = new Date()): Promise<SignInResult> {
  const lock = await currentLock({ email: input.email, address: input.address }, now);
  if (lock) return { ok: false, reason: "locked", lock };
  const user = await verifyCredentials(input.email, input.password);
  if (!user) {
    const after = await recordFailure({ email: input.email, address: input.address, kind: "signin" }, now);
    return after ? { ok: false, reason: "locked", lock: after } : { ok: false, reason: "invalid_credentials" };
  }
  await clearFailures(user.email);
  return { ok: true, user };
}
