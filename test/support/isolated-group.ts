import { createGroup } from "./fixtures.js";
import { startReceiver } from "./receiver.js";
import type { TestApp } from "./test-app.js";

/**
 * An organization of the test's own, so no other test's group hears its changes, with a receiver
 * of its own and one group whose single hook (`hook`, posting to `path`) goes there. The receiver
 * is handed to `closeAfterTest` (see useCleanup).
 */
export async function isolatedGroup(
  app: TestApp,
  closeAfterTest: (...closers: Array<() => Promise<void>>) => void,
  name: string,
  hook: { type: string; path: string } & Record<string, unknown>,
  group: Record<string, unknown> = {},
) {
  const org = await app.createOrganization(name);
  const receiver = await startReceiver();
  closeAfterTest(receiver.close);
  const { path, ...rest } = hook;
  const { signingSecret, webhookGroup } = await createGroup(
    app,
    { name, hooks: [{ ...rest, endpoint: `${receiver.url}${path}` }], ...group },
    org.adminKey,
  );
  return { org, key: org.adminKey, receiver, signingSecret, group: webhookGroup, groupId: webhookGroup.id as string };
}
