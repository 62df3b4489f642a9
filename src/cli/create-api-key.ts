import { issueApiKey } from "../organizations/organizations.js";
import { isUuid } from "../store/ids.js";
import { findOrganization } from "../store/organization.repository.js";
import type { ApiKeyRole } from "../store/tables.js";
import { parseCommandArgs, type Outcome } from "./command.js";
import { withMigratedDatabase } from "./database.js";
import { UsageError } from "./usage.js";

const roles: readonly ApiKeyRole[] = ["ADMIN", "VIEWER"];

export async function createApiKey(args: string[]): Promise<Outcome> {
  const { values } = parseCommandArgs("create-api-key", args, {
    organization: { type: "string" },
    role: { type: "string" },
    json: { type: "boolean" },
  });
  const refuse = (problem: string) => new UsageError(problem, "create-api-key");
  const organizationId = values.organization;
  if (organizationId === undefined) throw refuse("missing --organization <id>");
  if (!isUuid(organizationId)) throw refuse(`--organization: "${organizationId}" is not an organization id (a UUID)`);
  if (values.role === undefined) throw refuse("missing --role ADMIN|VIEWER");
  const role = roles.find((name) => name === values.role!.toUpperCase());
  if (!role) throw refuse(`--role: expected ADMIN or VIEWER, got "${values.role}"`);

  const issued = await withMigratedDatabase(async (db) =>
    (await findOrganization(db, organizationId)) ? issueApiKey(db, organizationId, role) : null,
  );
  if (!issued) {
    console.error(`hookgate: no organization ${organizationId}`);
    return 1;
  }
  if (values.json) {
    console.log(JSON.stringify({ organizationId, role, apiKey: issued.key }));
  } else {
    console.log(`organization id: ${organizationId}\nrole:            ${role}\nAPI key:         ${issued.key}`);
    console.error("(the key is shown only this once: hookgate stores a hash; keep it now)");
  }
  return 0;
}
