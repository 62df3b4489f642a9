import path from "node:path";
import { fileURLToPath } from "node:url";
import type { UserConfig } from "vite";
import { webApp, type WebApp } from "./apps.js";

const rootDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** One Vite configuration for every app: its folder is the root, its base the path it is served under. */
export function viteConfig(name: WebApp["name"], extra: UserConfig = {}): UserConfig {
  const app = webApp(name);
  return {
    root: path.join(rootDir, "web", app.name),
    base: app.base,
    // esbuild compiles TSX with React's automatic runtime; no Babel plugin is needed for a build.
    esbuild: { jsx: "automatic" },
    build: {
      outDir: path.join(rootDir, app.outDir),
      emptyOutDir: true,
      // Every asset is a file of its own under the app's base: the Content-Security-Policy
      // hookgate serves allows no inline script.
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 8_000,
      reportCompressedSize: false,
      rollupOptions: {
        onwarn(warning, warn) {
          // React libraries mark modules "use client" for server-component bundlers; a browser
          // bundle has no server side, so the directive means nothing here.
          if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
          warn(warning);
        },
      },
    },
    ...extra,
  };
}
