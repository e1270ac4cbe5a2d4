/**
 * The web app (app/, built here with Vite from the sources as `npm run appbuild` builds it, served by
 * `assb app`'s server) in headless Chromium: it loads without console errors; a pipeline on small settings
 * runs in its worker and the numbers it shows equal Node's runPipeline of the YAML it exports (bit for bit); each
 * panel's screenshot is non-blank and holds its canvas/plot; bad form input is named inline; cancel stops a long
 * run and the page stays usable; DEM and transport speed in the page vs Node (printed).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Server } from "node:http";
import { build } from "vite";
import { parse } from "yaml";
import { decode } from "fast-png";
import type { Browser, Page } from "playwright-core";
import { loadCore } from "../../host/core/wasm.js";
import { parsePipelineConfig } from "../../host/pipeline/config.js";
import { runPipeline, type PipelineResult } from "../../host/pipeline/run.js";
import { demThreading } from "../../host/dem/threads.js";
import { pipelineScalars } from "../../host/pipeline/summary.js";
import { transport } from "../../host/transport/tortuosity.js";
import { perfProbe, type PerfReport } from "../../host/browser/perf.js";
import { serveApp } from "../../host/cli/app.js";
import { ROOT } from "../helpers.js";
import { sectionImage } from "../../host/image/section.js";
import { launchChromium } from "./harness.js";

const OUT = join(ROOT, "test-results/app");
const SHOTS = join(ROOT, "test-results/app-screenshots");
let server: Server | undefined,
  browser: Browser | undefined,
  url = "";
let page: Page;
const errors: string[] = [];

type AppWindow = {
  assbApp: {
    state: {
      status: string;
      predictStatus: string;
      prediction?: { outputs: Record<string, number> };
      scalars?: Record<string, number>;
      transport: { phase: string; axis: string; result: { tauFactor: number; eps: number; deffRel: number } }[];
    };
    yaml(): string | undefined;
    worker: { run(t: unknown): Promise<PerfReport> };
  };
};

test.before(async () => {
  await build({ configFile: join(ROOT, "app/vite.config.ts"), logLevel: "error", build: { outDir: OUT, emptyOutDir: true } });
  ({ server, url } = await serveApp(OUT, 0));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  mkdirSync(SHOTS, { recursive: true });
});
test.after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
});

async function setField(name: string, value: string): Promise<void> {
  await page.fill(`[name="${name}"]`, value);
}
const status = () => page.evaluate(() => (window as unknown as AppWindow).assbApp.state.status);

test("assb app serves the built app on localhost and prints its URL; a bad port is one line", async () => {
  const cli = join(ROOT, "host/cli/main.ts");
  const bad = spawnSync(process.execPath, ["--import", "tsx", cli, "app", "--port", "70000"], { encoding: "utf8", cwd: ROOT });
  assert.is(bad.status, 2);
  assert.is(bad.stderr.trim().split("\n").length, 1);
  assert.match(bad.stderr, /--port = "70000": expected an integer port/);
  const p = spawn(process.execPath, ["--import", "tsx", cli, "app", "--port", "0", "--dir", OUT], { cwd: ROOT });
  try {
    const line = await new Promise<string>((ok, fail) => {
      let out = "";
      p.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) ok(out);
      });
      p.on("exit", (c) => fail(new Error(`assb app exited ${c}`)));
    });
    const m = /assbkit app: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(line);
    assert.ok(m, line);
    const r = await fetch(m![1]);
    assert.is(r.status, 200);
    assert.is(r.headers.get("cross-origin-opener-policy"), "same-origin");
    assert.match(await r.text(), /assbkit/);
  } finally {
    p.kill("SIGINT");
  }
});

test("loads without console errors, cross-origin isolated", async () => {
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  assert.ok(await page.evaluate(() => crossOriginIsolated));
  assert.equal(errors, []);
});

test("bad input is named beside its field and nothing runs", async () => {
  await setField("pack.particles", "-5");
  await setField("pack.amMassFraction", "1.5");
  await setField("pack.am.size.min_m", "");
  await page.click("#run");
  const shown = await page.$$eval(".field-error", (els) => els.map((e) => [(e as HTMLElement).dataset.field, e.textContent]));
  const fields = shown.map(([f]) => f);
  assert.ok(fields.includes("pack.am.size.min_m"), JSON.stringify(shown));
  await setField("pack.am.size.min_m", "4");
  await setField("pack.se.size.min_m", "-4");
  await page.click("#run");
  const again = await page.$$eval(".field-error", (els) => els.map((e) => [(e as HTMLElement).dataset.field, e.textContent]));
  const f2 = again.map(([f]) => f);
  assert.ok(
    f2.includes("pack.particles") && f2.includes("pack.amMassFraction") && f2.includes("pack.se.size.min_m"),
    JSON.stringify(again),
  );
  assert.match(String(again.find(([f]) => f === "pack.particles")?.[1]), /particles/);
  assert.is(await status(), "idle");
  // a log-normal size distribution's own fields
  await page.selectOption('[name="pack.am.size.dist"]', "lognormal");
  await setField("pack.am.size.sigma", "-1");
  await page.click("#run");
  assert.ok(await page.$('.field-error[data-field="pack.am.size.sigma"]'));
  await setField("pack.am.size.sigma", "0.2");
  await page.selectOption('[name="pack.am.size.dist"]', "uniform");
  await setField("pack.particles", "160");
  await setField("pack.amMassFraction", "0.6");
  await setField("pack.se.size.min_m", "4");
  assert.is(await page.$$eval(".field-error", (els) => els.length), 0);
  assert.equal(errors, []);
});

test("cancel stops a long run; the page stays usable", async () => {
  await setField("compact.stages.0.holdSteps", "5000000");
  await page.click("#run");
  await page.waitForFunction(() => /compact/.test(document.getElementById("progress-text")?.textContent ?? ""), undefined, {
    timeout: 60_000,
  });
  // the compaction curve grows while the DEM runs
  await page.waitForFunction(() => (window as unknown as { assbApp: { live: unknown[] } }).assbApp.live.length > 3, undefined, {
    timeout: 60_000,
  });
  await page.click("#cancel");
  await page.waitForFunction(() => (window as unknown as AppWindow).assbApp.state.status === "cancelled", undefined, { timeout: 10_000 });
  assert.is(await page.textContent("#progress-text"), "cancelled");
  assert.ok(!(await page.isDisabled("#run")));
  await setField("compact.stages.0.holdSteps", "2000");
});

test("the pipeline runs in the page with Node's numbers; the exported YAML re-runs in Node to the same", async () => {
  await page.click("#run");
  await page.waitForFunction(() => (window as unknown as AppWindow).assbApp.state.status !== "running", undefined, { timeout: 180_000 });
  assert.is(await status(), "done", (await page.textContent("#run-error")) ?? "");
  const { scalars, yaml, tr } = await page.evaluate(() => {
    const a = (window as unknown as AppWindow).assbApp;
    return {
      scalars: a.state.scalars!,
      yaml: a.yaml()!,
      tr: a.state.transport.map((t) => ({ ...t.result, phase: t.phase, axis: t.axis })),
    };
  });
  writeFileSync(join(SHOTS, "pipeline.yaml"), yaml);
  const core = await loadCore();
  const node = runPipeline(core, parsePipelineConfig(parse(yaml)));
  const mine = pipelineScalars(node);
  assert.equal(Object.keys(scalars).sort(), Object.keys(mine).sort());
  for (const k of Object.keys(mine)) assert.ok(Object.is(scalars[k], mine[k]), `${k}: page ${scalars[k]} vs Node ${mine[k]}`);
  // the table: both networks along x, y (solved in the page's worker) and z (the pipeline's)
  assert.is(tr.length, 6);
  for (const t of tr) {
    const want =
      t.axis === "z"
        ? t.phase === "SE"
          ? node.transport.se!
          : node.transport.am!
        : transport(core, node.voxels.volume, { phase: t.phase, axis: t.axis });
    assert.ok(
      Object.is(t.tauFactor, want.tauFactor) && Object.is(t.eps, want.eps),
      `${t.phase} ${t.axis}: tau ${t.tauFactor} vs ${want.tauFactor}`,
    );
  }
  assert.match((await page.textContent("#pack-summary")) ?? "", /^160 particles \(\d+ AM, \d+ SE\), AM mass fraction 0\.\d{3}/);
  const shown = await page.$$eval("#transport-table td[data-key=tauFactor]", (tds) =>
    tds.map((td) => Number((td as HTMLElement).dataset.value)),
  );
  assert.equal(
    shown,
    tr.map((t) => t.tauFactor),
  );
  assert.equal(errors, []);
});

test("a run above the smooth sizes warns with a time and memory estimate first", async () => {
  await setField("pack.particles", "5000");
  await page.click("#run");
  const w = (await page.textContent("#size-warning")) ?? "";
  assert.match(w, /large run: 5000 particles.* s and \d+ MB/);
  assert.is(await status(), "done");
  await setField("pack.particles", "160");
});

test("every panel's exports download files a reader opens (CSV, JSON, VTK, PNG, the pipeline YAML)", async () => {
  const grab = async (sel: string) => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.click(sel)]);
    const path = await d.path();
    return { name: d.suggestedFilename(), bytes: readFileSync(path!) };
  };
  const png = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  const y = await grab("#export-yaml");
  assert.is(y.name, "pipeline.yaml");
  assert.ok(parsePipelineConfig(parse(y.bytes.toString())));
  const c = await grab('[data-export="compaction-csv"]');
  assert.match(c.bytes.toString().split("\n")[0], /^step,time_s,wallPosition_m,pressure_Pa$/);
  const v = await grab('[data-export="particles-vtk"]');
  assert.match(v.bytes.toString(), /^# vtk DataFile Version 3\.0\n[\s\S]*POINTS 160 double[\s\S]*SCALARS szz_Pa double 1/);
  const pc = await grab('[data-export="particles-csv"]');
  assert.is(pc.bytes.toString().trim().split("\n").length, 161);
  const t = JSON.parse((await grab('[data-export="transport-json"]')).bytes.toString());
  assert.is(t.length, 6);
  const cell = await grab('[data-export="cell-csv"]');
  assert.match(cell.bytes.toString().split("\n")[0], /capacity_mAh_g_0\.05C,voltage_V_0\.05C/);
  for (const sel of ['[data-export="compaction-png"]', '[data-export="slice-png"]', '[data-export="cell-png"]', '[data-export="view-png"]'])
    assert.ok(png((await grab(sel)).bytes), sel);
  assert.equal(errors, []);
});

/** Grey-level variance of a PNG (0 for a blank picture). */
function variance(png: Buffer): number {
  const img = decode(png);
  const ch = img.channels;
  let s = 0,
    s2 = 0,
    n = 0;
  for (let i = 0; i < img.data.length; i += ch) {
    const g = (img.data[i] + img.data[i + 1] + img.data[i + 2]) / 3;
    s += g;
    s2 += g * g;
    n++;
  }
  return s2 / n - (s / n) ** 2;
}

