import type { Migration } from "kysely";
import * as foundation from "./0001_foundation.js";
import * as deliveries from "./0002_deliveries.js";
import * as secretKeyCheck from "./0003_secret_key_check.js";
import * as integratorTools from "./0004_integrator_tools.js";
import * as conditions from "./0005_conditions.js";
import * as deliveryOptions from "./0006_delivery_options.js";
import * as deliveryLanes from "./0007_delivery_lanes.js";
import * as rateLimits from "./0008_rate_limits.js";
import * as scheduleStartedAt from "./0009_schedule_started_at.js";
import * as keyModesAndGroups from "./0010_key_modes_and_groups.js";
import * as formatsAndSignatures from "./0011_formats_and_signatures.js";
import * as initializations from "./0012_initializations.js";
import * as retentionIndexes from "./0013_retention_indexes.js";
import * as operationalHooks from "./0014_operational_hooks.js";
import * as deliveryTraceContext from "./0015_delivery_trace_context.js";

/**
 * Every migration, in order. Listed by hand rather than read from the folder so they load the
 * same way under tsx, vitest and any bundler: a new migration is a new file plus a line here.
 */
export const migrations: Record<string, Migration> = {
  "0001_foundation": foundation,
  "0002_deliveries": deliveries,
  "0003_secret_key_check": secretKeyCheck,
  "0004_integrator_tools": integratorTools,
  "0005_conditions": conditions,
  "0006_delivery_options": deliveryOptions,
  "0007_delivery_lanes": deliveryLanes,
  "0008_rate_limits": rateLimits,
  "0009_schedule_started_at": scheduleStartedAt,
  "0010_key_modes_and_groups": keyModesAndGroups,
  "0011_formats_and_signatures": formatsAndSignatures,
  "0012_initializations": initializations,
  "0013_retention_indexes": retentionIndexes,
  "0014_operational_hooks": operationalHooks,
  "0015_delivery_trace_context": deliveryTraceContext,
};
