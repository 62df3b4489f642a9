import { afterAll, beforeAll } from "vitest";

/**
 * A resource for the file's (or describe block's) tests: started before them, stopped after them.
 * The object is returned at once and filled in by `beforeAll`, property by property, so getters
 * keep reading the live resource.
 */
export function useForTests<T extends object>(start: () => Promise<T>, stop: (resource: T) => Promise<unknown>): T {
  const resource = {} as T;
  let started = false;
  beforeAll(async () => {
    Object.defineProperties(resource, Object.getOwnPropertyDescriptors(await start()));
    started = true;
  });
  afterAll(async () => {
    if (started) await stop(resource);
  });
  return resource;
}
