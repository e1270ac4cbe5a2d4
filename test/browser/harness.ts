/**
 * Shared set-up of the Chromium tests: the browser bundles (esbuild of host/browser.ts, the core, loaded
 * by the page as window.assbkit; and of host/ml/browser.ts, the assbkit/ml/browser entry, which a test
 * imports from ML_BUNDLE) on a page served from 127.0.0.1 next to the repository's files (build/*.wasm,
 * node_modules, test-results), and a headless Chromium. Needs Debian's chromium at /usr/bin/chromium
 * (.ci/run installs it) or CHROMIUM_PATH.
 */
import { createServer, type Server } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { ROOT } from "../helpers.js";

/** Which Chromium to drive, and where it came from (printed with a launch failure). */
async function findChromium(): Promise<{ path: string; source: string }> {
  if (process.env.CHROMIUM_PATH) return { path: process.env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
  if (existsSync("/usr/bin/chromium")) return { path: "/usr/bin/chromium", source: "Debian package chromium" };
  try {
    const { default: Sparticuz } = await import("@sparticuz/chromium");
    return { path: await Sparticuz.executablePath(), source: "npm package @sparticuz/chromium" };
  } catch (e) {
    throw new Error(
      `no Chromium: /usr/bin/chromium is not installed and @sparticuz/chromium could not unpack its binary (${(e as Error).message}); run npm ci, or install Debian's chromium, or set CHROMIUM_PATH`,
    );
  }
}
const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".bin": "application/octet-stream",
};

export interface Harness {
  base: string;
  browser: Browser;
  /** A new page with the bundle loaded as window.assbkit; page errors are collected into `errors`. */
  open(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

let started: Promise<Harness> | undefined;

/** Where the page finds each bundle, and its entry; a bundle is built on its first request. */
export const CORE_BUNDLE = "/test-results/browser/assbkit.js";
export const ML_BUNDLE = "/test-results/browser/assbkit-ml.js";
/** The README's embedding example loads the package as a user's page would: from ./node_modules/assbkit/ (this repository). */
export const EMBED_PAGE = "/embed.html";
const PACKAGE = "/node_modules/assbkit/";
const ENTRIES: Record<string, string> = {
  [CORE_BUNDLE]: "host/browser.ts",
  [ML_BUNDLE]: "host/ml/browser.ts",
  // the package's dist/browser bundles, built here from the sources as `npm run browserbuild` builds them
  [`${PACKAGE}dist/browser/assbkit.js`]: "host/browser.ts",
  [`${PACKAGE}dist/browser/assbkit-worker.js`]: "host/browser/worker.ts",
};

/** The README's HTML embedding example, as written (the block after <!-- embed-example -->). */
export function readmeEmbedExample(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const m = /<!-- embed-example -->\s*```html\n([\s\S]*?)\n```/.exec(readme);
  if (!m) throw new Error("README.md: no ```html block after <!-- embed-example -->");
  return m[1];
}
const bundles = new Map<string, Promise<string>>();

/** The esbuild bundle of `entry` (as `npm run browserbuild` makes it). */
function bundle(entry: string): Promise<string> {
  let b = bundles.get(entry);
  if (!b) {
    b = build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      logLevel: "silent",
    }).then((r) => r.outputFiles[0].text);
    bundles.set(entry, b);
  }
  return b;
}

/** The shared harness of this test file, started on first use; rejects with the launch error. */
export function harness(): Promise<Harness> {
  started ??= startHarness();
  return started;
}

/** Closes the harness if a test started it (for test.after). */
export async function closeHarness(): Promise<void> {
  if (!started) return;
  try {
    await (await started).close();
  } catch {
    /* it never started: the tests already failed with why */
  }
}

/** A headless Chromium (WebGL through SwiftShader: the app's 3D view renders without a GPU). */
export async function launchChromium(): Promise<Browser> {
  const chromiumBin = await findChromium();
  if (!existsSync(chromiumBin.path)) throw new Error(`Chromium not found at ${chromiumBin.path} (${chromiumBin.source})`);
  try {
    return await chromium.launch({
      executablePath: chromiumBin.path,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--enable-unsafe-swiftshader",
        "--use-angle=swiftshader",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (e) {
    throw new Error(
      `Chromium (${chromiumBin.source}, ${chromiumBin.path}) did not start: ${(e as Error).message.split("\n").slice(0, 4).join(" | ")}`,
    );
  }
}

async function startHarness(): Promise<Harness> {
  // served under /test-results/browser/, so the loader's ../../build/assbkit.wasm resolves to the built core
  await bundle(ENTRIES[CORE_BUNDLE]);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(
        `<!doctype html><meta charset="utf-8"><title>assbkit browser test</title><script type="module">import * as A from "${CORE_BUNDLE}"; window.assbkit = A; window.ready = true;</script>`,
      );
      return;
    }
    if (url.pathname === EMBED_PAGE) {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(readmeEmbedExample());
      return;
    }
    const entry = ENTRIES[url.pathname];
    if (entry) {
      bundle(entry).then(
        (js) => {
          res.writeHead(200, { "content-type": "text/javascript" });
          res.end(js);
        },
        (e) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(e));
        },
      );
      return;
    }
    const path = decodeURIComponent(url.pathname);
    const p = normalize(join(ROOT, path.startsWith(PACKAGE) ? path.slice(PACKAGE.length - 1) : path));
    if (!p.startsWith(ROOT) || !existsSync(p)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(p)] ?? "application/octet-stream" });
    res.end(readFileSync(p));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    server.close();
    throw e;
  }
  return {
    base,
    browser,
    async open() {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${base}/`);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 60000 });
      return { page, errors };
    },
    async close() {
      await browser.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
