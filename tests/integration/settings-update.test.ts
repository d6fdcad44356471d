import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db/prisma";
import { DEFAULT_METRIC_SETTINGS, getMetricSettings } from "../../lib/settings";
import { DEFAULT_TARGETS, getTargets, TARGETS_KEY } from "../../lib/settings/targets";
import {
  parseSettingsForm,
  restoreDefaultSettings,
  saveSettings,
  SettingsValidationError,
  settingsLastUpdated,
  validateSettingsUpdate,
} from "../../lib/settings/update";
import { closeConnections, freshDatabase } from "./support/db";

beforeAll(async () => {
  await freshDatabase();
});
beforeEach(async () => {
  await restoreDefaultSettings();
});
afterAll(closeConnections);

/** The form as the settings page posts it with every default value. */
function defaultForm(): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(DEFAULT_METRIC_SETTINGS)) form[k] = v === null ? "" : String(v);
  for (const t of DEFAULT_TARGETS) {
    const scale = t.unit === "rate" ? 100 : 1;
    form[`target.${t.id}.min`] = t.min === undefined ? "" : String(Number((t.min * scale).toFixed(4)));
    form[`target.${t.id}.max`] = t.max === undefined ? "" : String(Number((t.max * scale).toFixed(4)));
  }
  return form;
}

function errorsOf(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof SettingsValidationError) return e.errors;
    throw e;
  }
  throw new Error("expected a SettingsValidationError");
}

describe("settings update", () => {
  it("the defaults round-trip through the form and store nothing", async () => {
    const update = parseSettingsForm(defaultForm());
    expect(update.settings).toEqual(DEFAULT_METRIC_SETTINGS);
    await saveSettings(update, "lead@example.com");
    expect(await prisma().setting.count()).toBe(0);
    expect(await getMetricSettings()).toEqual(DEFAULT_METRIC_SETTINGS);
    expect(await getTargets()).toEqual(DEFAULT_TARGETS);
    expect(await settingsLastUpdated()).toBeNull();
  });

  it("saves windows, cost inputs and target overrides under the ZMetricSettings keys and `targets`", async () => {
    const form = {
      ...defaultForm(),
      recontact_hours: "24",
      human_cost_per_hour: "55.5",
      baseline_cost_per_contact: "7,25",
      "target.fcr_all.min": "75",
      "target.escalation_wait_p90.max": "600",
      "target.recontact_ai_only.max": "",
      "target.recontact_ai_only.min": "1",
    };
    await saveSettings(parseSettingsForm(form), "lead@example.com");
    expect(await getMetricSettings()).toEqual({ ...DEFAULT_METRIC_SETTINGS, recontact_hours: 24, human_cost_per_hour: 55.5, baseline_cost_per_contact: 7.25 });
    const keys = (await prisma().setting.findMany({ orderBy: { key: "asc" } })).map((r) => r.key);
    expect(keys).toEqual(["baseline_cost_per_contact", "human_cost_per_hour", "recontact_hours", TARGETS_KEY]);
    const targets = await getTargets();
    expect(targets.find((t) => t.id === "fcr_all")).toMatchObject({ min: 0.75 });
    expect(targets.find((t) => t.id === "escalation_wait_p90")).toMatchObject({ max: 600 });
    const recontact = targets.find((t) => t.id === "recontact_ai_only")!;
    expect(recontact.min).toBe(0.01);
    expect(recontact.max).toBeUndefined();
    // untouched targets keep the defaults, and only the differences are stored
    expect(targets.find((t) => t.id === "hallucination_rate")).toEqual(DEFAULT_TARGETS.find((t) => t.id === "hallucination_rate"));
    const stored = (await prisma().setting.findUnique({ where: { key: TARGETS_KEY } }))!.value as { id: string }[];
    expect(stored.map((o) => o.id).sort()).toEqual(["escalation_wait_p90", "fcr_all", "recontact_ai_only"]);
    expect((await settingsLastUpdated())?.by).toBe("lead@example.com");

    await restoreDefaultSettings();
    expect(await getMetricSettings()).toEqual(DEFAULT_METRIC_SETTINGS);
    expect(await getTargets()).toEqual(DEFAULT_TARGETS);
  });

  it("form errors name the field, and nothing is saved", async () => {
    const errors = errorsOf(() =>
      parseSettingsForm({ ...defaultForm(), human_cost_per_hour: "lots", recontact_hours: "", "target.fcr_all.min": "seventy" }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(["human_cost_per_hour", "recontact_hours", "target.fcr_all.min"]);
    expect(errors.find((e) => e.field === "human_cost_per_hour")?.message).toMatch(/Human cost per hour must be a number/);
    await expect(saveSettings({ settings: { ...DEFAULT_METRIC_SETTINGS, human_cost_per_hour: -1 }, targets: [] })).rejects.toThrow(
      /human_cost_per_hour: Human cost per hour cannot be negative/,
    );
    expect(await prisma().setting.count()).toBe(0);
  });

  it("validation: ranges, whole hours, min below max, a bound required, known targets only", () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ verification_hours: "1.5" }, "verification_hours", /whole number of hours/],
      [{ verification_hours: "0" }, "verification_hours", /at least 1 hour/],
      [{ recontact_hours: "9000" }, "recontact_hours", /at most 8760/],
      [{ ai_cost_per_conversation: "-2" }, "ai_cost_per_conversation", /cannot be negative/],
      [{ "target.verified_deflection.min": "80" }, "target.verified_deflection.max", /maximum must be above the minimum/],
      [{ "target.fcr_all.min": "" }, "target.fcr_all.min", /set a minimum or a maximum/],
      [{ "target.fcr_all.min": "120" }, "target.fcr_all.min", /between 0 and 100 %/],
      [{ "target.escalation_wait_p90.max": "-5" }, "target.escalation_wait_p90.max", /between 0 s and 30 days/],
    ];
    for (const [change, field, message] of cases) {
      const errors = errorsOf(() => parseSettingsForm({ ...defaultForm(), ...change }));
      expect(errors.map((e) => e.field), JSON.stringify(change)).toContain(field);
      expect(errors.find((e) => e.field === field)?.message).toMatch(message);
    }
    // the CSAT gap may be negative (points below human-only)
    expect(parseSettingsForm({ ...defaultForm(), "target.csat_gap.min": "-3" }).targets.find((t) => t.id === "csat_gap")?.min).toBe(-0.03);
    // the structured API names fields the same way
    expect(errorsOf(() => validateSettingsUpdate({ settings: DEFAULT_METRIC_SETTINGS, targets: [{ id: "nope", min: 1 }] }))).toEqual([
      { field: "target.nope", message: 'unknown target "nope"' },
    ]);
    expect(errorsOf(() => validateSettingsUpdate({ settings: { ...DEFAULT_METRIC_SETTINGS, colour: 1 }, targets: [] }))[0].field).toBe("colour");
    expect(errorsOf(() => validateSettingsUpdate({ settings: { ...DEFAULT_METRIC_SETTINGS, recontact_hours: "48" }, targets: [] }))[0]).toMatchObject({
      field: "recontact_hours",
    });
  });
});
