/**
 * The same throughput probe in a page's worker and in Node (test/browser/app.test.ts compares them): DEM
 * particle-steps/s of a packing pressed by the top wall, and the wall-clock of one transport solve (the pore network, z) of
 * its voxels. Deterministic: a seeded packing, fixed step counts.
 */
import type { PipelineCore } from "../pipeline/engine.js";
import { generatePacking, parsePackSpec } from "../pack/pack.js";
import { caseFromPacking } from "../pack/to_case.js";
import { parseDemCase } from "../dem/case.js";
import { resolveCase } from "../dem/run.js";
import { DemSystem } from "../dem/system.js";
import { MATERIALS_COMPACTION, PAIRS_COMPACTION } from "../dem/presets.js";
import { voxelize } from "../transport/voxelize.js";
import { transport } from "../transport/tortuosity.js";

export interface PerfOptions {
  /** particles of the probe's packing (default 2,000) */
  particles?: number;
  /** timed DEM steps (default 2,000, after 200 untimed) */
  steps?: number;
  /** voxel edge of the transport probe [m] (default 1 um) */
  voxelSize_m?: number;
}

export interface PerfReport {
  particles: number;
  steps: number;
  dem_particleSteps_per_s: number;
  dem_s: number;
  voxels: number[];
  transport_s: number;
  /** the probe's answers, to check both sides ran the same thing */
  check: { topLoad_N: number; tauFactor: number };
}

/** Runs the probe on a loaded core. */
export function perfProbe(core: PipelineCore, o: PerfOptions = {}): PerfReport {
  const particles = o.particles ?? 2000,
    steps = o.steps ?? 2000;
  const packing = generatePacking(
    parsePackSpec({
      kind: "3d",
      seed: 11,
      particles,
      amMassFraction: 0.6,
      initialSolidFraction: 0.4,
      am: { size: { dist: "uniform", min_m: 4e-6, max_m: 8e-6 }, density_kg_m3: 4750 },
      se: { size: { dist: "uniform", min_m: 4e-6, max_m: 7e-6 }, density_kg_m3: 1990 },
      box: { lx_m: 60e-6, ly_m: 60e-6 },
    }),
  );
  const c = caseFromPacking(packing, { name: "perf", materials: MATERIALS_COMPACTION });
  c.pairDefaults = PAIRS_COMPACTION;
  c.timestep = { dt_s: 2.5e-10 };
  // untimed: the top wall pushes the bed down to 60 % of its height at 100 m/s, then stops; timed: the pressed bed
  const top = c.walls!.findIndex((w) => w.name === "top");
  const h0 = packing.box.hi_m[2] - packing.box.lo_m[2];
  c.walls![top] = { ...c.walls![top], motion: { type: "velocity", velocity_m_s: [0, 0, -100] } };
  const rc = resolveCase(parseDemCase(c));
  const s = new DemSystem(core, rc.init);
  s.setup();
  s.run(Math.round((0.4 * h0) / 100 / 2.5e-10));
  s.setWall(top, { mode: "fixed", velocity_m_s: [0, 0, 0] });
  s.run(200);
  const t0 = performance.now();
  s.run(steps);
  const dem_s = (performance.now() - t0) / 1000;
  const topLoad_N = s.wall(top).load_N;
  const v = voxelize(packing, { voxelSize_m: o.voxelSize_m ?? 1e-6 });
  const t1 = performance.now();
  const tr = transport(core, v, { phase: "pore" });
  const transport_s = (performance.now() - t1) / 1000;
  return {
    particles,
    steps,
    dem_particleSteps_per_s: (particles * steps) / dem_s,
    dem_s,
    voxels: v.shape,
    transport_s,
    check: { topLoad_N, tauFactor: tr.tauFactor },
  };
}
