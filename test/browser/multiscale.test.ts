/**
 * The P2D cell and the multiscale cell in headless Chromium: the shipped damage surrogate (read in Node into plain weights and
 * handed to the page) at every macro node of the Asheri2023_multiscale cell, a 2C discharge, must give Node's
 * voltage, capacity and <d>(x) bit for bit (compared as the hex of the f64 bits): the same P2D kernels, the same
 * network kernel, the same host arithmetic (log10 J_s through portable_math).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { parseExperiment } from "../../host/cell/experiment.js";
import { runExperiment } from "../../host/cell/model.js";
import { cellSurrogate, runMultiscaleCell } from "../../host/multiscale/cell.js";
import { loadSurrogateSet } from "../../host/multiscale/surrogate.js";
import { ROOT } from "../helpers.js";
import { harness, closeHarness } from "./harness.js";

const hex = (v: number) => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16);
};

test.after(closeHarness);

test("multiscale cell, damage surrogate, 2C to 3.0 V: Chromium and Node agree bit for bit", async () => {
  const dir = `${ROOT}models/surrogate-001-damage`;
  const set = cellSurrogate(await loadSurrogateSet(dir), dir);
  const params = loadCellParams("Asheri2023_multiscale");
  const text = "Discharge at 2C until 3.0 V";
  const node = runMultiscaleCell(await loadCore(), resolveCellParams(params), parseExperiment(text), set);
  const h = await harness();
  const { page, errors } = await h.open();
  const out = await page.evaluate(
    async ({ set, params, text }) => {
      const A = (window as unknown as { assbkit: typeof import("../../host/browser.js") }).assbkit;
      // a named OCV formula: no table file to read in the page
      const r = A.runMultiscaleCell(await A.loadCore(), A.resolveCellParams(A.parseCellParams(params)), A.parseExperiment(text), set);
      return { v: r.voltage_V, q: r.capacity_Ah_m2, d: r.fields.damage_avg.at(-1), steps: r.stats.steps, ua: navigator.userAgent };
    },
    { set, params, text },
  );
  await page.close();
  assert.equal(errors, []);
  assert.ok(/Chrome/.test(out.ua), out.ua);
  assert.is(out.steps, node.stats.steps);
  const mine = node.voltage_V.map((v, k) => `${hex(v)} ${hex(node.capacity_Ah_m2[k])}`);
  const theirs = out.v.map((v: number, k: number) => `${hex(v)} ${hex(out.q[k])}`);
  const first = theirs.findIndex((r: string, k: number) => r !== mine[k]);
  assert.is(first, -1, `first differing output point ${first}: browser ${theirs[first]} vs node ${mine[first]}`);
  assert.equal(out.d?.map(hex), node.fields.damage_avg.at(-1)!.map(hex));
  assert.ok(Math.max(...node.fields.damage_avg.at(-1)!) > 0.1, "the interface damages within the run");
});

test("the plain P2D (finite-volume particles), 1C to 3.0 V: Chromium and Node agree bit for bit (the step control's pow is portable)", async () => {
  const params = loadCellParams("Asheri2023");
  const text = "Discharge at 1C until 3.0 V";
  const node = runExperiment(await loadCore(), resolveCellParams(params), parseExperiment(text));
  const h = await harness();
  const { page, errors } = await h.open();
  const out = await page.evaluate(
    async ({ params, text }) => {
      const A = (window as unknown as { assbkit: typeof import("../../host/browser.js") }).assbkit;
      const r = A.runExperiment(await A.loadCore(), A.resolveCellParams(A.parseCellParams(params)), A.parseExperiment(text));
      return { v: r.voltage_V, steps: r.stats.steps };
    },
    { params, text },
  );
  await page.close();
  assert.equal(errors, []);
  assert.is(out.steps, node.stats.steps);
  assert.equal(out.v.map(hex), node.voltage_V.map(hex));
});

test.run();
