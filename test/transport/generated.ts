/**
 * Generated test volumes of one conducting phase (code 1) from a seeded PRNG (mulberry32): random sites and
 * overlapping spheres, for the tests of the stopping rule and of slab solves on networks nobody tuned on.
 */
import type { Volume } from "../../host/transport/volume_type.js";

/** mulberry32: a seeded generator of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const box = (n: number, data: Uint8Array): Volume => ({ shape: [n, n, n], data, phases: { 1: "A" }, meta: {} });

/** Each voxel of an n^3 box conducting with probability frac. */
export function sites(rnd: () => number, n: number, frac: number): Volume {
  return box(
    n,
    Uint8Array.from({ length: n ** 3 }, () => (rnd() < frac ? 1 : 0)),
  );
}

/** Overlapping spheres of radius rMin-rMax voxels in an n^3 box until a volume fraction frac conducts. */
export function spheres(rnd: () => number, n: number, frac: number, rMin: number, rMax: number): Volume {
  const d = new Uint8Array(n ** 3);
  let filled = 0;
  while (filled < frac * d.length) {
    const c = [rnd() * n, rnd() * n, rnd() * n],
      r = rMin + rnd() * (rMax - rMin);
    const lo = c.map((x) => Math.max(0, Math.floor(x - r))),
      hi = c.map((x) => Math.min(n, Math.ceil(x + r + 1)));
    for (let z = lo[0]; z < hi[0]; z++)
      for (let y = lo[1]; y < hi[1]; y++)
        for (let x = lo[2]; x < hi[2]; x++) {
          const i = (z * n + y) * n + x;
          if (!d[i] && (z - c[0]) ** 2 + (y - c[1]) ** 2 + (x - c[2]) ** 2 <= r * r) {
            d[i] = 1;
            filled++;
          }
        }
  }
  return box(n, d);
}
