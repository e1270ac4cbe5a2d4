/**
 * Segmentation of grey values (host/segment/otsu.ts, segment.ts): a synthetic scan of known phases
 * (three Gaussian grey levels over a known label volume) comes back by multi-level Otsu, the Otsu
 * search matches a brute-force between-class variance, given thresholds label exactly v >= t, and bad
 * data or options are one-line refusals.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Rng } from "../../host/core/rng.js";
import { greyHistogram, multiOtsu, type GreyHistogram } from "../../host/segment/otsu.js";
import { segmentGrey } from "../../host/segment/segment.js";
import { refusal } from "../helpers.js";

const N = 32;
/** A known label volume: 30 % code 0, 30 % code 1, 40 % code 2, in blocks of 2 x 2 x 2 so phases are not salt and pepper. */
function knownLabels(seed: number): Uint8Array {
  const r = new Rng(seed);
  const lab = new Uint8Array(N * N * N);
  const blocks = Array.from({ length: (N / 2) ** 3 }, () => {
    const u = r.next();
    return u < 0.3 ? 0 : u < 0.6 ? 1 : 2;
  });
  for (let z = 0; z < N; z++)
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) lab[(z * N + y) * N + x] = blocks[((z >> 1) * (N / 2) + (y >> 1)) * (N / 2) + (x >> 1)];
  return lab;
}

/** Grey = mean[label] + sd * a standard normal (Box-Muller), clamped to 0-65535 for uint16 (a typed array would wrap). */
function greyOf(lab: Uint8Array, mean: number[], sd: number, out: Uint16Array | Float32Array, seed: number) {
  const r = new Rng(seed);
  for (let i = 0; i < lab.length; i++) {
    const g = Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
    const v = mean[lab[i]] + sd * g;
    out[i] = out instanceof Uint16Array ? Math.min(65535, Math.max(0, Math.round(v))) : v;
  }
  return out;
}

const agree = (a: Uint8Array, b: Uint8Array) => a.reduce((n, v, i) => n + (v === b[i] ? 1 : 0), 0) / a.length;

test("a 16-bit scan of three Gaussian grey levels: Otsu recovers the phases (>= 99 % of voxels), thresholds between the class means", () => {
  const lab = knownLabels(3);
  const mean = [8000, 20000, 32000];
  const grey = greyOf(lab, mean, 2000, new Uint16Array(lab.length), 4);
  const s = segmentGrey(grey, "uint16", { shape: [N, N, N] });
  assert.is(s.method, "otsu");
  assert.equal(s.phases, { "0": "pore", "1": "SE", "2": "AM" });
  assert.is(s.histogram.counts.length <= 4096, true);
  const ok = agree(s.labels, lab);
  assert.ok(ok >= 0.99, `${(100 * ok).toFixed(2)} % of voxels right`);
  assert.ok(s.thresholds[0] > mean[0] && s.thresholds[0] < mean[1], String(s.thresholds));
  assert.ok(s.thresholds[1] > mean[1] && s.thresholds[1] < mean[2], String(s.thresholds));
  // fractions and means of what was found are those of the truth, to the misclassified few
  const f = [0, 1, 2].map((c) => lab.filter((v) => v === c).length / lab.length);
  assert.ok(Math.abs(s.fractions.pore - f[0]) < 0.01 && Math.abs(s.fractions.SE - f[1]) < 0.01 && Math.abs(s.fractions.AM - f[2]) < 0.01);
  s.means.forEach((m, c) => assert.ok(Math.abs(m! - mean[c]) < 300, `${c}: ${m}`));
  assert.ok(s.separability > 0.9 && s.separability < 1, String(s.separability));
});

test("the same on float32 grey values (4096 equal bins over [min, max]), and two phases", () => {
  const lab = knownLabels(5);
  const grey = greyOf(lab, [0.2, 0.5, 0.8], 0.05, new Float32Array(lab.length), 6);
  const s = segmentGrey(grey, "float32", { phases: ["pore", "CBD", "AM"] });
  assert.is(s.histogram.counts.length, 4096);
  assert.ok(agree(s.labels, lab) >= 0.99);
  assert.ok(s.thresholds[0] > 0.2 && s.thresholds[0] < 0.5 && s.thresholds[1] > 0.5 && s.thresholds[1] < 0.8, String(s.thresholds));
  assert.equal(Object.values(s.phases), ["pore", "CBD", "AM"]);
  // two phases: pore against everything else
  const two = lab.map((v) => (v === 0 ? 0 : 1));
  const s2 = segmentGrey(greyOf(two, [0.2, 0.7], 0.05, new Float32Array(lab.length), 7), "float32", { phases: ["pore", "solid"] });
  assert.ok(agree(s2.labels, two) >= 0.99);
  assert.is(s2.thresholds.length, 1);
});

/** Between-class variance of the split of `h` at bin edges `cut`, from scratch. */
function betweenVariance(h: GreyHistogram, cut: number[]): number {
  const edges = [0, ...cut, h.counts.length];
  let n = 0,
    s = 0;
  h.counts.forEach((c, i) => {
    n += c;
    s += c * i;
  });
  let vb = 0;
  for (let k = 0; k + 1 < edges.length; k++) {
    let w = 0,
      m = 0;
    for (let i = edges[k]; i < edges[k + 1]; i++) {
      w += h.counts[i];
      m += h.counts[i] * i;
    }
    if (w === 0) return -Infinity;
    vb += (w / n) * (m / w - s / n) ** 2;
  }
  return vb;
}

