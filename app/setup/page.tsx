import type { Metadata } from "next";
import Link from "next/link";
import { Alert, AuthShell, Field, param, primaryButtonClass, type SearchParams } from "@/components/auth/ui";
import { countUsers } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Set up · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  token: "The setup token is missing or not valid. Use the latest link printed by the server when it started.",
  invalid_token: "The setup token is missing or not valid. Use the latest link printed by the server when it started.",
  email: "Enter a valid email address.",
  password: "The password must be between 8 and 1024 characters.",
  cross_site: "The request came from another site and was refused. Submit the form from this page.",
  rate_limited: "Too many failed attempts from this address; try again in 15 minutes.",
};

export default async function SetupPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  if ((await countUsers()) > 0) {
    return (
      <AuthShell title="Setup is complete">
        <p className="text-sm text-slate-600">
          The first admin account already exists. Sign in with it; more users and API keys are managed by admins.
        </p>
        <Link href="/signin" className={`${primaryButtonClass} mt-5 w-full`}>
          Go to sign in
        </Link>
      </AuthShell>
    );
  }
  const token = param(sp.token) ?? "";
  const errorCode = param(sp.error);
  const error = errorCode ? (ERRORS[errorCode] ?? "Setup failed. Try again.") : undefined;
  const fieldError = (f: string) => (errorCode === f ? ERRORS[f] : undefined);
  const tokenRejected = errorCode === "token" || errorCode === "invalid_token";

  return (
    <AuthShell title="Create the first admin" subtitle="This account can upload data, change settings and invite others.">
      {error ? (
        <div className="mb-4">
          <Alert tone="error">{error}</Alert>
        </div>
      ) : null}
      {!token ? (
        <div className="mb-4">
          <Alert tone="info">
            Open the setup link printed by the server when it started (…/setup?token=…), or paste its token below.
          </Alert>
        </div>
      ) : null}
      <form action="/api/auth/setup" method="post" className="space-y-4">
        {token && !tokenRejected ? (
          <input type="hidden" name="token" value={token} />
        ) : (
          <Field
            id="token"
            name="token"
            label="Setup token"
            autoComplete="off"
            required
            defaultValue={token}
            error={tokenRejected ? ERRORS.token : undefined}
          />
        )}
        <Field
          id="email"
          name="email"
          type="email"
          label="Admin email"
          autoComplete="username"
          required
          autoFocus
          defaultValue={param(sp.email)}
          error={fieldError("email")}
        />
        <Field
          id="password"
          name="password"
          type="password"
          label="Password"
          autoComplete="new-password"
          minLength={8}
          required
          hint="At least 8 characters. A long passphrase is best."
          error={fieldError("password")}
        />
        <button type="submit" className={`${primaryButtonClass} w-full`}>
          Create admin and sign in
        </button>
      </form>
    </AuthShell>
  );
}
