/** The browser apps hookgate serves; web/build.ts builds each, src/api/http/web-apps.ts serves them. */
export interface WebApp {
  readonly name: "playground" | "console";
  readonly title: string;
  /** The URL path the built files are served under (Vite's `base`). */
  readonly base: string;
  /** Relative to the repository's root. */
  readonly outDir: string;
}

export const webApps: readonly WebApp[] = [
  { name: "playground", title: "GraphQL playground", base: "/playground/", outDir: "dist/web/playground" },
  { name: "console", title: "web console", base: "/console/", outDir: "dist/web/console" },
];

export function webApp(name: WebApp["name"]): WebApp {
  const app = webApps.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`no web app ${name}`);
  return app;
}
