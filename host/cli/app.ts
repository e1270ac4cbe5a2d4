/**
 * `assb app`: serves the built web app (dist/app/, `npm run build` writes it with Vite) on localhost and prints
 * its URL. Cross-origin isolated (COOP/COEP headers), so the page may use SharedArrayBuffer. Static files only:
 * every computation runs in the visitor's browser.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { AssbError, inputError } from "../config/errors.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".csv": "text/csv",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".bin": "application/octet-stream",
};

/** dist/app beside this file: from host/cli (source) and from dist/host/cli (built). */
export function appDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ["../../dist/app", "../../app"]) {
    const d = resolve(here, up);
    if (existsSync(join(d, "index.html")) && existsSync(join(d, "assets"))) return d;
  }
  return resolve(here, "../../dist/app");
}

/** Serves `dir` on host:port (0: any free port); resolves to the server and its URL. */
export function serveApp(dir: string, port: number, host = "127.0.0.1"): Promise<{ server: Server; url: string }> {
  if (!existsSync(join(dir, "index.html"))) throw new AssbError(`app: ${dir}/index.html not found: build the app first (npm run build)`);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cache-Control": "no-cache",
    };
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers);
      res.end("not found");
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      fail(e.code === "EADDRINUSE" ? inputError("--port", port, "a free port (another program listens on it)") : e),
    );
    server.listen(port, host, () => {
      const a = server.address();
      const p = typeof a === "object" && a ? a.port : port;
      ok({ server, url: `http://${host.includes(":") ? `[${host}]` : host}:${p}/` });
    });
  });
}

export function register(program: Command): void {
  program
    .command("app")
    .description(
      "serve the web app (the whole pipeline in your browser: packing, pressing, 3D stresses, transport, discharge) on localhost",
    )
    .option("--port <n>", "the port (0: any free one)", "8173")
    .option("--host <address>", "the address to listen on", "127.0.0.1")
    .option("--dir <folder>", "serve this build of the app instead of the package's dist/app (vite build --outDir)")
    .action(async (o: { port: string; host: string; dir?: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw inputError("--port", o.port, "an integer port in 0..65535");
      const dir = o.dir ? resolve(o.dir) : appDir();
      if (o.dir && !existsSync(join(dir, "index.html")))
        throw inputError("--dir", o.dir, "a folder holding a built app (index.html, assets/)");
      const { server, url } = await serveApp(dir, port, o.host);
      process.stdout.write(`assbkit app: ${url}  (open it in a browser; Ctrl-C stops the server)\n`);
      await new Promise<void>((ok) => {
        const stop = () => server.close(() => ok());
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
