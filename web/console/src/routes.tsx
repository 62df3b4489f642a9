import { Route, Switch } from "wouter";
import { NotFound } from "./pages/not-found.js";

/**
 * The console's pages. Each area owns its routes in a file of its own (pages/…); this file only
 * lists them, in the order wouter tries them.
 */
export function Routes() {
  return (
    <Switch>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}
