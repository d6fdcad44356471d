import { z } from "zod";
import { recordAudit } from "../audit";
import { prisma } from "../db/prisma";
import { DEFAULT_METRIC_SETTINGS, type MetricSettings } from "./defaults";
import { DEFAULT_TARGETS, TARGETS_KEY, ZTargetOverrides, type Target, type TargetOverride } from "./targets";

/**
 * Saving the metric settings (windows, cost inputs) and the target overrides of metrics.md §5.
 * Stored in `settings`: one row per ZMetricSettings field (absent = the spec's default) and one
 * row `targets` with the overrides that differ from DEFAULT_TARGETS. Everything is validated
 * here, whoever calls (the settings page's server action re-checks the admin role first).
 */

export interface FieldError {
  /** the form field / settings key, e.g. `human_cost_per_hour` or `target.fcr_all.min` */
  field: string;
  message: string;
}

export class SettingsValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
  }
}

const hours = (label: string) =>
  z
    .number({ error: `${label} must be a number of hours` })
    .int({ error: `${label} must be a whole number of hours` })
    .min(1, { error: `${label} must be at least 1 hour` })
    .max(24 * 365, { error: `${label} must be at most 8760 hours (a year)` });
const money = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .min(0, { error: `${label} cannot be negative` })
    .max(1_000_000, { error: `${label} must be at most 1,000,000` });

/** ZMetricSettings with messages a person can act on. */
export const ZMetricSettingsInput = z
  .object({
    recontact_hours: hours("Re-contact window"),
    verification_hours: hours("Verification window"),
    ai_cost_per_conversation: money("AI cost per conversation"),
    human_cost_per_hour: money("Human cost per hour"),
    human_cost_per_contact_fallback: money("Human cost per contact (fallback)"),
    baseline_cost_per_contact: money("Baseline cost per contact").nullable(),
  })
  .strict();

const bound = z.number().finite().nullable().optional();
export const ZTargetInput = z.object({ id: z.string(), min: bound, max: bound }).strict();

export const ZSettingsUpdate = z.object({
  settings: ZMetricSettingsInput,
  /** one entry per target to set; min/max null removes that bound, absent keeps the default */
  targets: z.array(ZTargetInput),
});
export type SettingsUpdate = z.infer<typeof ZSettingsUpdate>;

const TARGET_BY_ID = new Map(DEFAULT_TARGETS.map((t) => [t.id, t]));

/** Checks zod cannot express per target: known id, at least one bound, min < max, sane ranges. */
function checkTargets(targets: SettingsUpdate["targets"]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const def = TARGET_BY_ID.get(t.id);
    if (!def) {
      errors.push({ field: `target.${t.id}`, message: `unknown target "${t.id}"` });
      continue;
    }
    if (seen.has(t.id)) errors.push({ field: `target.${t.id}`, message: `${def.label}: given twice` });
    seen.add(t.id);
    const min = t.min === undefined ? def.min : (t.min ?? undefined);
    const max = t.max === undefined ? def.max : (t.max ?? undefined);
    if (min === undefined && max === undefined) {
      errors.push({ field: `target.${t.id}.min`, message: `${def.label}: set a minimum or a maximum` });
      continue;
    }
    for (const [side, v] of [["min", min], ["max", max]] as const) {
      if (v === undefined) continue;
      if (def.unit === "rate" && def.field !== "gap" && (v < 0 || v > 1)) {
        errors.push({ field: `target.${t.id}.${side}`, message: `${def.label}: ${side === "min" ? "minimum" : "maximum"} must be between 0 and 100 %` });
      } else if (def.unit === "rate" && def.field === "gap" && (v < -1 || v > 1)) {
        errors.push({ field: `target.${t.id}.${side}`, message: `${def.label}: must be between −100 and 100 points` });
      } else if (def.unit === "seconds" && (v < 0 || v > 30 * 86_400)) {
        errors.push({ field: `target.${t.id}.${side}`, message: `${def.label}: must be between 0 s and 30 days` });
      }
    }
    if (min !== undefined && max !== undefined && min >= max) {
      errors.push({ field: `target.${t.id}.max`, message: `${def.label}: the maximum must be above the minimum` });
    }
  }
  return errors;
}

/** Validate an update (zod, then the per-target rules); throws SettingsValidationError naming every bad field. */
export function validateSettingsUpdate(input: unknown): SettingsUpdate {
  const r = ZSettingsUpdate.safeParse(input);
  if (!r.success) {
    throw new SettingsValidationError(
      r.error.issues.map((i) => {
        // settings.<key> → <key>; targets.<n>.<side> → target.<id>.<side>
        const [head, ...rest] = i.path.map(String);
        let field = rest.join(".") || head || "settings";
        if (head === "targets" && rest.length) {
          const t = (input as { targets?: { id?: unknown }[] })?.targets?.[Number(rest[0])];
          field = ["target", typeof t?.id === "string" ? t.id : rest[0], ...rest.slice(1)].join(".");
        }
        if (i.code === "unrecognized_keys") field = i.keys[0];
        return { field, message: i.code === "unrecognized_keys" ? `unknown setting "${i.keys[0]}"` : i.message };
      }),
    );
  }
  const errors = checkTargets(r.data.targets);
  if (errors.length) throw new SettingsValidationError(errors);
  return r.data;
}

