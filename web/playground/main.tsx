// Monaco's editor, JSON and GraphQL workers, bundled by Vite and served from hookgate.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "@graphiql/plugin-explorer/style.css";
import "./playground.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { fetchExampleIds } from "./example-ids.js";
import { Playground } from "./playground.js";

const root = createRoot(document.getElementById("root")!);
// The example tabs are fixed when GraphiQL mounts, so the ids they use are asked for first.
fetchExampleIds().then((ids) =>
  root.render(
    <StrictMode>
      <Playground ids={ids} />
    </StrictMode>,
  ),
);
