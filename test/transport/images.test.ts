/** The 100 64x64 images of fixtures/transport/img64_batch100 vs the reference currents (1e-6 relative). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { loadCore } from "../../host/core/wasm.js";
import { readVolume } from "../../host/transport/volume.js";
import { solveImages } from "../../host/transport/images.js";
import { solveImagesParallel } from "../../host/transport/images_pool.js";
import { fixture, relErr } from "../helpers.js";

const k = await loadCore();
const ref = readFileSync(fixture("transport/img64_batch100_reference.csv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(",").map(Number));
const batch = readVolume(fixture("transport/img64_batch100.json"));

test("100 images: current and resistance within 1e-6 of the reference (sigma 1 S/m, V 1 V, unit square)", () => {
  // the batch file's transport axis 1 is axis 0 of each image (potential across the rows)
  const rows = solveImages(k, batch, { axis: 0, solver: { rtol: 1e-10 } });
  assert.is(rows.length, 100);
  for (const r of rows) {
    const [, frac, , I, R] = ref[r.index];
    assert.ok(Math.abs(r.conductiveFraction - frac) <= 1e-9, `image ${r.index}: fraction`);
    if (I === 0) {
      assert.not.ok(r.percolates);
      assert.is(r.current_A, 0);
      continue;
    }
    assert.ok(relErr(r.current_A, I) <= 1e-6, `image ${r.index}: I ${r.current_A} vs ${I}`);
    assert.ok(relErr(r.resistance_ohm, R) <= 1e-6, `image ${r.index}: R ${r.resistance_ohm} vs ${R}`);
    assert.is(r.status, "converged");
  }
});

test("worker pool: 2 threads, chunks of 7, give exactly the single-thread results in image order", async () => {
  const opts = { axis: 1 as const, solver: { rtol: 1e-9 } };
  const serial = solveImages(k, batch, opts);
  let progress = 0;
  const pooled = await solveImagesParallel(k, batch, opts, {
    workers: 2,
    chunk: 7,
    onProgress: (d) => {
      progress = d;
    },
  });
  assert.is(pooled.length, 100);
  assert.is(progress, 100);
  pooled.forEach((r, i) => assert.equal(r, serial[i], `image ${i}`));
  try {
    await solveImagesParallel(k, batch, opts, { workers: 0 });
    assert.unreachable();
  } catch (e) {
    assert.match(String(e), /workers = 0/);
  }
});

/** `p`, or a rejection after `ms` (a hang fails the test instead of stalling it). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms (hang)`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

test("worker pool: a worker that dies with the last chunk in flight (queue drained) has it re-run; one that keeps dying fails the batch, never hangs", async () => {
  const opts = { axis: 0 as const, solver: { rtol: 1e-9 } };
  const serial = solveImages(k, batch, opts);
  // chunks 0, 25, 50, 75: the chunk at 75 is handed out last, when the queue is already empty
  const pooled = await within(solveImagesParallel(k, batch, opts, { workers: 2, chunk: 25, crashTest: { first: 75, times: 1 } }), 60000);
  assert.is(pooled.length, 100);
  pooled.forEach((r, i) => assert.equal(r, serial[i], `image ${i}`));
  let err = "";
  try {
    await within(solveImagesParallel(k, batch, opts, { workers: 2, chunk: 25, crashTest: { first: 75, times: 99 } }), 60000);
  } catch (e) {
    err = (e as Error).message;
  }
  assert.match(err, /^transport-images: a worker thread died 2 times while solving images 75-99 \(exit code 7\)/);
});

test("the default conductor (every non-zero code) is refused for images with several non-zero codes", async () => {
  const data = new Uint8Array(2 * 16 * 16).fill(1);
  data[300] = 2;
  const b = { shape: [2, 16, 16], data, phases: { "0": "pore", "1": "AM", "2": "SE" } };
  assert.throws(() => solveImages(k, b, { axis: 0 }), /the images hold 2 non-zero codes \(1 = AM, 2 = SE\)/);
  let err = "";
  try {
    await solveImagesParallel(k, b, { axis: 0 }, { workers: 2, chunk: 1 });
  } catch (e) {
    err = (e as Error).message;
  }
  assert.match(err, /non-zero codes/);
  const rows = solveImages(k, b, { axis: 0, conductorCodes: [1, 2] });
  assert.is(rows[1].conductiveFraction, 1);
  assert.is(solveImages(k, b, { axis: 0, conductorCodes: [2] })[1].conductiveFraction, 1 / 256);
});

test("a non-percolating image is flagged with I = 0 and R = Infinity", () => {
  const data = new Uint8Array(2 * 64 * 64).fill(1);
  for (let c = 0; c < 64; c++) data[4096 + 30 * 64 + c] = 0; // image 1: an insulating row
  const rows = solveImages(k, { shape: [2, 64, 64], data, phases: {} }, { axis: 0 });
  assert.ok(rows[0].percolates && Math.abs(rows[0].current_A - 1) <= 1e-9);
  assert.not.ok(rows[1].percolates);
  assert.is(rows[1].current_A, 0);
  assert.is(rows[1].resistance_ohm, Infinity);
  // across the columns the same image conducts
  const cols = solveImages(k, { shape: [2, 64, 64], data, phases: {} }, { axis: 1 });
  assert.ok(cols[1].percolates && Math.abs(cols[1].current_A - 63 / 64) <= 1e-9, `${cols[1].current_A}`);
});

test.run();
