/**
 * The same wasm core in headless Chromium: the browser bundle (esbuild of host/browser.ts) runs the
 * collision_equal and wall_slide cases on a page served from 127.0.0.1, and every recorded number
 * must equal Node's bit for bit (compared as the hex of the f64 bits).
 * Needs Debian's chromium at /usr/bin/chromium (.ci/run installs it).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type Server } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { loadDemCase } from "../../host/dem/node.js";
import { runCase } from "../../host/dem/run.js";
import { ROOT, fixture, kernels } from "../helpers.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

let server: Server;
let browser: Browser;
let base = "";

const hexRows = (rows: number[][]) => rows.map((r) => r.map((v) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v); return b.getBigUint64(0).toString(16); }).join(" "));

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  // bundle next to dist/ so the loader's ../../build/assbkit.wasm resolves to the built core
  const bundle = (await build({ entryPoints: [join(ROOT, "host/browser.ts")], bundle: true, format: "esm", platform: "browser", target: "es2022", write: false, logLevel: "silent" })).outputFiles[0].text;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><meta charset="utf-8"><title>assbkit browser test</title><script type="module">import * as A from "/test-results/browser/assbkit.js"; window.assbkit = A; window.ready = true;</script>`);
      return;
    }
    if (url.pathname === "/test-results/browser/assbkit.js") { res.writeHead(200, { "content-type": "text/javascript" }); res.end(bundle); return; }
    const p = normalize(join(ROOT, decodeURIComponent(url.pathname)));
    if (!p.startsWith(ROOT) || !existsSync(p)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { "content-type": TYPES[extname(p)] ?? "application/octet-stream" });
    res.end(readFileSync(p));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
});

test.after(async () => {
  await browser?.close();
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
});

for (const name of ["collision_equal", "wall_slide"]) {
  test(`${name}: Chromium and Node agree bit for bit`, async () => {
    const { config } = loadDemCase(fixture(`dem/${name}.yaml`));
    const node = runCase(await kernels("wasm"), loadDemCase(fixture(`dem/${name}.yaml`)).resolved);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 30000 });
    const out = await page.evaluate(async (cfg) => {
      const A = (window as unknown as { assbkit: typeof import("../../host/browser.js") }).assbkit;
      const core = await A.loadCore();
      const r = A.runCase(core, A.resolveCase(A.parseDemCase(cfg)));
      const hex = r.timeseries.rows.map((row) => row.map((v) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, v); return b.getBigUint64(0).toString(16); }).join(" "));
      return { hex, backend: r.backend, ua: navigator.userAgent };
    }, config as unknown as Record<string, unknown>);
    await page.close();
    assert.equal(errors, []);
    assert.is(out.backend, "wasm");
    assert.ok(/Chrome/.test(out.ua), out.ua);
    const mine = hexRows(node.timeseries.rows);
    assert.is(out.hex.length, mine.length);
    const firstDiff = out.hex.findIndex((r, k) => r !== mine[k]);
    assert.is(firstDiff, -1, `first differing row ${firstDiff}: browser ${out.hex[firstDiff]} vs node ${mine[firstDiff]}`);
  });
}

test.run();
