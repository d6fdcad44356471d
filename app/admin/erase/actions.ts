"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requireUser } from "@/lib/auth/page";
import { eraseCustomer } from "@/lib/maintenance/erase";

const PAGE = "/admin/erase";
const ZErase = z.object({
  customer_id: z.string().trim().min(1, { error: "customer_id: required" }).max(200, { error: "customer_id: at most 200 characters" }),
  confirm: z.literal("erase", { error: 'confirm: type "erase" to confirm' }),
});

/** Right to erasure from the UI; re-checks the admin role server-side. */
export async function eraseAction(form: FormData): Promise<void> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const parsed = ZErase.safeParse({ customer_id: form.get("customer_id") ?? "", confirm: form.get("confirm") ?? "" });
  if (!parsed.success) redirect(`${PAGE}?error=${encodeURIComponent(parsed.error.issues[0].message)}`);
  const r = await eraseCustomer(parsed.data.customer_id, `user:${admin.email}`);
  redirect(`${PAGE}?events=${r.eventsDeleted}&conversations=${r.conversationsDeleted}&recomputed=${r.conversationsRecomputed}`);
}
