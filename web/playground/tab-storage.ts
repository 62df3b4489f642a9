/**
 * GraphiQL's own storage (its tabs, their operations and variables, the open plugin, the theme)
 * in the tab's session storage rather than GraphiQL's default, localStorage: what a user tries in
 * the playground goes with the tab, like the API key. GraphiQL prefixes its keys with
 * "graphiql:"; `clear` (its "Clear storage" button) removes only those, not the API key.
 */
const prefix = "graphiql:";

export const tabStorage: Storage = {
  getItem: (key) => sessionStorage.getItem(key),
  setItem: (key, value) => sessionStorage.setItem(key, value),
  removeItem: (key) => sessionStorage.removeItem(key),
  key: (index) => graphiqlKeys()[index] ?? null,
  get length() {
    return graphiqlKeys().length;
  },
  clear() {
    for (const key of graphiqlKeys()) sessionStorage.removeItem(key);
  },
};

function graphiqlKeys(): string[] {
  return Object.keys(sessionStorage).filter((key) => key.startsWith(prefix));
}
