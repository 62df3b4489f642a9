import { describe, expect, it } from "vitest";
import { safeEqual } from "../../src/secrets/constant-time.js";

describe("safeEqual", () => {
  it("is true only for identical strings", () => {
    expect(safeEqual("operator-token", "operator-token")).toBe(true);
    expect(safeEqual("", "")).toBe(true);
    expect(safeEqual("operator-token", "operator-tokeN")).toBe(false);
    expect(safeEqual("operator-token", "operator-toke")).toBe(false);
    expect(safeEqual("", "x")).toBe(false);
    expect(safeEqual("é", "e\u0301")).toBe(false);
  });

  it("compares strings of different length without throwing", () => {
    expect(() => safeEqual("a", "a much longer string")).not.toThrow();
  });
});
