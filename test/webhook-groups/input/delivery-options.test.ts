import { describe, expect, it } from "vitest";
import { parseDeliveryOptions } from "../../../src/webhook-groups/input/delivery-options.js";
import { inputErrorOf } from "../../support/input-error.js";

describe("parseDeliveryOptions", () => {
  it("leaves a group unordered and unlimited when nothing (or null) is given", () => {
    expect(parseDeliveryOptions({})).toEqual({ ordered: false, maxRequestsPerSecond: null });
    expect(parseDeliveryOptions({ ordered: null, maxRequestsPerSecond: null })).toEqual({ ordered: false, maxRequestsPerSecond: null });
  });

  it.each([1, 50, 10_000])("accepts ordered and %i requests per second", (perSecond) => {
    expect(parseDeliveryOptions({ ordered: true, maxRequestsPerSecond: perSecond })).toEqual({ ordered: true, maxRequestsPerSecond: perSecond });
  });

  it.each([0, -1, 10_001, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "10", true])(
    "refuses maxRequestsPerSecond %s, naming the field and the range",
    (value) => {
      const error = inputErrorOf(() => parseDeliveryOptions({ maxRequestsPerSecond: value }));
      expect(error.field).toBe("input.maxRequestsPerSecond");
      expect(error.message).toBe("input.maxRequestsPerSecond: must be a whole number from 1 to 10,000, or null for no limit");
    },
  );

  it.each(["true", 1, {}])("refuses ordered %j, naming the field", (value) => {
    const error = inputErrorOf(() => parseDeliveryOptions({ ordered: value }));
    expect(error.field).toBe("input.ordered");
    expect(error.message).toBe("input.ordered: must be true or false");
  });
});
