import { useGraphiQL } from "@graphiql/react";
import { useEffect } from "react";
import { storedApiKey } from "../shared/api-key-storage.js";
import { keyInHeaders, withKey } from "./api-key-header.js";

/**
 * GraphiQL keeps headers per tab, so a key typed in one tab would be missing in the next. When a
 * tab opens with no key in its headers and the browser tab holds one (accepted by hookgate, see
 * fetcher.ts), the key is put in. A tab that names a key of its own keeps it: one tab may try a
 * viewer key while another uses an admin key.
 */
export function KeyFollowsTabs(): null {
  const activeTabIndex = useGraphiQL((state) => state.activeTabIndex);
  const headerEditor = useGraphiQL((state) => state.headerEditor);
  useEffect(() => {
    const key = storedApiKey();
    if (!headerEditor || !key) return;
    const text = headerEditor.getValue();
    if (keyInHeaders(text) !== "") return;
    const filled = withKey(text, key);
    if (filled !== null) headerEditor.setValue(filled);
  }, [activeTabIndex, headerEditor]);
  return null;
}
