import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Alert, AuthShell, Field, param, primaryButtonClass, SignOutButton, SignOutEverywhereButton, type SearchParams } from "@/components/auth/ui";
import { lockMessage } from "@/lib/auth/throttle";
import { safeNext } from "@/lib/auth/http";
import { currentUser } from "@/lib/auth/page";
import { countUsers } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Sign in · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  invalid_credentials: "That email and password do not match an account.",
  missing_email: "Enter your email address.",
  missing_password: "Enter your password.",
  cross_site: "The request came from another site and was refused. Sign in from this page.",
};

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  if ((await countUsers()) === 0) redirect("/setup");
  const next = safeNext(param(sp.next));
  const denied = param(sp.denied) === "admin";
  const user = await currentUser();
  if (user && param(sp.account) !== undefined && !denied) {
    // the small account section: /signin?account — sign out here or on every device
    return (
      <AuthShell title="Your account">
        <p className="text-sm text-slate-600">
          Signed in as <strong className="text-slate-900">{user.email}</strong> ({user.role}).
        </p>
        <p className="mt-3 text-sm text-slate-600">
          Lost a device or used a shared computer? “Sign out everywhere” ends all of your sessions, this one included.
        </p>
        <div className="mt-5 flex items-center justify-between gap-3">
          <Link href={next} className="text-sm font-medium text-indigo-600 hover:text-indigo-500">
            ← Back
          </Link>
          <div className="flex items-center gap-3">
            <SignOutButton />
            <SignOutEverywhereButton />
          </div>
        </div>
      </AuthShell>
    );
  }
  if (user && !denied) redirect(next);
  const errorCode = param(sp.error);
  const retry = Number(param(sp.retry));
  const error =
    errorCode === "locked"
      ? lockMessage(Number.isInteger(retry) && retry >= 1 && retry <= 60 ? retry : 15)
      : errorCode
        ? (ERRORS[errorCode] ?? "Sign-in failed. Try again.")
        : undefined;
  const signedOut = param(sp.signed_out);

  return (
    <AuthShell
      title={denied ? "Admins only" : "Sign in"}
      subtitle={denied ? undefined : "Use the account an admin created for you."}
    >
      {denied ? (
        <div className="mb-5 space-y-3">
          <Alert tone="warning" title="This page is for admins only">
            {user ? (
              <>
                You are signed in as <strong>{user.email}</strong> ({user.role}). Viewers can read dashboards and
                metrics; uploads, settings, users and API keys need an admin.
              </>
            ) : (
              <>Sign in with an admin account to continue.</>
            )}
          </Alert>
          {user ? (
            <div className="flex items-center justify-between text-sm">
              <Link href="/" className="font-medium text-indigo-600 hover:text-indigo-500">
                ← Back to the dashboard
              </Link>
              <div className="flex items-center gap-3">
                <SignOutEverywhereButton />
                <SignOutButton />
              </div>
            </div>
          ) : null}
          <p className="border-t border-slate-200 pt-4 text-sm text-slate-600">Or sign in as an admin:</p>
        </div>
      ) : null}
      {signedOut && !error ? (
        <div className="mb-4">
          <Alert tone="success">
            {signedOut === "everywhere"
              ? "You have been signed out on every device."
              : signedOut === "role"
                ? "Your role changed, so your sessions ended. Sign in again."
                : "You have been signed out."}
          </Alert>
        </div>
      ) : null}
      {error ? (
        <div className="mb-4">
          <Alert tone="error">{error}</Alert>
        </div>
      ) : null}
      <form action="/api/auth/signin" method="post" className="space-y-4">
        <input type="hidden" name="next" value={next} />
        <Field
          id="email"
          name="email"
          type="email"
          label="Email"
          autoComplete="username"
          required
          autoFocus
          error={errorCode === "missing_email" ? ERRORS.missing_email : undefined}
        />
        <Field
          id="password"
          name="password"
          type="password"
          label="Password"
          autoComplete="current-password"
          required
          error={errorCode === "missing_password" ? ERRORS.missing_password : undefined}
        />
        <button type="submit" className={`${primaryButtonClass} w-full`}>
          Sign in
        </button>
      </form>
      <p className="mt-4 text-xs text-slate-500">Forgot your password? Ask an admin to reset your account.</p>
    </AuthShell>
  );
}