test("every panel's screenshot is non-blank and holds its canvas/plot", async () => {
  const want: Record<string, string[]> = {
    pack: ["form input"],
    compact: ["#plot-compaction", "progress"],
    view: ["#view3d canvas", "#plot-hist"],
    transport: ["#slice-canvas", "#transport-table tbody tr"],
    cell: ["#plot-voltage", "#plot-rate"],
  };
  for (const [panel, sels] of Object.entries(want)) {
    for (const sel of sels) assert.ok(await page.$(`#panel-${panel} ${sel}`), `${panel}: ${sel}`);
    const png = await page.locator(`#panel-${panel}`).screenshot();
    writeFileSync(join(SHOTS, `${panel}.png`), png);
    assert.ok(variance(png) > 50, `${panel}: screenshot variance ${variance(png)}`);
  }
  // the 3D canvas itself: spheres drawn, not a cleared frame
  const gl = await page.locator("#view3d canvas").screenshot();
  writeFileSync(join(SHOTS, "view3d.png"), gl);
  assert.ok(variance(gl) > 100, `3D view variance ${variance(gl)}`);
});

test("CNN panel: a non-PNG file is refused beside the field; a section of the pressed packing predicts as Node does", async () => {
  await page.setInputFiles('[name="image"]', { name: "notes.png", mimeType: "image/png", buffer: Buffer.from("not a png at all") });
  await page.click("#predict");
  await page.waitForFunction(() => (window as unknown as AppWindow).assbApp.state.predictStatus === "failed", undefined, {
    timeout: 120_000,
  });
  const msg = await page.textContent('.field-error[data-field="image"]');
  assert.ok(msg && /PNG|png/.test(msg), String(msg));
  await page.click("#section-from-run");
  await page.waitForFunction(() => (window as unknown as AppWindow).assbApp.state.predictStatus !== "running", undefined, {
    timeout: 180_000,
  });
  const p = await page.evaluate(() => (window as unknown as AppWindow).assbApp.state.prediction);
  assert.ok(p, (await page.textContent("#predict-text")) ?? "");
  // Node: the same section of the same pressed packing (the YAML re-run), the same model, the CPU backend
  const yaml = await page.evaluate(() => (window as unknown as AppWindow).assbApp.yaml()!);
  const node = runPipeline(await loadCore(), parsePipelineConfig(parse(yaml)));
  const pk = node.compact!.packing;
  const phase = pk.particles.material.map((m) => (pk.materials[String(m)]?.phase ?? String(m)) as string);
  const sec = sectionImage(
    { ...pk.particles, phase },
    { lo: [pk.box.lo_m[0], pk.box.lo_m[1]], hi: [pk.box.hi_m[0], pk.box.hi_m[1]], crop_m: 0, size: 224 },
  );
  const ml = await import("../../host/ml/index.js");
  await ml.initMl({ backend: "cpu" });
  const m = await ml.loadModel(join(ROOT, "models/cnn000-stress"));
  const want = ml.predict(m, sec.pixels);
  m.meta.outputNames.forEach((n, j) => {
    const got = p!.outputs[n];
    assert.ok(Math.abs(got - want[j]) <= 1e-5 * Math.abs(want[j]) + 1e-30, `${n}: page ${got} vs Node ${want[j]}`);
  });
  // the Grad-CAM map of the first output: Node's from the same image, the same backend
  const heatPage = await page.evaluate(() =>
    Array.from(
      (window as unknown as { assbApp: { state: { prediction: { gradcam: { heat: Float32Array; output: string } } } } }).assbApp.state
        .prediction.gradcam.heat,
    ),
  );
  const camNode = ml.gradCam(m.model, m.scalers.input.transform(sec.pixels), 0);
  assert.is(heatPage.length, camNode.heat.length);
  let worst = 0;
  for (let i = 0; i < heatPage.length; i++) worst = Math.max(worst, Math.abs(heatPage[i] - camNode.heat[i]));
  assert.ok(worst <= 1e-4, `Grad-CAM: largest difference ${worst} (maps normalised to [0, 1])`);
  const cam = await page.locator("#cnn-canvas").screenshot();
  writeFileSync(join(SHOTS, "cnn.png"), cam);
  assert.ok(variance(cam) > 50);
  const shot = await page.locator("#panel-cnn").screenshot();
  writeFileSync(join(SHOTS, "cnn-panel.png"), shot);
  assert.equal(errors, []);
});