/** The overrides that differ from the defaults (so a later change of a default still applies where unset). */
function overridesToStore(targets: SettingsUpdate["targets"]): TargetOverride[] {
  const out: TargetOverride[] = [];
  for (const t of targets) {
    const def = TARGET_BY_ID.get(t.id)!;
    const o: TargetOverride = { id: t.id };
    if (t.min !== undefined && (t.min ?? undefined) !== def.min) o.min = t.min;
    if (t.max !== undefined && (t.max ?? undefined) !== def.max) o.max = t.max;
    if (o.min !== undefined || o.max !== undefined) out.push(o);
  }
  return ZTargetOverrides.parse(out);
}

/** Validate and store: one row per settings key (a value equal to the default removes the row), and `targets`. */
export async function saveSettings(input: unknown, updatedBy?: string): Promise<SettingsUpdate> {
  const update = validateSettingsUpdate(input);
  const db = prisma();
  const keys = Object.keys(DEFAULT_METRIC_SETTINGS) as (keyof MetricSettings)[];
  const overrides = overridesToStore(update.targets);
  const writes = [];
  for (const key of keys) {
    const value = update.settings[key];
    if (value === DEFAULT_METRIC_SETTINGS[key] || value === null) {
      writes.push(db.setting.deleteMany({ where: { key } }));
    } else {
      writes.push(
        db.setting.upsert({
          where: { key },
          create: { key, value, updatedBy: updatedBy ?? null },
          update: { value, updatedBy: updatedBy ?? null, updatedAt: new Date() },
        }),
      );
    }
  }
  if (overrides.length === 0) {
    writes.push(db.setting.deleteMany({ where: { key: TARGETS_KEY } }));
  } else {
    writes.push(
      db.setting.upsert({
        where: { key: TARGETS_KEY },
        create: { key: TARGETS_KEY, value: overrides, updatedBy: updatedBy ?? null },
        update: { value: overrides, updatedBy: updatedBy ?? null, updatedAt: new Date() },
      }),
    );
  }
  await db.$transaction(writes);
  await recordAudit({
    actor: updatedBy ? `user:${updatedBy}` : "system",
    action: "settings.update",
    details: { settings: update.settings, target_overrides: overrides },
  });
  return update;
}

/** "Restore defaults": remove every stored metric setting and the target overrides. */
export async function restoreDefaultSettings(updatedBy?: string): Promise<void> {
  await prisma().setting.deleteMany({ where: { key: { in: [...Object.keys(DEFAULT_METRIC_SETTINGS), TARGETS_KEY] } } });
  await recordAudit({ actor: updatedBy ? `user:${updatedBy}` : "system", action: "settings.restore_defaults" });
}

/** When and by whom the settings were last changed (null when all are defaults). */
export async function settingsLastUpdated(): Promise<{ at: Date; by: string | null } | null> {
  const row = await prisma().setting.findFirst({
    where: { key: { in: [...Object.keys(DEFAULT_METRIC_SETTINGS), TARGETS_KEY] } },
    orderBy: { updatedAt: "desc" },
  });
  return row ? { at: row.updatedAt, by: row.updatedBy } : null;
}

/**
 * The settings form (all strings) → an update. Rates are entered in percent (80 → 0.8),
 * durations in seconds, money as plain decimals; an empty baseline means "not set", an empty
 * target bound removes it. Errors name the form field.
 */
export function parseSettingsForm(form: Record<string, string | undefined>): SettingsUpdate {
  const errors: FieldError[] = [];
  const num = (field: string, label: string, opts: { optional?: boolean } = {}): number | null => {
    const raw = (form[field] ?? "").trim().replace(",", ".");
    if (raw === "") {
      if (opts.optional) return null;
      errors.push({ field, message: `${label} is required` });
      return null;
    }
    if (!/^-?\d+(\.\d+)?$/.test(raw)) {
      errors.push({ field, message: `${label} must be a number` });
      return null;
    }
    return Number(raw);
  };
  const settings = {
    recontact_hours: num("recontact_hours", "Re-contact window"),
    verification_hours: num("verification_hours", "Verification window"),
    ai_cost_per_conversation: num("ai_cost_per_conversation", "AI cost per conversation"),
    human_cost_per_hour: num("human_cost_per_hour", "Human cost per hour"),
    human_cost_per_contact_fallback: num("human_cost_per_contact_fallback", "Human cost per contact (fallback)"),
    baseline_cost_per_contact: num("baseline_cost_per_contact", "Baseline cost per contact", { optional: true }),
  };
  const targets: SettingsUpdate["targets"] = DEFAULT_TARGETS.map((t: Target) => {
    const scale = t.unit === "rate" ? 100 : 1;
    const side = (s: "min" | "max") => {
      const field = `target.${t.id}.${s}`;
      if (!(field in form)) return undefined; // not on the form: keep the default
      const v = num(field, `${t.label}, ${s === "min" ? "minimum" : "maximum"}`, { optional: true });
      return v === null ? null : v / scale;
    };
    return { id: t.id, min: side("min"), max: side("max") };
  });
  if (errors.length) throw new SettingsValidationError(errors);
  return validateSettingsUpdate({ settings, targets });
}
