/**
 * The built-in demo case: AM (NMC-like) and SE (argyrodite-like) spheres on a jittered lattice in a
 * box periodic in x and y, pressed by a servo-controlled top wall (materials of paper 003 / the
 * LIGGGHTS compaction reference). Small enough to run in a few seconds.
 */
import { Rng } from "../core/rng.js";
import type { DemCaseInput } from "./case.js";
import { MATERIALS_COMPACTION, PAIRS_COMPACTION } from "./presets.js";

export function demoCase(opts: { seed?: number; nx?: number; layers?: number; pressure_Pa?: number } = {}): DemCaseInput {
  const seed = opts.seed ?? 1;
  const nx = opts.nx ?? 6,
    layers = opts.layers ?? 8;
  const rng = new Rng(seed);
  const rmax = 5e-6;
  const pitch = 2 * rmax * 1.05;
  const L = nx * pitch;
  const particles: DemCaseInput["particles"] = [];
  let id = 1;
  for (let k = 0; k < layers; k++) {
    for (let j = 0; j < nx; j++) {
      for (let i = 0; i < nx; i++) {
        const am = rng.next() < 0.6;
        const r = am ? rng.uniform(3e-6, 5e-6) : rng.uniform(2e-6, 3.5e-6);
        const slack = pitch / 2 - r;
        particles.push({
          id: id++,
          material: am ? "AM" : "SE",
          radius_m: r,
          position_m: [
            (i + 0.5) * pitch + rng.uniform(-slack, slack) * 0.9,
            (j + 0.5) * pitch + rng.uniform(-slack, slack) * 0.9,
            (k + 0.5) * pitch + rng.uniform(-slack, slack) * 0.9,
          ],
        });
      }
    }
  }
  const H = layers * pitch;
  return {
    name: "demo-compaction",
    description: "AM/SE spheres pressed by a servo wall to the target pressure, then held",
    seed,
    materials: { AM: MATERIALS_COMPACTION.AM, SE: MATERIALS_COMPACTION.SE, steel: MATERIALS_COMPACTION.wall },
    pairDefaults: PAIRS_COMPACTION,
    particles,
    box: { lo_m: [0, 0, 0], hi_m: [L, L, H * 1.01], periodic: [true, true] },
    walls: [
      { name: "bottom", axis: "z", position_m: 0, side: "+", material: "steel" },
      {
        name: "top",
        axis: "z",
        position_m: H,
        side: "-",
        material: "steel",
        motion: { type: "servo", targetPressure_Pa: opts.pressure_Pa ?? 20e6, maxSpeed_m_s: 10 },
      },
    ],
    timestep: { rayleighFraction: 0.2 },
    neighbor: { skin_m: 0.5e-6 },
    stages: [{ name: "press", duration_s: 2e-5 }],
    record: { every: 1000, walls: true, global: ["kineticEnergy_J", "contacts", "meanCoordination"] },
  };
}
