"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { CreateUserState } from "@/components/auth/types";
import { AuthError } from "@/lib/auth/errors";
import { requireUser } from "@/lib/auth/page";
import { createUser, deleteUser, setRole, type Role } from "@/lib/auth/users";

const PAGE = "/admin/users";

function userId(form: FormData): bigint | null {
  const raw = String(form.get("id") ?? "");
  return /^\d{1,19}$/.test(raw) ? BigInt(raw) : null;
}

/** Every action re-checks the admin role server-side (requireUser redirects anyone else). */
export async function createUserAction(_prev: CreateUserState, form: FormData): Promise<CreateUserState> {
  await requireUser({ admin: true, next: PAGE });
  const email = String(form.get("email") ?? "");
  const role = String(form.get("role") ?? "viewer");
  try {
    const user = await createUser({ email, password: String(form.get("password") ?? ""), role: role as Role });
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
      const user = await setRole(id, String(form.get("role") ?? "") as Role);
      // an admin who demoted themselves can no longer open this page
      target = user.id === admin.userId && user.role !== "admin" ? "/" : `${PAGE}?updated=${encodeURIComponent(user.email)}`;
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
      await deleteUser(id);
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
