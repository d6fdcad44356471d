import type { Metadata } from "next";
import { PageFrame } from "@/components/page-frame";
import { SettingsForm, type SettingsFormTarget } from "@/components/settings-form";
import { requireUser } from "@/lib/auth/page";
import { formatInstant } from "@/components/format";
import { DEFAULT_METRIC_SETTINGS, getMetricSettings } from "@/lib/settings";
import { DEFAULT_TARGETS, getTargets } from "@/lib/settings/targets";
import { settingsLastUpdated } from "@/lib/settings/update";
import { restoreDefaultsAction, saveSettingsAction } from "./actions";

export const metadata: Metadata = { title: "Settings · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser({ admin: true, next: "/settings" });
  const sp = await searchParams;
  const [settings, targets, updated] = await Promise.all([getMetricSettings(), getTargets(), settingsLastUpdated()]);
  const formTargets: SettingsFormTarget[] = targets.map((t) => {
    const def = DEFAULT_TARGETS.find((d) => d.id === t.id)!;
    return {
      id: t.id,
      label: t.label,
      unit: t.unit,
      gap: t.field === "gap",
      note: t.note,
      min: t.min ?? null,
      max: t.max ?? null,
      defaultMin: def.min ?? null,
      defaultMax: def.max ?? null,
    };
  });
  return (
    <PageFrame
      user={user}
      current="settings"
      pathname="/settings"
      title="Settings"
      description={
        <>
          Targets, windows and cost inputs used by every page and by the API. Admins only.{" "}
          {updated ? `Last changed ${formatInstant(updated.at)}${updated.by ? ` by ${updated.by}` : ""}.` : "All values are the defaults."}
        </>
      }
      showWhenEmpty
    >
      <SettingsForm
        action={saveSettingsAction}
        restoreAction={restoreDefaultsAction}
        restored={sp.restored === "1"}
        settings={settings}
        defaults={DEFAULT_METRIC_SETTINGS}
        targets={formTargets}
      />
    </PageFrame>
  );
}