test("DEM and transport speed in the page vs Node (same probe, alternating)", async () => {
  const rows: { node: PerfReport; page: PerfReport }[] = [];
  for (let r = 0; r < 3; r++) {
    // a fresh instance per round, as the page's worker takes one per task (memory grown from the start on both sides)
    const nodeR = perfProbe(await loadCore());
    const pageR = await page.evaluate(() => (window as unknown as AppWindow).assbApp.worker.run({ kind: "perf" }));
    assert.ok(Object.is(pageR.check.tauFactor, nodeR.check.tauFactor) && Object.is(pageR.check.topLoad_N, nodeR.check.topLoad_N));
    rows.push({ node: nodeR, page: pageR });
  }
  // 3 alternating rounds: the middle one of the sorted ratios, and their range
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const span = (a: number[]) => `${Math.min(...a).toFixed(2)}-${Math.max(...a).toFixed(2)}`;
  const demRatios = rows.map((r) => r.page.dem_particleSteps_per_s / r.node.dem_particleSteps_per_s);
  const trRatios = rows.map((r) => r.node.transport_s / r.page.transport_s);
  const demRatio = med(demRatios),
    trRatio = med(trRatios);
  const line = (r: { node: PerfReport; page: PerfReport }) =>
    `DEM ${(r.page.dem_particleSteps_per_s / 1e6).toFixed(2)}e6 vs ${(r.node.dem_particleSteps_per_s / 1e6).toFixed(2)}e6 particle-steps/s, transport ${r.page.transport_s.toFixed(3)} vs ${r.node.transport_s.toFixed(3)} s`;
  process.stdout.write(
    `\n  browser vs Node (page vs node; ${rows[0].node.particles} particles, ${rows[0].node.steps} steps; ${rows[0].node.voxels.join("x")} voxels):\n${rows.map((r) => `    ${line(r)}`).join("\n")}\n    page / Node, median of 3 (range): DEM ${demRatio.toFixed(2)} (${span(demRatios)}), transport ${trRatio.toFixed(2)} (${span(trRatios)}) (target >= 0.9)\n`,
  );
  // a gross regression fails here; the 0.9 target is printed (a shared 2-core machine is too noisy to gate on it)
  assert.ok(demRatio > 0.5 && trRatio > 0.5, `DEM ${demRatio}, transport ${trRatio}`);
});

