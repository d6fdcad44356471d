"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { CreateUserState } from "@/components/auth/types";
import { AuthError } from "@/lib/auth/errors";
import { requireUser } from "@/lib/auth/page";
import { destroyUserSessions } from "@/lib/auth/sessions";
import { createUser, deleteUser, findUser, setRole, type Role } from "@/lib/auth/users";

const PAGE = "/admin/users";

function userId(form: FormData): bigint | null {
  const raw = String(form.get("id") ?? "");
  return /^\d{1,19}$/.test(raw) ? BigInt(raw) : null;
}

/** Every action re-checks the admin role server-side (requireUser redirects anyone else). */
export async function createUserAction(_prev: CreateUserState, form: FormData): Promise<CreateUserState> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const email = String(form.get("email") ?? "");
  const role = String(form.get("role") ?? "viewer");
  try {
    const user = await createUser({ email, password: String(form.get("password") ?? ""), role: role as Role }, { actor: `user:${admin.email}` });
    revalidatePath(PAGE);
    return { status: "created", email: user.email, role: user.role };
  } catch (e) {
    if (e instanceof AuthError) return { status: "error", message: e.message, field: e.field, email, role };
    throw e;
  }
}

export async function setRoleAction(form: FormData): Promise<void> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const id = userId(form);
  let target = `${PAGE}?error=not_found`;
  if (id !== null) {
    try {
      const before = await findUser(id);
      const user = await setRole(id, String(form.get("role") ?? "") as Role, { actor: `user:${admin.email}` });
      // a role change ends that user's sessions: an admin who changed their own role signs in again
      const changedSelf = user.id === admin.userId && before !== null && before.role !== user.role;
      target = changedSelf ? "/signin?signed_out=role" : `${PAGE}?updated=${encodeURIComponent(user.email)}`;
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      target = `${PAGE}?error=${e.code}`;
    }
  }
  revalidatePath(PAGE);
  redirect(target);
}

export async function deleteUserAction(form: FormData): Promise<void> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const id = userId(form);
  let target = `${PAGE}?error=not_found`;
  if (id !== null) {
    try {
      await deleteUser(id, { actor: `user:${admin.email}` });
      // deleting yourself ends your sessions (cascade)
      target = id === admin.userId ? "/signin" : `${PAGE}?deleted=1`;
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      target = `${PAGE}?error=${e.code}`;
    }
  }
  revalidatePath(PAGE);
  redirect(target);
}

/** Ends every session of one user (an admin action; for yourself use "Sign out everywhere"). */
export async function endSessionsAction(form: FormData): Promise<void> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const id = userId(form);
  const user = id === null ? null : await findUser(id);
  let target = `${PAGE}?error=not_found`;
  if (user) {
    const count = await destroyUserSessions(user.id, { actor: `user:${admin.email}`, email: user.email });
    target = user.id === admin.userId ? "/signin?signed_out=everywhere" : `${PAGE}?ended=${encodeURIComponent(user.email)}&count=${count}`;
  }
  revalidatePath(PAGE);
  redirect(target);
}