test("the Otsu search is exact: its split maximises the between-class variance over every split (brute force, 2 and 3 classes)", () => {
  const r = new Rng(11);
  for (let trial = 0; trial < 5; trial++) {
    const L = 48;
    // a histogram of integer grey values 100..147 with random counts (no empty bins: no ties to break)
    const data: number[] = [];
    for (let v = 0; v < L; v++) for (let c = 1 + (r.u32() % 50); c > 0; c--) data.push(100 + v);
    const h = greyHistogram(Uint16Array.from(data), "uint16");
    assert.is(h.counts.length, L);
    for (const K of [2, 3]) {
      let best = -Infinity,
        arg: number[] = [];
      for (let j1 = 1; j1 < L; j1++)
        if (K === 2) {
          const v = betweenVariance(h, [j1]);
          if (v > best) [best, arg] = [v, [j1]];
        } else
          for (let j2 = j1 + 1; j2 < L; j2++) {
            const v = betweenVariance(h, [j1, j2]);
            if (v > best) [best, arg] = [v, [j1, j2]];
          }
      const o = multiOtsu(h, K);
      assert.equal(o.edges, arg, `trial ${trial}, ${K} classes`);
      assert.equal(
        o.thresholds,
        arg.map((j) => 100 + j),
      );
    }
  }
});

test("integer data: one bin per grey value when they fit, else whole numbers of grey values per bin; a gap puts the threshold in its middle", () => {
  const h = greyHistogram(Uint16Array.from([0, 65535, 7, 7]), "uint16");
  assert.is(h.width, 16);
  assert.is(h.counts.length, 4096);
  // two grey values 10 and 200: every threshold in 11..200 splits them; the middle one is taken
  const s = segmentGrey(Uint8Array.from([10, 10, 200, 200, 200]), "uint8", { phases: ["pore", "solid"] });
  assert.equal(s.thresholds, [106]);
  assert.equal(Array.from(s.labels), [0, 0, 1, 1, 1]);
  assert.is(s.separability, 1);
});

test("given thresholds label exactly: phase c holds t[c-1] <= v < t[c] (a voxel on a threshold goes up)", () => {
  const lab = knownLabels(9);
  const grey = greyOf(lab, [8000, 20000, 32000], 4000, new Uint16Array(lab.length), 10);
  grey[0] = 14000;
  grey[1] = 26000;
  const s = segmentGrey(grey, "uint16", { thresholds: [14000, 26000], phases: ["pore", "SE", "AM"] });
  assert.is(s.method, "thresholds");
  const want = grey.map((v) => (v >= 14000 ? 1 : 0) + (v >= 26000 ? 1 : 0));
  assert.equal(Array.from(s.labels), Array.from(want));
  assert.is(s.labels[0], 1);
  assert.is(s.labels[1], 2);
  assert.is(
    s.counts.reduce((a, b) => a + b, 0),
    grey.length,
  );
  assert.is(s.fractions.SE, want.filter((v) => v === 1).length / grey.length);
  // four phases by thresholds (Otsu takes 2 or 3), and an empty phase is a warning, not an error
  const s4 = segmentGrey(grey, "uint16", { thresholds: [14000, 26000, 60000], phases: ["pore", "SE", "AM", "void"] });
  assert.is(s4.counts[3], 0);
  assert.match(s4.warnings[0], /^phase void holds no voxel \(grey >= 60000; the volume spans/);
});

test("refusals: NaN voxels (named by position), one grey value, thresholds out of order or of the wrong count, Otsu past 3 phases, bad names", () => {
  const f = new Float32Array(2 * 3 * 4).map((_, i) => i);
  f[17] = Number.NaN;
  assert.match(
    refusal(() => segmentGrey(f, "float32", { shape: [2, 3, 4], source: "s.tif" })),
    /^s\.tif: voxel 17 \(z = 1, y = 1, x = 1\) is NaN/,
  );
  assert.match(
    refusal(() => segmentGrey(new Uint16Array(8).fill(5), "uint16")),
    /every voxel holds grey value 5: there is nothing to segment/,
  );
  const g = Uint16Array.from([1, 2, 3, 4]);
  assert.match(
    refusal(() => segmentGrey(g, "uint16", { thresholds: [3, 2] })),
    /^--thresholds = "3,2": expected grey values in increasing order/,
  );
  assert.match(
    refusal(() => segmentGrey(g, "uint16", { thresholds: [2], phases: ["pore", "SE", "AM"] })),
    /^--thresholds = "2": expected 2 grey values for the 3 phases pore, SE, AM/,
  );
  assert.match(
    refusal(() => segmentGrey(g, "uint16", { phases: ["a", "b", "c", "d"] })),
    /^Otsu splits into 2 or 3 phases, not 4/,
  );
  assert.match(
    refusal(() => segmentGrey(g, "uint16", { phases: ["SE", "se"] })),
    /^--phases = "SE,se": expected each phase once/,
  );
  assert.match(
    refusal(() => segmentGrey(g, "uint16", { phases: ["pore", ""] })),
    /^--phases = "pore,": expected phase names of letters/,
  );
});

test.run();
