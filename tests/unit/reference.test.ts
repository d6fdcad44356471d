import { describe, expect, it } from "vitest";
import { referenceMetrics } from "../reference/metrics";
import { matchExpected } from "../reference/expect";
import { FIXTURES } from "../reference/fixtures";

describe("reference: hand-worked fixtures", () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      const res = referenceMetrics(f.events, f.request, f.settings);
      expect(matchExpected(res, f.expected)).toEqual([]);
    });
  }
});
