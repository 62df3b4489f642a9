import { explorerPlugin } from "@graphiql/plugin-explorer";
import { GraphiQL } from "graphiql";
import { storedApiKey } from "../shared/api-key-storage.js";
import { headersText } from "./api-key-header.js";
import { type ExampleIds, exampleTabs } from "./example-tabs.js";
import { hookgateFetcher } from "./fetcher.js";
import { KeyFollowsTabs } from "./key-follows-tabs.js";
import { PlaygroundTitle } from "./playground-title.js";
import { tabStorage } from "./tab-storage.js";

// Made once: GraphiQL compares plugins by identity.
const plugins = [explorerPlugin()];

/**
 * GraphiQL on hookgate's own /graphql. Headers are never persisted by GraphiQL
 * (shouldPersistHeaders off, and its switch hidden): the key lives only as `hookgate.apiKey`.
 */
export function Playground({ ids }: { ids: ExampleIds }) {
  const headers = headersText(storedApiKey());
  return (
    <GraphiQL
      fetcher={hookgateFetcher}
      storage={tabStorage}
      plugins={plugins}
      defaultTabs={exampleTabs(ids, headers)}
      initialHeaders={headers}
      defaultHeaders={headers}
      shouldPersistHeaders={false}
      showPersistHeadersSettings={false}
      defaultEditorToolsVisibility="headers"
      defaultTheme="light"
    >
      <GraphiQL.Logo>
        <PlaygroundTitle />
      </GraphiQL.Logo>
      <KeyFollowsTabs />
    </GraphiQL>
  );
}
