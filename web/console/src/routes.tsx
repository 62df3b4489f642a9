import { Route, Switch } from "wouter";
import { DeliveryLogPage } from "./pages/deliveries/delivery-log-page.js";
import { DeliveryPage } from "./pages/deliveries/delivery-page.js";
import { CreateGroup } from "./pages/groups/create-group.js";
import { GroupPage } from "./pages/groups/group-page.js";
import { GroupsList } from "./pages/groups/groups-list.js";
import { OriginComposerPage } from "./pages/groups/origin-composer-page.js";
import { ReplaceGroup } from "./pages/groups/replace-group.js";
import { NotFound } from "./pages/not-found.js";

/** The console's pages, in the order wouter tries them. */
export function Routes() {
  return (
    <Switch>
      <Route path="/" component={GroupsList} />
      <Route path="/groups/new" component={CreateGroup} />
      <Route path="/groups/:id/replace" component={ReplaceGroup} />
      <Route path="/groups/:id" component={GroupPage} />
      <Route path="/compose" component={OriginComposerPage} />
      <Route path="/deliveries/:id" component={DeliveryPage} />
      <Route path="/deliveries" component={DeliveryLogPage} />
      <Route component={NotFound} />
    </Switch>
  );
}
