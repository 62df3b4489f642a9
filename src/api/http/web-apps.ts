import { promises as fs } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { webApp, type WebApp } from "../../../web/apps.js";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The browser apps' files, as web/build.ts left them in dist/web/<app>/. No request a page makes
 * may leave hookgate's origin: the Content-Security-Policy below says so to the browser, and
 * every script, style, font and worker is a file of the build.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  // The editors (Monaco in the playground, CodeMirror in the console) set styles from script.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".ttf": "font/ttf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

export interface WebAppFiles {
  /** The app's page (index.html). */
  page(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** A file under the app's base; a path that names no file answers the page (client-side routes) when `routes` says so. */
  file(request: IncomingMessage, response: ServerResponse, url: URL, options: { routes: boolean }): Promise<void>;
}

export function webAppFiles(name: WebApp["name"]): WebAppFiles {
  const app = webApp(name);
  const dir = path.join(rootDir, app.outDir);
  const page = (request: IncomingMessage, response: ServerResponse) => sendFile(request, response, app, path.join(dir, "index.html"));
  return {
    page,
    async file(request, response, url, { routes }) {
      const relative = decodeURIComponentOrNull(url.pathname.slice(app.base.length));
      if (relative === "") return page(request, response);
      const file = relative === null ? null : path.join(dir, relative);
      // path.join resolves "..": a path that leaves the app's folder names no file of it.
      if (file === null || !file.startsWith(dir + path.sep) || relative?.includes("\0")) return notFound(response);
      if (await isFile(file)) return sendFile(request, response, app, file);
      if (routes && path.extname(relative ?? "") === "") return page(request, response);
      notFound(response);
    },
  };
}

/** GET or HEAD from a browser: the page (text/html) rather than the API's JSON. */
export function wantsPage(request: IncomingMessage): boolean {
  const method = request.method ?? "GET";
  return (method === "GET" || method === "HEAD") && (request.headers.accept ?? "").includes("text/html");
}

async function sendFile(request: IncomingMessage, response: ServerResponse, app: WebApp, file: string): Promise<void> {
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    response.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
    response.end(`The ${app.title} is not built: run  npm run build:web  (npm install and npm start do it for you).\n`);
    return;
  }
  // Built file names carry their content's hash; the page itself must always be asked for again.
  const hashed = file.includes(`${path.sep}assets${path.sep}`);
  response.writeHead(200, {
    "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
    "content-length": body.length,
    "cache-control": hashed ? "public, max-age=31536000, immutable" : "no-cache",
    "content-security-policy": contentSecurityPolicy,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  response.end(request.method === "HEAD" ? undefined : body);
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
  response.end("Not found\n");
}

async function isFile(file: string): Promise<boolean> {
  return fs.stat(file).then((stat) => stat.isFile(), () => false);
}

function decodeURIComponentOrNull(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
