/**
 * DEM throughput at the dense 375 MPa state (LIGGGHTS bench.in): pack11k_init.csv is pressed once by
 * a servo top wall to 375 MPa and held (cached in bench/.cache/), then the timed part runs N steps
 * with both walls fixed, same materials, dt = 2.5e-10 s and contact law as bench.in / compaction.in.
 * Prints particle-steps/s for the wasm core and the plain-TS twin (same state, same run) and the
 * ratio to LIGGGHTS 3.8.0 run from the same state in this process tree (bench.in; 1 process and 2 ranks,
 * alternating with ours, medians), or, where `liggghts` is not installed, to its recorded 4.0e6 particle-steps/s.
 *   npm run bench -- dem [--pack pack11k|pack2k] [--steps 2000] [--reps 3] [--threads 2] [--no-np2] [--twin-steps 200] [--rebuild-cache]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadCore, loadSharedCore, type Kernels } from "../host/core/wasm.js";
import { startDemThreads } from "../host/dem/threads.js";
import { ArrayHeap } from "../host/core/heap.js";
import { createTwin } from "../host/dem/twin.js";
import { MATERIALS_COMPACTION, PAIRS_COMPACTION } from "../host/dem/presets.js";
import { parseDemCase, type DemCaseInput } from "../host/dem/case.js";
import { resolveCase } from "../host/dem/run.js";
import { DemSystem } from "../host/dem/system.js";
import * as L from "../assembly/dem/layout.js";
import { dataFile, fmtRate, liggghtsVersion, mpirunAvailable, particlesFromCsv, runLiggghts, spread } from "./liggghts.js";

const LIGGGHTS_PS = 4.0e6;

function arg(args: string[], name: string, def: string): string {
  const k = args.indexOf(`--${name}`);
  return k >= 0 && k + 1 < args.length ? args[k + 1] : def;
}

function benchCase(
  pack: string,
  particlesCsv: string,
  box: { Lxy: number; H0: number },
  top: { pos: number; motion: NonNullable<DemCaseInput["walls"]>[number]["motion"] },
): DemCaseInput {
  return {
    name: `${pack}-dense`,
    materials: MATERIALS_COMPACTION,
    pairDefaults: PAIRS_COMPACTION,
    particles: { csv: particlesCsv, materials: { "1": "AM", "2": "SE" } },
    box: { lo_m: [0, 0, 0], hi_m: [box.Lxy, box.Lxy, box.H0], periodic: [true, true] },
    walls: [
      { name: "bottom", axis: "z", position_m: 0, side: "+", material: "wall" },
      { name: "top", axis: "z", position_m: top.pos, side: "-", material: "wall", motion: top.motion },
    ],
    timestep: { dt_s: 2.5e-10 },
    neighbor: { skin_m: 0.5e-6 },
    stages: [{ steps: 1 }],
  };
}

function readBox(pack: string): { Lxy: number; H0: number } {
  const t = readFileSync(`fixtures/dem/${pack}_box.txt`, "utf8");
  const get = (k: string) => Number(new RegExp(`${k}\\s+(\\S+)`).exec(t)![1]);
  return { Lxy: get("Lxy_m"), H0: get("H0_m") };
}

/** Press to 375 MPa with a servo wall and hold; returns the dense state as CSV text + wall height. */
async function densify(pack: string, k: Kernels): Promise<{ csv: string; zTop: number }> {
  const box = readBox(pack);
  const cfg = parseDemCase(
    benchCase(pack, `${pack}_init.csv`, box, { pos: box.H0, motion: { type: "servo", targetPressure_Pa: 375e6, maxSpeed_m_s: 10 } }),
  );
  const rc = resolveCase(cfg, (p) => readFileSync(`fixtures/dem/${p}`, "utf8"));
  const s = new DemSystem(k, rc.init);
  s.setup();
  const A = box.Lxy * box.Lxy;
  const t0 = performance.now();
  for (let chunk = 0; chunk < 2000; chunk++) {
    s.run(500);
    const w = s.wall(1);
    if (chunk % 10 === 0)
      process.stderr.write(
        `\r  densify ${pack}: step ${s.step}, top wall ${(w.position_m * 1e6).toFixed(1)} um, P ${(w.load_N / A / 1e6).toFixed(1)} MPa   `,
      );
    if (w.load_N / A > 370e6 && Math.abs(w.velocity_m_s[2]) < 0.05) break;
  }
  // hold: fix the wall where it is and let the bed settle a little
  s.setWall(1, { mode: "fixed", velocity_m_s: [0, 0, 0] });
  s.run(3000);
  process.stderr.write(
    `\r  densify ${pack}: done after ${s.step} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s, P ${(s.wall(1).load_N / A / 1e6).toFixed(1)} MPa\n`,
  );
  const x = s.f64(L.P_X),
    y = s.f64(L.P_Y),
    z = s.f64(L.P_Z),
    r = s.f64(L.P_R);
  const lines = ["id,type,x_m,y_m,z_m,radius_m,density_kg_m3"];
  for (let i = 0; i < s.n; i++)
    lines.push(`${rc.particles.id[i]},${rc.particles.material[i] + 1},${x[i]},${y[i]},${z[i]},${r[i]},${rc.particles.density_kg_m3[i]}`);
  return { csv: lines.join("\n") + "\n", zTop: s.wall(1).position_m };
}

