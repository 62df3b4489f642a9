import { describe, expect, it } from "vitest";
import { checkEndpointUrl } from "../../src/outbound/endpoint-url.js";
import { inputErrorOf } from "../support/input-error.js";

const FIELD = "input.hooks[3].endpoint";

const refusal = (value: unknown) => inputErrorOf(() => checkEndpointUrl(value, FIELD));

describe("checkEndpointUrl", () => {
  it("returns the normalized href of an http(s) URL", () => {
    expect(checkEndpointUrl("HTTPS://Partner.Example:443/hooks?x=1", FIELD)).toBe("https://partner.example/hooks?x=1");
    expect(checkEndpointUrl("  http://127.0.0.1:8080  ", FIELD)).toBe("http://127.0.0.1:8080/");
  });

  it.each([
    ["ftp:", "ftp://partner.example/hooks", "must use http or https, not ftp:"],
    ["javascript:", "javascript:alert(1)", "must use http or https, not javascript:"],
    ["a relative path", "/hooks", "must be an absolute http(s) URL"],
    ["a scheme-relative URL", "//partner.example/hooks", "must be an absolute http(s) URL"],
    ["a URL without //", "http:partner.example/hooks", "must be an absolute http(s) URL"],
    ["a URL with an empty host", "http://:8080/hooks", "must be an absolute http(s) URL"],
    ["a username and password", "https://user:pass@partner.example/hooks", "must not contain a username or password"],
    ["a username alone", "https://user@partner.example/hooks", "must not contain a username or password"],
    ["a URL over 2048 characters", `https://partner.example/${"a".repeat(2030)}`, "must be at most 2048 characters"],
    ["a URL with a space", "https://partner.example/a b", "must not contain spaces or control characters"],
    ["a URL with a newline", "https://partner.example/a\nb", "must not contain spaces or control characters"],
    ["an empty string", "  ", "must not be empty"],
    ["a number", 42, "must be a string"],
  ])("refuses %s, naming the field", (_, value, problem) => {
    const error = refusal(value);
    expect(error.field).toBe(FIELD);
    expect(error.message).toBe(`${FIELD}: ${problem}`);
  });

  it("accepts a URL of exactly 2048 characters", () => {
    const url = `https://partner.example/${"a".repeat(2048 - "https://partner.example/".length)}`;
    expect(checkEndpointUrl(url, FIELD)).toBe(url);
  });
});
