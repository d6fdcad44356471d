import { afterEach, describe, expect, it } from "vitest";
import { config } from "../../lib/config";

describe("WEB_WORKERS", () => {
  const saved = process.env.WEB_WORKERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.WEB_WORKERS;
    else process.env.WEB_WORKERS = saved;
  });

  it("defaults to one server process", () => {
    delete process.env.WEB_WORKERS;
    expect(config.webWorkers).toBe(1);
  });

  it("takes a whole number from 1 to 64 and refuses anything else by name", () => {
    process.env.WEB_WORKERS = "1";
    expect(config.webWorkers).toBe(1);
    process.env.WEB_WORKERS = "64";
    expect(config.webWorkers).toBe(64);
    for (const bad of ["0", "65", "2.5", "-1", "many"]) {
      process.env.WEB_WORKERS = bad;
      expect(() => config.webWorkers).toThrow(`WEB_WORKERS must be a whole number from 1 to 64, got "${bad}"`);
    }
  });
});
