import { afterEach } from "vitest";

/**
 * For servers a test starts for itself: `cleanup(receiver.close)` during the test, and every
 * close registered runs after it, whether it passed or not.
 */
export function useCleanup(): (...closers: Array<() => Promise<void>>) => void {
  const pending: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(pending.splice(0).map((close) => close()));
  });
  return (...closers) => {
    pending.push(...closers);
  };
}
