import { describe, expect, it } from "vitest";
import { bodyInFormat, contentTypeOf, formBody, NotFormEncodableError } from "../../src/delivery/body-format.js";

describe("FORM bodies", () => {
  it("send the payload's top-level fields in order: strings as they are, numbers and booleans as JSON writes them", () => {
    const body = formBody({ type: "order_created", total: 12.5, count: 3, paid: true, cancelled: false });
    expect(body).toBe("type=order_created&total=12.5&count=3&paid=true&cancelled=false");
  });

  it("JSON-encode objects and arrays, so a partner decodes a nested field with one JSON.parse", () => {
    const body = formBody({ data: { event: { title: "Summer Fest" } }, tags: ["a", "b"] });
    const fields = new URLSearchParams(body);
    expect(JSON.parse(fields.get("data") ?? "")).toEqual({ event: { title: "Summer Fest" } });
    expect(JSON.parse(fields.get("tags") ?? "")).toEqual(["a", "b"]);
  });

  it("send null as an empty value, keeping every field of the payload in the body", () => {
    expect(formBody({ event_id: "e1", order_id: null })).toBe("event_id=e1&order_id=");
  });

  it("percent-encode UTF-8 and reserved characters (spaces as +), and decode back to the same values", () => {
    const payload = { title: "café & crème = 100%", "odd key": "a+b/c?d#e" };
    const body = formBody(payload);
    expect(body).toBe("title=caf%C3%A9+%26+cr%C3%A8me+%3D+100%25&odd+key=a%2Bb%2Fc%3Fd%23e");
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual(payload);
  });

  it("refuse a payload that is not a JSON object: it has no fields to send", () => {
    for (const [payload, what] of [[[1, 2], "an array"], ["text", "a string"], [null, "null"], [7, "a number"]] as const) {
      expect(() => formBody(payload)).toThrow(NotFormEncodableError);
      expect(() => formBody(payload)).toThrow(what);
    }
  });

  it("leave a JSON hook's body exactly as built, and name each format's content type", () => {
    const json = '{"b":1,  "a":[2]}';
    expect(bodyInFormat(json, "JSON")).toBe(json);
    expect(bodyInFormat(json, "FORM")).toBe("b=1&a=%5B2%5D");
    expect(contentTypeOf).toEqual({ JSON: "application/json", FORM: "application/x-www-form-urlencoded" });
  });
});
