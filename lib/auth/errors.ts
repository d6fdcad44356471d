/**
 * The one error type of lib/auth: a message fit to show a person (CLI stderr, a form, a JSON
 * error), a machine code, and the offending field when an input was invalid.
 */
export type AuthErrorCode =
  | "invalid_input"
  | "conflict"
  | "not_found"
  | "last_admin"
  | "setup_done"
  | "invalid_token"
  | "rate_limited";

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly field?: string,
    /** for "rate_limited": seconds until another attempt is allowed */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/** The first zod issue as an AuthError naming its field ("email: enter a valid email address"). */
export function fromZodIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): AuthError {
  const issue = issues[0];
  const field = issue && issue.path.length > 0 ? String(issue.path[0]) : undefined;
  const message = issue ? issue.message : "invalid input";
  return new AuthError("invalid_input", field ? `${field}: ${message}` : message, field);
}
