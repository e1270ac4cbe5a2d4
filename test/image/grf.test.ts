/** Seeded GRF conductor images (paper 002): determinism, the fraction range, the fixture's correlation, solver labels twice. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GRF_DEFAULTS, grfBatch, grfImage } from "../../host/image/grf.js";
import { writeGrfDataset } from "../../host/image/grf_dataset.js";
import { readVolume } from "../../host/transport/volume.js";
import { expectConfigError, fixture } from "../helpers.js";

const o = { ...GRF_DEFAULTS, seed: 77 };

/** Mean autocorrelation at `lag` px along the rows (non-periodic estimate), over images [0, n). */
function rowAcf(data: Uint8Array, n: number, s: number, lag: number): number {
  let num = 0,
    den = 0;
  for (let b = 0; b < n; b++) {
    const im = data.subarray(b * s * s, (b + 1) * s * s);
    let m = 0;
    for (const v of im) m += v;
    m /= im.length;
    for (let y = 0; y < s; y++)
      for (let x = 0; x < s; x++) {
        const d = im[y * s + x] - m;
        den += d * d;
        if (x + lag < s) num += d * (im[y * s + x + lag] - m) * (s / (s - lag));
      }
  }
  return num / den;
}

test("same seed, same images; image i depends on (seed, i) only; another seed differs", () => {
  const a = grfBatch(o, 12),
    b = grfBatch(o, 12);
  assert.ok(Buffer.from(a.data).equals(Buffer.from(b.data)));
  const tail = grfBatch(o, 4, 8);
  assert.ok(Buffer.from(tail.data).equals(Buffer.from(a.data.subarray(8 * 4096))), "images 8-11 alone = images 8-11 of the batch");
  const c = grfBatch({ ...o, seed: 78 }, 12);
  assert.not.ok(Buffer.from(c.data).equals(Buffer.from(a.data)));
});

test("conductive fraction in [0.6, 1.0], exact pixel count; codes 0/1; a range of fractions", () => {
  const { data, fractions } = grfBatch(o, 200);
  for (let i = 0; i < 200; i++) {
    const im = data.subarray(i * 4096, (i + 1) * 4096);
    let c = 0;
    for (const v of im) {
      assert.ok(v === 0 || v === 1);
      c += v;
    }
    assert.is(c / 4096, fractions[i]);
    assert.ok(fractions[i] >= 0.6 - 1 / 8192 && fractions[i] <= 1, `image ${i}: ${fractions[i]}`);
  }
  const sorted = Array.from(fractions).sort((a, b) => a - b);
  assert.ok(sorted[0] < 0.62 && sorted[199] > 0.98, `spread ${sorted[0]}-${sorted[199]}`);
  assert.is(
    grfImage({ ...o, fractionMin: 1, fractionMax: 1 }, 0).pixels.reduce((a, b) => a + b, 0),
    4096,
  );
});

test("correlation length comparable to the fixture images (lag-1 and lag-2 autocorrelation within 0.05)", () => {
  const fx = readVolume(fixture("transport/img64_batch100.json"));
  const g = grfBatch({ ...o, fractionMax: 0.9 }, 100);
  for (const lag of [1, 2]) {
    const a = rowAcf(fx.data, 100, 64, lag),
      b = rowAcf(g.data, 100, 64, lag);
    assert.ok(Math.abs(a - b) < 0.05, `lag ${lag}: fixture ${a.toFixed(3)}, generated ${b.toFixed(3)}`);
  }
});

test("dataset: the same labels twice (2 worker threads), the fixtures/transport batch format", async () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-grf-"));
  const r1 = await writeGrfDataset(o, 30, join(dir, "a.json"), { labels: join(dir, "a.csv"), workers: 2 });
  await writeGrfDataset(o, 30, join(dir, "b.json"), { labels: join(dir, "b.csv"), workers: 2 });
  assert.is(readFileSync(join(dir, "a.csv"), "utf8"), readFileSync(join(dir, "b.csv"), "utf8"));
  assert.ok(readFileSync(join(dir, "a.raw")).equals(readFileSync(join(dir, "b.raw"))));
  const v = readVolume(join(dir, "a.json"));
  assert.equal(v.shape, [30, 64, 64]);
  assert.is(v.meta?.transport_axis, 1);
  assert.is(v.meta?.kind, "grf2d");
  // labels: current grows with the conductive fraction; a full image carries I = 1 A
  const rows = r1.rows!;
  assert.ok(rows.every((x) => x.current_A >= 0 && x.current_A <= 1 + 1e-9 && x.status !== "not-converged"));
  const full = await writeGrfDataset({ ...o, fractionMin: 1 }, 2, join(dir, "full.json"), { labels: join(dir, "full.csv"), workers: 1 });
  assert.ok(full.rows!.every((x) => Math.abs(x.current_A - 1) < 1e-9));
});

test("bad options are refused with the option and the range", () => {
  expectConfigError(() => grfBatch({ ...o, fractionMin: 0.9, fractionMax: 0.6 }, 1), /fraction range 0.9-0.6/);
  expectConfigError(() => grfBatch({ ...o, corrPx: 0 }, 1), /corrPx/);
});

test.run();
