import { describe, expect, it } from "vitest";
import { sharedBuffersMb } from "../../lib/db/embedded";

const GiB = 2 ** 30;

describe("the embedded cluster's shared_buffers", () => {
  it("is a quarter of the machine's memory, between 128 MB and 4 GB", () => {
    expect(sharedBuffersMb(8 * GiB)).toBe(2048);
    expect(sharedBuffersMb(2 * GiB)).toBe(512);
    expect(sharedBuffersMb(24 * GiB)).toBe(4096);
    expect(sharedBuffersMb(256 * GiB)).toBe(4096);
    expect(sharedBuffersMb(256 * 2 ** 20)).toBe(128);
  });
});
