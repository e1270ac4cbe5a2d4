/**
 * wasm = TS twin: the same short runs with the wasm core and with host/micro/twin.ts (generated from the kernels:
 * the same operations in the same order, the LU's inner kernels as the scalar reference of the SIMD ones) give the
 * same series. With an integer damage exponent nothing calls Math.pow, so the two are asked to agree bit for bit
 * (they do); with n = 2.5 (the general scalar return mapping: Math.pow, whose last bit may differ between the wasm
 * engine and V8's JS) within 1e-10 relative, the last bit grown through a few dozen Newton solves.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore, type MicroKernels } from "../../host/core/wasm.js";
import { ArrayHeap } from "../../host/core/heap.js";
import { createMicroTwin } from "../../host/micro/twin.js";
import { runMicro } from "../../host/micro/model.js";
import type { MicroConfig, MicroResult } from "../../host/micro/types.js";
import { paperConfig } from "./setup.js";

const wasm = await loadCore();
const twin = createMicroTwin(new ArrayHeap());

function both(cfg: MicroConfig): [MicroResult, MicroResult] {
  return [runMicro(wasm, cfg), runMicro(twin as MicroKernels, cfg)];
}

/** Largest relative difference over every series column (relative to the column's largest magnitude). */
function seriesDiff(a: MicroResult, b: MicroResult): number {
  let worst = 0;
  for (const key of Object.keys(a.series) as (keyof MicroResult["series"])[]) {
    const x = a.series[key],
      y = b.series[key];
    assert.is(x.length, y.length, `${key}: length`);
    const scale = Math.max(...x.map(Math.abs), Number.MIN_VALUE);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / scale);
  }
  return worst;
}

test("cohesive with damage (n = 2), coarse, to max c~ = 0.99: wasm and the twin give the same series bit for bit", () => {
  const [a, b] = both(paperConfig({ resolution: 1 }));
  assert.ok(a.series.damage_max[a.series.damage_max.length - 1] > 0.1, "the interface damaged");
  assert.is(a.steps, b.steps);
  assert.is(a.rejectedSteps, b.rejectedSteps);
  assert.is(a.damageOnset_s, b.damageOnset_s);
  assert.equal(a.series, b.series);
  assert.equal(Array.from(a.final.interface.d), Array.from(b.final.interface.d));
});

test("bonded and diffusion alone, r = 2, a few steps: bit for bit", () => {
  for (const over of [{ interface: "bonded" as const }, { mechanics: false }]) {
    const [a, b] = both(paperConfig({ ...over, resolution: 2, stop: { maxConcentrationNorm: 0.99, time_s: 1, maxSteps: 200 } }));
    assert.ok(a.steps >= 5);
    assert.equal(a.series, b.series);
  }
});

test("cohesive with n = 2.5 (the scalar return mapping, Math.pow), coarse, to t = 4 s: the same series within 1e-10", () => {
  const cfg = paperConfig({ resolution: 1, stop: { maxConcentrationNorm: 0.99, time_s: 4, maxSteps: 500 } });
  cfg.cohesive = { ...cfg.cohesive, exponent: 2.5 };
  const [a, b] = both(cfg);
  assert.ok(a.series.damage_max[a.series.damage_max.length - 1] > 0, "the interface damaged");
  assert.is(a.steps, b.steps);
  const d = seriesDiff(a, b);
  console.log(`  n = 2.5: ${a.steps} steps, largest relative difference of the series wasm vs twin ${d.toExponential(2)}`);
  assert.ok(d <= 1e-10, `wasm vs twin ${d}`);
});

test.run();