function timeSteps(
  k: Kernels,
  pack: string,
  dense: { csv: string; zTop: number },
  steps: number,
  threads = 1,
): { ps: number; seconds: number; contacts: number; builds: number; n: number } {
  const box = readBox(pack);
  const cfg = parseDemCase(benchCase(pack, "dense.csv", box, { pos: dense.zTop, motion: { type: "fixed" } }));
  const rc = resolveCase(cfg, () => dense.csv);
  const s = new DemSystem(k, rc.init);
  if (threads > 1) startDemThreads(s, threads);
  try {
    s.setup();
    s.run(Math.min(50, steps)); // warm-up (tier-up, first rebuilds; the workers start)
    const b0 = s.neighborBuilds;
    const t0 = performance.now();
    s.run(steps, true);
    const sec = (performance.now() - t0) / 1000;
    return { ps: (s.n * steps) / sec, seconds: sec, contacts: s.contacts().i.length, builds: s.neighborBuilds - b0, n: s.n };
  } finally {
    s.stopThreads();
  }
}

/** The last thermo line's c_cnave of bench.in (columns step atoms ke c_cnave): the same state as ours, seen from LIGGGHTS. */
function lastCoordination(stdout: string): string {
  const rows = [...stdout.matchAll(/^\s*\d+\s+\d+\s+\S+\s+([\d.eE+-]+)\s*$/gm)];
  return rows.length ? Number(rows[rows.length - 1][1]).toFixed(2) : "?";
}

