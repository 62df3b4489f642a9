import { describe, expect, it } from "vitest";
import { type RunningHookgate, startHookgate } from "../../src/app.js";
import { waitUntilSettled } from "../support/delivery-log.js";
import { createEvent, createGroup } from "../support/fixtures.js";
import { useReceiver } from "../support/receiver.js";
import { useTestApp } from "../support/test-app.js";
import { useForTests } from "../support/use-for-tests.js";
import { scrape } from "./scrape.js";

// `hookgate serve` and `hookgate worker` apart, on one database: publications happen in the API
// process, deliveries in the worker, and each process's /metrics shows what it did. The worker
// has no API port; HOOKGATE_METRICS_PORT gives it one for /metrics, /ready and /health.

const token = "worker-metrics-token-0123456789";
const api = useTestApp();
const receiver = useReceiver();
const worker = useForTests(
  async (): Promise<RunningHookgate> => {
    const config = { ...api.hookgate.services.config, host: "127.0.0.1", metricsPort: 0, metricsToken: token };
    return startHookgate(config, { roles: { api: false, worker: true }, announce: () => {} });
  },
  (running) => running.stop(),
);

describe("a worker run alone, with HOOKGATE_METRICS_PORT", () => {
  it("serves its own deliveries on its metrics port, while the API's /metrics shows the publications", async () => {
    expect(worker.url).toBeNull();
    expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await createGroup(api, { name: "worker metrics", hooks: [{ type: "EVENT_CREATED", endpoint: `${receiver.url}/hooks` }], authentication: undefined });
    await createEvent(api);
    await createEvent(api);
    await receiver.waitFor(2);
    await waitUntilSettled(api);

    const fromWorker = await scrape(worker.metricsUrl!, token);
    expect(fromWorker.status).toBe(200);
    expect(fromWorker.value("hookgate_deliveries_total", { status: "SUCCEEDED" })).toBe(2);
    expect(fromWorker.value("hookgate_delivery_attempt_duration_seconds_count", { outcome: "succeeded" })).toBe(2);
    expect(fromWorker.value("hookgate_publications_total", { type: "EVENT_CREATED" })).toBe(0);
    expect(fromWorker.value("hookgate_deliveries_pending", { status: "PENDING" })).toBe(0);

    const fromApi = await scrape(api.url);
    expect(fromApi.value("hookgate_publications_total", { type: "EVENT_CREATED" })).toBe(2);
    expect(fromApi.value("hookgate_deliveries_total", { status: "SUCCEEDED" })).toBe(0);
    expect(fromApi.value("hookgate_api_request_duration_seconds_count", { operation_type: "mutation" })).toBe(3);
  });

  it("wants the token there too, and answers /ready with the worker's state and /health", async () => {
    expect((await scrape(worker.metricsUrl!)).status).toBe(401);
    const ready = await fetch(`${worker.metricsUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "current", worker: "running" } });
    expect((await fetch(`${worker.metricsUrl}/health`)).status).toBe(200);
    const other = await fetch(`${worker.metricsUrl}/graphql`, { method: "POST" });
    expect(other.status).toBe(404);
  });

  it("reports not ready once the worker has stopped", async () => {
    await worker.worker!.stop();
    const ready = await fetch(`${worker.metricsUrl}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "not ready", reason: "the delivery worker is stopped", checks: { worker: "stopped" } });
  });
});
