import type { Services } from "../services.js";
import { insertEventGuide } from "../store/event-guide.repository.js";
import type { EventGuideRow } from "../store/tables.js";
import { requiredText } from "./source-input.js";

export async function createEventGuide(
  services: Services,
  organizationId: string,
  input: { name: string },
): Promise<EventGuideRow> {
  return insertEventGuide(services.db, organizationId, requiredText(input.name, "input.name", 200));
}