export async function main(args: string[]): Promise<void> {
  const pack = arg(args, "pack", "pack11k");
  const steps = Number(arg(args, "steps", "2000"));
  const twinSteps = Number(arg(args, "twin-steps", "200"));
  const cache = `bench/.cache/${pack}_dense_375MPa.json`;
  let dense: { csv: string; zTop: number };
  if (existsSync(cache) && !args.includes("--rebuild-cache")) {
    dense = JSON.parse(readFileSync(cache, "utf8"));
  } else {
    console.log(`preparing the dense state of ${pack} (pressed to 375 MPa by a servo wall, then held; cached in ${cache})`);
    dense = await densify(pack, await loadCore());
    mkdirSync("bench/.cache", { recursive: true });
    writeFileSync(cache, JSON.stringify(dense));
  }
  console.log(`DEM benchmark: ${pack} dense state, hertz + tangential history, dt 2.5e-10 s, skin 0.5 um, walls fixed`);
  const version = liggghtsVersion();
  const reps = Number(arg(args, "reps", version ? "3" : "1"));
  const np2 = version !== null && !args.includes("--no-np2") && mpirunAvailable();
  const box = readBox(pack);
  // LIGGGHTS starts from the same dense state (bench.in: walls fixed at z = 0 and at our top wall's height)
  const files = { [`${pack}_dense.data`]: dataFile(particlesFromCsv(dense.csv), box.Lxy, dense.zTop) };
  const ours: number[] = [],
    ours2: number[] = [],
    lig1: number[] = [],
    lig2: number[] = [],
    ratio1: number[] = [],
    ratio2: number[] = [];
  const threads = Number(arg(args, "threads", "2"));
  let w = timeSteps(await loadCore(), pack, dense, steps);
  for (let rep = 0; rep < reps; rep++) {
    // alternating: ours on 1 thread, ours on `threads` threads, LIGGGHTS 1 process, LIGGGHTS 2 ranks, ...
    if (rep > 0) w = timeSteps(await loadCore(), pack, dense, steps);
    ours.push(w.ps);
    console.log(
      `  wasm core   : ${steps} steps in ${w.seconds.toFixed(2)} s -> ${(w.ps / 1e6).toFixed(2)}e6 particle-steps/s (${w.n} particles, ${w.contacts} contacts, mean coordination ${((2 * w.contacts) / w.n).toFixed(2)}, ${w.builds} neighbour builds)`,
    );
    if (threads > 1) {
      const w2 = timeSteps(await loadSharedCore(), pack, dense, steps, threads);
      ours2.push(w2.ps);
      console.log(
        `  wasm core, ${threads} threads: ${steps} steps in ${w2.seconds.toFixed(2)} s -> ${(w2.ps / 1e6).toFixed(2)}e6 particle-steps/s (${(w2.ps / w.ps).toFixed(2)}x the 1-thread run before it)`,
      );
    }
    if (!version) continue;
    for (const [ranks, into, ratios] of [[1, lig1, ratio1], ...(np2 ? [[2, lig2, ratio2]] : [])] as [number, number[], number[]][]) {
      const l = runLiggghts("fixtures/dem/bench.in", files, { tag: pack, zA: dense.zTop, nsteps: steps }, ranks);
      const ps = (l.atoms * l.steps) / l.loop_s;
      into.push(ps);
      ratios.push(w.ps / ps);
      console.log(
        `  ${version}, ${ranks} ${ranks > 1 ? "ranks (mpirun)" : "process"}: ${l.steps} steps, loop ${l.loop_s.toFixed(2)} s -> ${(ps / 1e6).toFixed(2)}e6 particle-steps/s (whole process ${l.wall_s.toFixed(1)} s; mean coordination at the end ${lastCoordination(l.stdout)})`,
      );
    }
  }
  const t = timeSteps(createTwin(new ArrayHeap()), pack, dense, twinSteps);
  console.log(`  TS twin     : ${twinSteps} steps in ${t.seconds.toFixed(2)} s -> ${(t.ps / 1e6).toFixed(2)}e6 particle-steps/s`);
  const med = spread(ours).median;
  console.log(`  wasm / TS twin = ${(med / t.ps).toFixed(2)}`);
  if (ours2.length) {
    const sp = spread(ours2.map((x, i) => x / ours[i]));
    console.log(
      `  ${threads} threads vs 1 (same run, alternating): ${fmtRate(ours2)} vs ${fmtRate(ours)} -> ${sp.median.toFixed(2)}x (${sp.min.toFixed(2)}-${sp.max.toFixed(2)}), target >= 1.7: ${sp.median >= 1.7 ? "met" : "NOT met"}`,
    );
  }
  if (version) {
    const r1 = spread(ratio1);
    console.log(
      `  same run, ${reps} alternating rounds (median, min-max): assbkit 1 thread ${fmtRate(ours)}; LIGGGHTS 1 process ${fmtRate(lig1)}${np2 ? `; LIGGGHTS 2 ranks ${fmtRate(lig2)} in all` : ""}`,
    );
    console.log(
      `  ratio assbkit (1 thread) / LIGGGHTS 1 process: ${r1.median.toFixed(2)} (${r1.min.toFixed(2)}-${r1.max.toFixed(2)}), target >= 2: ${r1.median >= 2 ? "met" : "NOT met"}${np2 ? `; / LIGGGHTS 2 ranks: ${spread(ratio2).median.toFixed(2)}` : ""}`,
    );
    if (np2 && ours2.length)
      console.log(`  assbkit ${threads} threads / LIGGGHTS 2 ranks: ${spread(ours2.map((x, i) => x / lig2[i])).median.toFixed(2)}`);
  } else {
    console.log(
      `  LIGGGHTS is not installed here (Debian: apt-get install liggghts): against its recorded ${(LIGGGHTS_PS / 1e6).toFixed(1)}e6 particle-steps/s (recorded, 1 core of this machine, fixtures/dem) -> ${(med / LIGGGHTS_PS).toFixed(2)}x`,
    );
  }
}
