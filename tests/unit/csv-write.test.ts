import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { csvCell, csvRow } from "../../lib/csv/write";

describe("CSV writing", () => {
  it("escapes formula starters in text but not numbers", () => {
    expect(csvCell("=HYPERLINK(\"x\")")).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell("+1 555")).toBe("'+1 555");
    expect(csvCell("-rm")).toBe("'-rm");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell("plain")).toBe("plain");
  });
  it("round-trips quotes, commas and newlines through a CSV parser", () => {
    const values = ['say "hi"', "a,b", "two\nlines", null, true, new Date("2026-03-01T10:00:00Z")];
    expect(parse(csvRow(values))).toEqual([['say "hi"', "a,b", "two\nlines", "", "true", "2026-03-01T10:00:00.000Z"]]);
  });
});
