"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import type { SettingsFormState } from "@/components/settings-form";
import { requireUser } from "@/lib/auth/page";
import { refreshRollupsNow } from "@/lib/rollups/refresh";
import { parseSettingsForm, restoreDefaultSettings, saveSettings, SettingsValidationError } from "@/lib/settings/update";

const PAGE = "/settings";

/**
 * New windows invalidate the rollup (dashboards then read rows alone, correct but slower):
 * rebuild it once the response is sent rather than at the next ingest.
 */
function rebuildRollupsAfterResponse() {
  after(() =>
    refreshRollupsNow().catch((e: unknown) => {
      console.error(`rollup rebuild after a settings change failed: ${(e as Error).message}`);
    }),
  );
}

function formRecord(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && !k.startsWith("$")) out[k] = v;
  return out;
}

/** Save targets, windows and cost inputs. Re-checks the admin role: a viewer's POST is redirected. */
export async function saveSettingsAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const admin = await requireUser({ admin: true, next: PAGE });
  const values = formRecord(form);
  try {
    const update = parseSettingsForm(values);
    await saveSettings(update, admin.email);
    rebuildRollupsAfterResponse();
  } catch (e) {
    if (e instanceof SettingsValidationError) return { status: "error", errors: e.errors, values };
    throw e;
  }
  revalidatePath("/", "layout");
  return { status: "saved", values, at: new Date().toISOString() };
}

/** Remove every stored setting and target override: the spec's defaults apply again. */
export async function restoreDefaultsAction(): Promise<void> {
  const admin = await requireUser({ admin: true, next: PAGE });
  await restoreDefaultSettings(admin.email);
  rebuildRollupsAfterResponse();
  revalidatePath("/", "layout");
  redirect(`${PAGE}?restored=1`);
}
