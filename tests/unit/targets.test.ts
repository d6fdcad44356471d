import { describe, expect, it } from "vitest";
import { applyTargetOverrides, DEFAULT_TARGETS, evaluateTarget } from "../../lib/settings/targets";

describe("target status", () => {
  it("min targets: met at the bound, warning within 5 points, missed beyond", () => {
    const t = { min: 0.8, unit: "rate" as const };
    expect(evaluateTarget(t, 0.8)).toBe("met");
    expect(evaluateTarget(t, 0.76)).toBe("warning");
    expect(evaluateTarget(t, 0.74)).toBe("missed");
    expect(evaluateTarget(t, null)).toBe("no_data");
  });
  it("max targets are strict (< 10 %), and bands warn on both sides", () => {
    expect(evaluateTarget({ max: 0.1, unit: "rate" }, 0.1)).toBe("warning");
    expect(evaluateTarget({ max: 0.1, unit: "rate" }, 0.099)).toBe("met");
    const band = { min: 0.2, max: 0.4, unit: "rate" as const };
    expect(evaluateTarget(band, 0.3)).toBe("met");
    expect(evaluateTarget(band, 0.17)).toBe("warning");
    expect(evaluateTarget(band, 0.05)).toBe("missed");
    expect(evaluateTarget(band, 0.5)).toBe("missed");
  });
  it("time targets warn within 20 %", () => {
    expect(evaluateTarget({ max: 900, unit: "seconds" }, 1000)).toBe("warning");
    expect(evaluateTarget({ max: 900, unit: "seconds" }, 1100)).toBe("missed");
  });
  it("overrides replace or clear bounds by id and leave the rest at §5's defaults", () => {
    const t = applyTargetOverrides([{ id: "escalation_rate", min: null, max: 0.35 }]);
    expect(t.find((x) => x.id === "escalation_rate")).toMatchObject({ min: undefined, max: 0.35 });
    expect(t.find((x) => x.id === "verified_resolution")).toEqual(DEFAULT_TARGETS[0]);
  });
});
