import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors.js";
import { dooField, inDooTerms } from "../../../src/api/rest/doo-field-names.js";

describe("doo field names", () => {
  it("turns GraphQL input paths into the AddWebhook object's names", () => {
    expect(dooField("input")).toBe("body");
    expect(dooField("input.name")).toBe("name");
    expect(dooField("input.eventId")).toBe("event_id");
    expect(dooField("input.eventGuideId")).toBe("event_guide_id");
    expect(dooField("input.hooks[12].origin.endpoint")).toBe("hooks[12].origin.endpoint");
    expect(dooField("input.authentication.grantType")).toBe("authentication.grant_type");
    expect(dooField("input.authentication.credentials.clientId")).toBe("authentication.credentials.client_id");
    expect(dooField("input.authentication.credentials.clientSecret")).toBe("authentication.credentials.client_secret");
    expect(dooField("input.authentication.headerFormat")).toBe("authentication.header_format");
    expect(dooField("input.authentication.headerValueFormat")).toBe("authentication.header_value_format");
    expect(dooField("page")).toBe("page");
  });

  it("renames names in the problem, but not in a client's query or URL", () => {
    expect(inDooTerms(new InputError("input.eventGuideId", "give eventId or eventGuideId, not both"))).toEqual({
      field: "event_guide_id",
      message: "event_guide_id: give event_id or event_guide_id, not both",
    });
    expect(inDooTerms(new InputError("input.hooks[0].origin.body", 'Variable "$eventId" is never used')).message).toBe(
      'hooks[0].origin.body: Variable "$eventId" is never used',
    );
    expect(inDooTerms(new InputError("input.hooks[0].origin.body", "eventId is not defined")).message).toBe(
      "hooks[0].origin.body: eventId is not defined",
    );
    expect(inDooTerms(new InputError("input.hooks[0].origin.endpoint", "origin endpoint https://x.example/?eventId=1 is not allowed")).message).toBe(
      "hooks[0].origin.endpoint: origin endpoint https://x.example/?eventId=1 is not allowed",
    );
  });
});
