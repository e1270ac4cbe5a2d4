/** Particle size distributions (diameters), sampled with the seeded PRNG. */
import { z } from "zod";
import { quantity } from "../config/schema.js";
import type { Rng } from "../core/rng.js";

export const SizeDistSchema = z.discriminatedUnion("dist", [
  z.object({ dist: z.literal("fixed"), diameter_m: quantity("m", { min: 0, minExclusive: true }, "diameter") }).strict(),
  /** uniform in [min, max] (a "range") */
  z
    .object({
      dist: z.literal("uniform"),
      min_m: quantity("m", { min: 0, minExclusive: true }, "smallest diameter"),
      max_m: quantity("m", { min: 0, minExclusive: true }, "largest diameter"),
    })
    .strict()
    .refine((d) => d.max_m >= d.min_m, { message: "max_m must be at least min_m [m]" }),
  /** log-normal by number: ln d ~ N(ln median, sigma^2), optionally truncated to [min, max] */
  z
    .object({
      dist: z.literal("lognormal"),
      median_m: quantity("m", { min: 0, minExclusive: true }, "median diameter"),
      sigma: quantity("-", { min: 0 }, "standard deviation of ln d"),
      min_m: quantity("m", { min: 0 }, "smallest diameter").optional(),
      max_m: quantity("m", { min: 0 }, "largest diameter").optional(),
    })
    .strict(),
  /** a table of diameters with number fractions (normalised), sampled as given */
  z
    .object({
      dist: z.literal("table"),
      diameter_m: z.array(quantity("m", { min: 0, minExclusive: true }, "diameter")).min(1),
      numberFraction: z.array(quantity("-", { min: 0 }, "number fraction")).min(1),
    })
    .strict()
    .refine((t) => t.diameter_m.length === t.numberFraction.length, { message: "diameter_m and numberFraction must have the same length" })
    .refine((t) => t.numberFraction.some((f) => f > 0), { message: "numberFraction needs a positive entry" }),
]);
export type SizeDist = z.output<typeof SizeDistSchema>;

/** Standard normal deviate (Box-Muller on the seeded stream). */
export function gaussian(rng: Rng): number {
  let u = rng.next();
  while (u <= 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

export function sampleDiameter(d: SizeDist, rng: Rng): number {
  switch (d.dist) {
    case "fixed":
      return d.diameter_m;
    case "uniform":
      return d.min_m + (d.max_m - d.min_m) * rng.next();
    case "lognormal": {
      for (let k = 0; k < 10000; k++) {
        const x = d.median_m * Math.exp(d.sigma * gaussian(rng));
        if ((d.min_m === undefined || x >= d.min_m) && (d.max_m === undefined || x <= d.max_m)) return x;
      }
      throw new Error("lognormal: the truncation [min_m, max_m] excludes almost all of the distribution");
    }
    case "table": {
      const tot = d.numberFraction.reduce((a, b) => a + b, 0);
      let u = rng.next() * tot;
      for (let k = 0; k < d.diameter_m.length; k++) {
        u -= d.numberFraction[k];
        if (u < 0) return d.diameter_m[k];
      }
      return d.diameter_m[d.diameter_m.length - 1];
    }
  }
}

/** Mean of d^3 (for mass estimates), by sampling a fixed auxiliary stream. */
export function meanCube(d: SizeDist, rng: Rng, n = 4000): number {
  let s = 0;
  for (let k = 0; k < n; k++) {
    const x = sampleDiameter(d, rng);
    s += x * x * x;
  }
  return s / n;
}
