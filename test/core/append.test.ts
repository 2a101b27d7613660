import { describe, expect, it } from "vitest";
import { appendAll } from "@oxmig/core/append";

describe("appendAll", () => {
  const huge = Array.from({ length: 300_000 }, (_, i) => i);

  it("appends 300k items where push(...items) overflows the call stack", () => {
    expect(() => [0].push(...huge)).toThrow(RangeError);
    const target = [-1];
    expect(appendAll(target, huge)).toBe(target);
    expect(target).toHaveLength(300_001);
    expect(target[300_000]).toBe(299_999);
  });

  it("takes any iterable, in order", () => {
    expect(appendAll(["a"], new Set(["b", "c"]))).toEqual(["a", "b", "c"]);
  });
});
