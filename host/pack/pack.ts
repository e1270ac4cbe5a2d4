/**
 * Initial packings before DEM (SPEC §1).
 * - 3D (paper 003 §2.1.1): AM and SE spheres from their own diameter distributions at a given AM:SE mass
 *   ratio and AM mass loading (or total count), at random non-overlapping positions in a box periodic in
 *   x and y (largest first); the insertion height follows from the initial solid fraction unless given.
 * - 2D (paper 000 §2.1.1): per structure an AM mean diameter and SD are drawn from ranges; AM discs are
 *   placed at random, without overlap and inside the frame, until the AM area fraction reaches the
 *   target; then fixed-size SE discs fill the rest exhaustively, scanning from the frame edge.
 * Deterministic: the same seed gives the same packing in Node and in browsers.
 */
import { z } from "zod";
import { quantity } from "../config/schema.js";
import { ConfigError, configErrorFrom } from "../config/errors.js";
import { Rng } from "../core/rng.js";
import { VERSION } from "../version.js";
import { MAX_PARTICLES, DEFAULT_TYPES, packingCsv, type Packing } from "./packing.js";
import { SizeDistSchema, sampleDiameter, meanCube, gaussian } from "./sizes.js";
import { OverlapGrid } from "./grid.js";

const PhaseSchema = z
  .object({
    size: SizeDistSchema,
    density_kg_m3: quantity("kg/m^3", { min: 0, minExclusive: true }, "density"),
  })
  .strict();

export const Pack3dSchema = z
  .object({
    kind: z.literal("3d"),
    seed: z.number().int().nonnegative().default(1),
    am: PhaseSchema,
    se: PhaseSchema,
    /** AM mass fraction of the solids, e.g. 0.733 for 73.3:26.7 wt % */
    amMassFraction: quantity("-", { min: 0, max: 1, minExclusive: true, maxExclusive: true }, "AM mass fraction"),
    /** AM mass per electrode area [kg/m^2] (1 mg/cm^2 = 0.01 kg/m^2); or give particles */
    amLoading_kg_m2: quantity("kg/m^2", { min: 0, minExclusive: true }, "AM mass loading").optional(),
    particles: z
      .number()
      .int()
      .positive()
      .max(MAX_PARTICLES, { message: `expected at most ${MAX_PARTICLES} particles (one wasm32 DEM instance, 4 GiB)` })
      .optional(),
    box: z
      .object({
        lx_m: quantity("m", { min: 0, minExclusive: true }, "box length x"),
        ly_m: quantity("m", { min: 0, minExclusive: true }, "box length y"),
      })
      .strict(),
    /** insertion height [m]; default from initialSolidFraction */
    height_m: quantity("m", { min: 0, minExclusive: true }, "insertion height").optional(),
    initialSolidFraction: quantity(
      "-",
      { min: 0, max: 0.45, minExclusive: true },
      "initial solid fraction (random insertion jams near 0.38)",
    ).default(0.3),
    maxAttempts: z.number().int().positive().max(1e7).default(20000),
  })
  .strict()
  .refine((c) => (c.amLoading_kg_m2 === undefined) !== (c.particles === undefined), {
    message: "give exactly one of amLoading_kg_m2 [kg/m^2] or particles",
  });

