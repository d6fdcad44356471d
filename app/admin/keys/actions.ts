"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { CreateKeyState } from "@/components/auth/types";
import { createApiKey, revokeApiKey, type Scope } from "@/lib/auth/api-keys";
import { AuthError } from "@/lib/auth/errors";
import { requireUser } from "@/lib/auth/page";

const PAGE = "/admin/keys";

/** Every action re-checks the admin role server-side (requireUser redirects anyone else). */
export async function createKeyAction(_prev: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const name = String(form.get("name") ?? "");
  const scopes = form.getAll("scopes").map(String);
  try {
    const { key, info } = await createApiKey({ name, scopes: scopes as Scope[], createdBy: admin.email, actor: `user:${admin.email}` });
    revalidatePath(PAGE);
    return { status: "created", name: info.name, key, scopes: info.scopes };
  } catch (e) {
    if (e instanceof AuthError) return { status: "error", message: e.message, field: e.field, name, scopes };
    throw e;
  }
}

export async function revokeKeyAction(form: FormData): Promise<void> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const name = String(form.get("name") ?? "");
  let target: string;
  try {
    const info = await revokeApiKey(name, { actor: `user:${admin.email}` });
    target = `${PAGE}?revoked=${encodeURIComponent(info.name)}`;
  } catch (e) {
    if (!(e instanceof AuthError)) throw e;
    target = `${PAGE}?error=${e.code}`;
  }
  revalidatePath(PAGE);
  redirect(target);
}
