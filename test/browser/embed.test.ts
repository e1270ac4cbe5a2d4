/**
 * The README's HTML embedding example, as written, in headless Chromium: the page imports the package's
 * dist/browser/assbkit.js from ./node_modules/assbkit/ (this repository, bundles built from the sources),
 * runs the example pipeline in the package's Web Worker, and shows numbers equal to Node's runPipeline.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { loadCore } from "../../host/core/wasm.js";
import { parsePipelineConfig } from "../../host/pipeline/config.js";
import { PIPELINE_EXAMPLE_YAML } from "../../host/pipeline/example.js";
import { runPipeline } from "../../host/pipeline/run.js";
import { pipelineScalars } from "../../host/pipeline/summary.js";
import { harness, closeHarness, EMBED_PAGE, readmeEmbedExample } from "./harness.js";

test.after(closeHarness);

test("README embedding example: at most 20 lines, runs as written, shows Node's numbers", async () => {
  const html = readmeEmbedExample();
  assert.ok(html.split("\n").length <= 20, `${html.split("\n").length} lines`);
  const h = await harness();
  const page = await h.browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${h.base}${EMBED_PAGE}`);
  await page.waitForFunction(() => /SE tau/.test(document.getElementById("out")?.textContent ?? ""), undefined, { timeout: 120_000 });
  const shown = (await page.textContent("#out")) ?? "";
  await page.close();
  assert.equal(errors, []);
  const s = pipelineScalars(runPipeline(await loadCore(), parsePipelineConfig(parse(PIPELINE_EXAMPLE_YAML))));
  const want = `SE tau ${s.se_tauFactor.toFixed(3)}, AM tau ${s.am_tauFactor.toFixed(3)}, ${s.cell_capacity_mAh_g_at_0p05C.toFixed(1)} mAh/g at C/20`;
  assert.is(shown, want);
});

test("the package exports assbkit/browser (the ESM bundle) and assbkit/browser/worker", () => {
  assert.match(import.meta.resolve("assbkit/browser"), /\/dist\/browser\/assbkit\.js$/);
  assert.match(import.meta.resolve("assbkit/browser/worker"), /\/dist\/browser\/assbkit-worker\.js$/);
});

test.run();