export const Pack2dSchema = z
  .object({
    kind: z.literal("2d"),
    seed: z.number().int().nonnegative().default(1),
    frame: z
      .object({
        height_m: quantity("m", { min: 0, minExclusive: true }, "frame height").default(40e-6),
        /** the width is drawn uniformly from this range per structure (paper 000: 46-55 um) */
        widthRange_m: z
          .tuple([quantity("m", { min: 0, minExclusive: true }), quantity("m", { min: 0, minExclusive: true })])
          .default([46e-6, 55e-6]),
        /** frame width after compression; the AM area fraction refers to height x finalWidth by default */
        finalWidth_m: quantity("m", { min: 0, minExclusive: true }, "width after compression").default(40e-6),
      })
      .strict()
      .default({ height_m: 40e-6, widthRange_m: [46e-6, 55e-6], finalWidth_m: 40e-6 }),
    am: z
      .object({
        meanDiameterRange_m: z
          .tuple([quantity("m", { min: 0, minExclusive: true }), quantity("m", { min: 0, minExclusive: true })])
          .default([9e-6, 12e-6]),
        sdRange_m: z.tuple([quantity("m", { min: 0 }), quantity("m", { min: 0 })]).default([0, 2e-6]),
        density_kg_m3: quantity("kg/m^3", { min: 0, minExclusive: true }, "density").default(5050),
      })
      .strict()
      .default({ meanDiameterRange_m: [9e-6, 12e-6], sdRange_m: [0, 2e-6], density_kg_m3: 5050 }),
    /** target AM area fraction (paper 000: 0.53, 0.58, 0.63, 0.68, 0.73) */
    amAreaFraction: quantity("-", { min: 0, max: 1, minExclusive: true, maxExclusive: true }, "AM area fraction"),
    /** "final": of height x finalWidth (the compressed 40 x 40 um frame); "initial": of the drawn frame */
    fractionOf: z.enum(["final", "initial"]).default("final"),
    se: z
      .object({
        diameter_m: quantity("m", { min: 0, minExclusive: true }, "SE diameter").default(1e-6),
        density_kg_m3: quantity("kg/m^3", { min: 0, minExclusive: true }, "density").default(2000),
        /** scan pitch of the exhaustive fill / SE diameter: 1 leaves room for the 40 um compression (0.25 fills so densely that pressing a 46-55 um frame to 40 um over-fills it) */
        scanStep: quantity("-", { min: 0.05, max: 1 }, "scan step / diameter").default(1),
      })
      .strict()
      .default({ diameter_m: 1e-6, density_kg_m3: 2000, scanStep: 1 }),
    maxAttempts: z.number().int().positive().max(1e8).default(200000),
    /** when random placement jams before the target (maxAttempts tries spent): "error", or "stop" there (summary.amAreaFraction is what was reached) */
    onJam: z.enum(["error", "stop"]).default("error"),
  })
  .strict();

export const PackSpecSchema = z.discriminatedUnion("kind", [Pack3dSchema, Pack2dSchema]);
export type PackSpec = z.output<typeof PackSpecSchema>;

/** A generated packing: the stage hand-off (materials AM and SE) plus the spec and a summary. */
export interface GeneratedPacking extends Packing {
  seed: number;
  spec: PackSpec;
  particles: Packing["particles"] & { density_kg_m3: number[] };
  summary: Record<string, number>;
}

const MATERIALS: Packing["materials"] = { AM: { phase: "AM" }, SE: { phase: "SE" } };

export function parsePackSpec(input: unknown, source = "pack"): PackSpec {
  const r = PackSpecSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, source);
  return r.data;
}

export function generatePacking(spec: PackSpec): GeneratedPacking {
  return spec.kind === "3d" ? pack3d(spec) : pack2d(spec);
}