test("the DEM on 2 threads in the page (shared memory, thread workers) equals assb run --threads 2 in Node, bit for bit", async () => {
  await page.selectOption("#threads", "2");
  await page.click("#run");
  await page.waitForFunction(() => (window as unknown as AppWindow).assbApp.state.status !== "running", undefined, { timeout: 180_000 });
  assert.is(await status(), "done", (await page.textContent("#run-error")) ?? "");
  const pt = (await page.textContent("#progress-text")) ?? "";
  assert.match(pt, /DEM on 2 threads/, pt);
  const { scalars, yaml } = await page.evaluate(() => {
    const a = (window as unknown as AppWindow).assbApp;
    return { scalars: a.state.scalars!, yaml: a.yaml()! };
  });
  assert.match(yaml, /assb run pipeline\.yaml --threads 2/);
  const dem = await demThreading(2);
  let node: PipelineResult;
  try {
    node = runPipeline(await loadCore(), parsePipelineConfig(parse(yaml)), { dem: { kernels: dem.kernels, onSystem: dem.onSystem } });
  } finally {
    dem.done();
  }
  const mine = pipelineScalars(node);
  for (const k of Object.keys(mine)) assert.ok(Object.is(scalars[k], mine[k]), `${k}: page ${scalars[k]} vs Node ${mine[k]}`);
  await page.selectOption("#threads", "1");
  assert.equal(errors, []);
});