function pack3d(c: Extract<PackSpec, { kind: "3d" }>): GeneratedPacking {
  const rng = new Rng(c.seed);
  const area = c.box.lx_m * c.box.ly_m;
  const sphere = (d: number, rho: number) => (Math.PI / 6) * d * d * d * rho;
  const dAm: number[] = [],
    dSe: number[] = [];
  if (c.amLoading_kg_m2 !== undefined) {
    const mAm = c.amLoading_kg_m2 * area;
    const mSe = (mAm * (1 - c.amMassFraction)) / c.amMassFraction;
    // the expected count, refused before anything is drawn or allocated
    const aux = new Rng(c.seed ^ 0x5bd1e995);
    const expected =
      mAm / ((Math.PI / 6) * c.am.density_kg_m3 * meanCube(c.am.size, aux)) +
      mSe / ((Math.PI / 6) * c.se.density_kg_m3 * meanCube(c.se.size, aux));
    const tooMany = () =>
      new ConfigError(
        `amLoading_kg_m2 = ${c.amLoading_kg_m2}: about ${expected.toPrecision(3)} particles in the ${c.box.lx_m} x ${c.box.ly_m} m box; expected at most ${MAX_PARTICLES} (lower the loading or the box)`,
      );
    if (!(expected <= MAX_PARTICLES)) throw tooMany();
    let m = 0;
    while (m < mAm) {
      const d = sampleDiameter(c.am.size, rng);
      dAm.push(d);
      m += sphere(d, c.am.density_kg_m3);
      if (dAm.length > MAX_PARTICLES) throw tooMany();
    }
    m = 0;
    while (m < mSe) {
      const d = sampleDiameter(c.se.size, rng);
      dSe.push(d);
      m += sphere(d, c.se.density_kg_m3);
      if (dAm.length + dSe.length > MAX_PARTICLES) throw tooMany();
    }
  } else {
    // split the count so that the expected masses give the mass ratio
    const aux = new Rng(c.seed ^ 0x5bd1e995);
    const mA = c.am.density_kg_m3 * meanCube(c.am.size, aux),
      mS = c.se.density_kg_m3 * meanCube(c.se.size, aux);
    const ratio = (c.amMassFraction / (1 - c.amMassFraction)) * (mS / mA); // n_AM / n_SE
    const nAm = Math.round((c.particles! * ratio) / (1 + ratio));
    for (let k = 0; k < nAm; k++) dAm.push(sampleDiameter(c.am.size, rng));
    for (let k = nAm; k < c.particles!; k++) dSe.push(sampleDiameter(c.se.size, rng));
  }
  const all = [...dAm.map((d) => ({ d, type: 1, rho: c.am.density_kg_m3 })), ...dSe.map((d) => ({ d, type: 2, rho: c.se.density_kg_m3 }))];
  const vol = all.reduce((a, p) => a + (Math.PI / 6) * p.d ** 3, 0);
  const rmax = Math.max(...all.map((p) => p.d / 2));
  const H = c.height_m ?? vol / (c.initialSolidFraction * area);
  if (H < 2 * rmax) throw new ConfigError(`height_m = ${H}: the insertion height must exceed the largest diameter ${2 * rmax} m`);
  if (c.box.lx_m < 2 * rmax || c.box.ly_m < 2 * rmax)
    throw new ConfigError(`box = ${c.box.lx_m} x ${c.box.ly_m} m: each side must exceed the largest diameter ${2 * rmax} m`);
  // largest first: the big ones find room while the box is empty
  all.sort((a, b) => b.d - a.d);
  const grid = new OverlapGrid(2 * rmax, [c.box.lx_m, c.box.ly_m], [true, true]);
  for (let k = 0; k < all.length; k++) {
    const r = all[k].d / 2;
    let placed = false;
    for (let t = 0; t < c.maxAttempts && !placed; t++) {
      const x = rng.next() * c.box.lx_m,
        y = rng.next() * c.box.ly_m,
        z = r + rng.next() * (H - 2 * r);
      if (!grid.overlaps(x, y, z, r, rmax)) {
        grid.add(x, y, z, r);
        placed = true;
      }
    }
    if (!placed) {
      const phi = vol / (area * H);
      throw new ConfigError(
        `initialSolidFraction = ${phi.toFixed(3)}: particle ${k + 1} of ${all.length} (diameter ${all[k].d.toExponential(3)} m) found no free place in ${c.maxAttempts} attempts; random insertion cannot reach this solid fraction: lower initialSolidFraction or raise height_m`,
      );
    }
  }
  const n = all.length;
  const P = {
    id: [] as number[],
    material: [] as string[],
    x_m: grid.x,
    y_m: grid.y,
    z_m: grid.z,
    radius_m: grid.r,
    density_kg_m3: [] as number[],
  };
  for (let k = 0; k < n; k++) {
    P.id.push(k + 1);
    P.material.push(all[k].type === 1 ? "AM" : "SE");
    P.density_kg_m3.push(all[k].rho);
  }
  const mAm = dAm.reduce((a, d) => a + sphere(d, c.am.density_kg_m3), 0),
    mSe = dSe.reduce((a, d) => a + sphere(d, c.se.density_kg_m3), 0);
  return {
    kind: "assbkit.packing",
    version: VERSION,
    seed: c.seed,
    dimension: 3,
    spec: c,
    materials: MATERIALS,
    source: "assb pack (3d)",
    box: { lo_m: [0, 0, 0], hi_m: [c.box.lx_m, c.box.ly_m, H], periodic: [true, true] },
    particles: P,
    summary: {
      particles: n,
      am: dAm.length,
      se: dSe.length,
      amMassFraction: mAm / (mAm + mSe),
      amLoading_kg_m2: mAm / area,
      height_m: H,
      solidFraction: vol / (area * H),
    },
  };
}

function pack2d(c: Extract<PackSpec, { kind: "2d" }>): GeneratedPacking {
  const rng = new Rng(c.seed);
  const H = c.frame.height_m;
  const W = c.frame.widthRange_m[0] + (c.frame.widthRange_m[1] - c.frame.widthRange_m[0]) * rng.next();
  const mean = c.am.meanDiameterRange_m[0] + (c.am.meanDiameterRange_m[1] - c.am.meanDiameterRange_m[0]) * rng.next();
  const sd = c.am.sdRange_m[0] + (c.am.sdRange_m[1] - c.am.sdRange_m[0]) * rng.next();
  const refArea = c.fractionOf === "final" ? H * c.frame.finalWidth_m : H * W;
  const targetArea = c.amAreaFraction * refArea;
  const dmax = mean + 4 * sd;
  const grid = new OverlapGrid(dmax, [W, H], [false, false]);
  const type: number[] = [];
  let amArea = 0,
    attempts = 0;
  while (amArea < targetArea) {
    if (++attempts > c.maxAttempts) {
      if (c.onJam === "stop") break;
      throw new ConfigError(
        `amAreaFraction = ${c.amAreaFraction}: reached only ${(amArea / refArea).toFixed(3)} of the ${c.fractionOf} frame (${(W * 1e6).toFixed(1)} x ${(H * 1e6).toFixed(1)} um) after ${c.maxAttempts} placement attempts; random placement jams near 0.55 of the frame it fills: lower the target, widen the frame, or use fractionOf: final`,
      );
    }
    // diameter from N(mean, sd), redrawn when not positive; position inside the frame
    let d = mean + sd * gaussian(rng);
    if (!(d > 0.1 * mean)) continue;
    d = Math.min(d, dmax);
    const r = d / 2;
    if (2 * r > W || 2 * r > H) continue;
    const x = r + rng.next() * (W - 2 * r),
      y = r + rng.next() * (H - 2 * r);
    if (grid.overlaps(x, y, 0, r, dmax / 2)) continue;
    grid.add(x, y, 0, r);
    type.push(1);
    amArea += Math.PI * r * r;
  }
  // SE: fixed diameter, scanned row by row from the frame edge, placed wherever it fits
  const rs = c.se.diameter_m / 2,
    step = c.se.scanStep * c.se.diameter_m;
  const scan = (W / step + 1) * (H / step + 1);
  if (scan > MAX_PARTICLES)
    throw new ConfigError(
      `se.diameter_m = ${c.se.diameter_m}: the SE fill of a ${W.toExponential(3)} x ${H.toExponential(3)} m frame at scan step ${step.toExponential(3)} m would try ${scan.toPrecision(3)} places; expected at most ${MAX_PARTICLES} SE discs (use a larger SE diameter or scanStep)`,
    );
  let nSe = 0;
  for (let y = rs; y <= H - rs + 1e-15; y += step) {
    for (let x = rs; x <= W - rs + 1e-15; x += step) {
      if (!grid.overlaps(x, y, 0, rs, dmax / 2)) {
        grid.add(x, y, 0, rs);
        type.push(2);
        nSe++;
      }
    }
  }
  const n = type.length;
  const P = {
    id: Array.from({ length: n }, (_, k) => k + 1),
    material: type.map((t) => (t === 1 ? "AM" : "SE")),
    x_m: grid.x,
    y_m: grid.y,
    z_m: grid.z,
    radius_m: grid.r,
    density_kg_m3: type.map((t) => (t === 1 ? c.am.density_kg_m3 : c.se.density_kg_m3)),
  };
  const seArea = nSe * Math.PI * rs * rs;
  return {
    kind: "assbkit.packing",
    version: VERSION,
    seed: c.seed,
    dimension: 2,
    spec: c,
    materials: MATERIALS,
    source: "assb pack (2d)",
    box: { lo_m: [0, 0, -rs], hi_m: [W, H, rs], periodic: [false, false] },
    particles: P,
    summary: {
      particles: n,
      am: n - nSe,
      se: nSe,
      width_m: W,
      height_m: H,
      amMeanDiameter_m: mean,
      amSd_m: sd,
      amAreaFraction: amArea / refArea,
      amAreaFractionOfFrame: amArea / (W * H),
      seAreaFractionOfFrame: seArea / (W * H),
    },
  };
}

/** CSV in the pack2k_init.csv format (id,type,x_m,y_m,z_m,radius_m,density_kg_m3; type 1 AM, 2 SE). */
export function packingCsvTyped(p: Packing): string {
  return packingCsv(p, DEFAULT_TYPES);
}