test("isostatic pressure and AM swelling cycles after the pressing (paper 003): the page's numbers are Node's; each state can be shown", async () => {
  await page.selectOption('[name="compact.next"]', "cycle");
  await setField("compact.stages.2.cycles", "1");
  await page.click("#run");
  await page.waitForFunction(() => (window as unknown as AppWindow).assbApp.state.status !== "running", undefined, { timeout: 180_000 });
  assert.is(await status(), "done", (await page.textContent("#run-error")) ?? "");
  const { scalars, yaml } = await page.evaluate(() => {
    const a = (window as unknown as AppWindow).assbApp;
    return { scalars: a.state.scalars!, yaml: a.yaml()! };
  });
  const cfg = parsePipelineConfig(parse(yaml));
  assert.equal(
    cfg.compact!.stages.map((st) => st.type),
    ["uniaxial", "isostatic", "cycle"],
  );
  const mine = pipelineScalars(runPipeline(await loadCore(), cfg));
  for (const k of Object.keys(mine)) assert.ok(Object.is(scalars[k], mine[k]), `${k}: page ${scalars[k]} vs Node ${mine[k]}`);
  const states = await page.$$eval("#state-of option", (os) => os.map((o) => (o as HTMLOptionElement).value));
  assert.equal(states, ["1. uniaxial: loaded", "1. uniaxial: released", "2. isostatic: isostatic", "3. cycle: D1", "3. cycle: C1"]);
  await page.selectOption("#state-of", "3. cycle: C1");
  assert.match((await page.textContent("#colour-range")) ?? "", /MPa/);
  await page.selectOption('[name="compact.next"]', "none");
  assert.equal(errors, []);
});

test.run();
