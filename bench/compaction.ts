/**
 * The LIGGGHTS compaction reference (fixtures/dem/compaction.in) on pack2k_init.csv: top wall down at
 * 5 m/s until 375 MPa (checked every 250 steps), hold 5,000 steps, retract at 5 m/s until <= 0.1 MPa,
 * relax 5,000 steps. Prints the loaded and released states next to LIGGGHTS 3.8.0
 * (pack2k_summary.json) with the tolerances stated in the table, and particle-steps/s of the whole protocol
 * against LIGGGHTS run on the same start in this process tree (compaction.in, 1 process, alternating with the
 * first replicas), or, where `liggghts` is not installed, its recorded 3.7e6.
 *   npm run bench -- compaction [--pack pack2k] [--replicas 5] [--liggghts-reps 2] [--protocol-only | --matched-height]
 */
import { readFileSync } from "node:fs";
import { loadCore } from "../host/core/wasm.js";
import { MATERIALS_COMPACTION, PAIRS_COMPACTION } from "../host/dem/presets.js";
import { parseDemCase } from "../host/dem/case.js";
import { resolveCase } from "../host/dem/run.js";
import { DemSystem } from "../host/dem/system.js";
import { runUniaxial, UNIAXIAL_DEFAULTS } from "../host/dem/protocol.js";
import { dataFile, fmtRate, liggghtsVersion, particlesFromCsv, runLiggghts, spread, topWallStl, type LiggghtsRun } from "./liggghts.js";

const LIGGGHTS_WHOLE_PS = 3.7146e6;

type Stats = ReturnType<typeof runUniaxial>;

async function runOnce(pack: string, skin: number, targetPosition_m?: number): Promise<{ r: Stats; sec: number; n: number }> {
  const boxTxt = readFileSync(`fixtures/dem/${pack}_box.txt`, "utf8");
  const get = (k: string) => Number(new RegExp(`${k}\\s+(\\S+)`).exec(boxTxt)![1]);
  const Lxy = get("Lxy_m"),
    H0 = get("H0_m");
  const cfg = parseDemCase({
    name: `${pack}-compaction`,
    materials: MATERIALS_COMPACTION,
    pairDefaults: PAIRS_COMPACTION,
    particles: { csv: `${pack}_init.csv`, materials: { "1": "AM", "2": "SE" } },
    box: { lo_m: [0, 0, 0], hi_m: [Lxy, Lxy, H0], periodic: [true, true] },
    walls: [
      { name: "bottom", axis: "z", position_m: 0, side: "+", material: "wall" },
      { name: "top", axis: "z", position_m: H0, side: "-", material: "wall" },
    ],
    timestep: { dt_s: 2.5e-10 },
    neighbor: { skin_m: skin },
    stages: [{ steps: 1 }],
  });
  const rc = resolveCase(cfg, (p) => readFileSync(`fixtures/dem/${p}`, "utf8"));
  const s = new DemSystem(await loadCore(), rc.init);
  s.ids = rc.particles.id;
  const t0 = performance.now();
  let last = 0;
  const r = runUniaxial(
    s,
    rc.materialNames,
    { ...UNIAXIAL_DEFAULTS, wall: 1, area_m2: Lxy * Lxy, targetPressure_Pa: 375e6, targetPosition_m },
    (ph, step, p, z) => {
      if (performance.now() - last > 500) {
        last = performance.now();
        process.stderr.write(
          `\r  skin ${(skin * 1e6).toFixed(2)} um: ${ph.padEnd(8)} step ${step}  P ${(p / 1e6).toFixed(2)} MPa  top wall ${(z * 1e6).toFixed(2)} um   `,
        );
      }
    },
  );
  process.stderr.write("\n");
  return { r, sec: (performance.now() - t0) / 1000, n: s.n };
}

export async function main(args: string[]): Promise<void> {
  const pack = args.includes("--pack") ? args[args.indexOf("--pack") + 1] : "pack2k";
  const nrep = args.includes("--replicas") ? Number(args[args.indexOf("--replicas") + 1]) : 5;
  // replicas differ only in the neighbour skin (0.5 um as LIGGGHTS, then 0.45, 0.55, 0.4, 0.6 um): the same
  // physics with another floating-point summation order, so the chaotic many-body trajectory decorrelates
  // and the spread between replicas measures how far one realisation (LIGGGHTS's) may fall from the mean
  const skins = [0.5e-6, 0.45e-6, 0.55e-6, 0.4e-6, 0.6e-6].slice(0, Math.max(1, nrep));
  const ref = JSON.parse(readFileSync(`fixtures/dem/${pack}_summary.json`, "utf8"));
  // two variants: the protocol as written (stop at the first 250-step check with P >= 375 MPa), and
  // displacement control to LIGGGHTS's loaded wall height (removes the one-check quantisation of the stop)
  const variants: { name: string; height?: number }[] = [];
  if (!args.includes("--matched-height")) variants.push({ name: "protocol as written (stop at the first check >= 375 MPa)" });
  if (!args.includes("--protocol-only"))
    variants.push({
      name: `top wall pressed to LIGGGHTS's loaded height ${(ref.loaded.height_m * 1e6).toFixed(3)} um`,
      height: ref.loaded.height_m,
    });
  let steps = 0,
    sec = 0,
    n = 0;
  const verdicts: string[] = [];
  // LIGGGHTS runs compaction.in from the same start in this process tree, alternating with the first replicas
  const version = liggghtsVersion();
  const ligReps = version ? Number(args.includes("--liggghts-reps") ? args[args.indexOf("--liggghts-reps") + 1] : "2") : 0;
  const lig: LiggghtsRun[] = [];
  const oursPs: number[] = [];
  for (const [vi, variant] of variants.entries()) {
    const runs: { r: Stats; sec: number; n: number }[] = [];
    for (const [i, skin] of skins.entries()) {
      runs.push(await runOnce(pack, skin, variant.height));
      if (vi === 0) oursPs.push((runs[i].n * runs[i].r.steps) / runs[i].sec);
      if (vi === 0 && i < ligReps) lig.push(liggghtsCompaction(pack));
    }
    steps += runs.reduce((a, x) => a + x.r.steps, 0);
    sec += runs.reduce((a, x) => a + x.sec, 0);
    n = runs[0].n;
    const ok = table(
      pack,
      variant.name,
      skins,
      runs.map((x) => x.r),
      ref,
    );
    verdicts.push(`  ${variant.name}: replica means within the tolerances: ${ok ? "yes" : "NO"}`);
  }
  console.log(verdicts.join("\n"));
  const ps = (n * steps) / sec;
  if (version && lig.length > 0) {
    const ligPs = lig.map((l) => (l.atoms * l.steps) / l.loop_s);
    const ratios = ligPs.map((x, i) => oursPs[i] / x);
    const r = spread(ratios);
    for (const l of lig)
      console.log(
        `  ${version} (same run, 1 process): ${l.steps} steps, loop ${l.loop_s.toFixed(1)} s (whole process ${l.wall_s.toFixed(1)} s); ${l.stdout
          .split("\n")
          .filter((x) => x.startsWith("STAGE_B_DONE") || x.startsWith("STAGE_D_DONE"))
          .join("; ")}`,
      );
    console.log(
      `  whole protocol as written, alternating (median, min-max): assbkit ${fmtRate(oursPs.slice(0, lig.length))}, LIGGGHTS ${fmtRate(ligPs)} particle-steps/s -> ratio ${r.median.toFixed(2)} (${r.min.toFixed(2)}-${r.max.toFixed(2)})`,
    );
  } else if (!version)
    console.log("  LIGGGHTS is not installed here (Debian: apt-get install liggghts): the LIGGGHTS figures below are recorded");
  console.log(
    `  whole protocol: ${(sec / (skins.length * variants.length)).toFixed(1)} s per run (LIGGGHTS recorded: ${ref.timing_np1.steps} steps, ${ref.timing_np1.loop_time_s.toFixed(1)} s) -> ${(ps / 1e6).toFixed(2)}e6 particle-steps/s; LIGGGHTS ${(LIGGGHTS_WHOLE_PS / 1e6).toFixed(2)}e6 (recorded) -> ratio ${(ps / LIGGGHTS_WHOLE_PS).toFixed(2)}`,
  );
}

/** compaction.in on <pack>_init.csv (the data file and the top wall's STL written from the fixtures, as our run reads them). */
function liggghtsCompaction(pack: string): LiggghtsRun {
  const boxTxt = readFileSync(`fixtures/dem/${pack}_box.txt`, "utf8");
  const get = (k: string) => Number(new RegExp(`${k}\\s+(\\S+)`).exec(boxTxt)![1]);
  const Lxy = get("Lxy_m"),
    H0 = get("H0_m");
  const ps = particlesFromCsv(readFileSync(`fixtures/dem/${pack}_init.csv`, "utf8"));
  return runLiggghts(
    "fixtures/dem/compaction.in",
    { [`${pack}.data`]: dataFile(ps, Lxy, H0), [`${pack}_top.stl`]: topWallStl(Lxy) },
    { tag: pack, Lxy, H0 },
  );
}

/** Prints one comparison table; z = (LIGGGHTS - replica mean)/replica SD. Returns whether every mean is within tolerance. */
// biome-ignore lint/suspicious/noExplicitAny: the LIGGGHTS summary JSON as read (fixtures/dem/pack2k_summary.json)
function table(pack: string, title: string, skins: number[], runs: Stats[], ref: any): boolean {
  const fmt = (x: number) => x.toPrecision(5).padStart(10);
  let allOk = true;
  const row = (name: string, f: (r: Stats) => number, theirs: number, tol?: { abs?: number; rel?: number }) => {
    const v = runs.map(f);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
    const ok =
      !tol || (tol.abs !== undefined ? Math.abs(mean - theirs) <= tol.abs : Math.abs(mean - theirs) <= tol.rel! * Math.abs(theirs));
    if (!ok) allOk = false;
    const tolText = !tol ? "-" : tol.abs !== undefined ? `±${tol.abs}` : `${tol.rel! * 100} %`;
    const z = sd > 0 ? ((theirs - mean) / sd).toFixed(1) : "-";
    const dev = tol?.rel !== undefined ? `${(((mean - theirs) / Math.abs(theirs)) * 100).toFixed(1)} %` : (mean - theirs).toPrecision(2);
    console.log(
      `  ${name.padEnd(30)} ${v.map(fmt).join("")} ${fmt(mean)} ±${sd.toPrecision(2).padEnd(7)} ${fmt(theirs)} ${z.padStart(5)} ${dev.padStart(8)}  ${tolText.padEnd(6)} ${tol ? (ok ? "ok" : "OUTSIDE") : ""}`,
    );
  };
  console.log(`\n${pack} uniaxial compaction vs LIGGGHTS 3.8.0 (compaction.in, same start, ${runs.length} replicas): ${title}`);
  console.log(
    `  ${"quantity".padEnd(30)} ${skins.map((s) => `skin${(s * 1e6).toFixed(2)}`.padStart(10)).join("")} ${"mean".padStart(10)} ${"sd".padEnd(8)} ${"LIGGGHTS".padStart(10)} ${"z".padStart(5)} ${"mean-ref".padStart(8)}  tol`,
  );
  const RL = ref.loaded,
    RR = ref.released;
  row("loaded: top-wall height [um]", (r) => r.loaded.height_m * 1e6, RL.height_m * 1e6);
  row("loaded: P_top [MPa]", (r) => r.loaded.pressure_Pa / 1e6, RL.P_top_Pa / 1e6);
  row("loaded: solid fraction", (r) => r.loaded.solidFraction, RL.solid_fraction, { abs: 0.01 });
  row("loaded: mean coordination", (r) => r.loaded.meanCoordination, RL.mean_coordination_pp_all, { abs: 0.2 });
  for (const ph of ["AM", "SE"]) {
    row(`loaded: ${ph} coordination`, (r) => r.loaded.phases[ph].meanCoordination, RL[ph].mean_coordination_pp);
    ["xx", "yy", "zz"].forEach((c, k) =>
      row(
        `loaded: ${ph} sigma_${c} [MPa]`,
        (r) => r.loaded.phases[ph].volWeightedStress_Pa[k] / 1e6,
        RL[ph].vol_weighted_mean_stress_Pa_xx_yy_zz_xy_xz_yz[k] / 1e6,
        { rel: 0.05 },
      ),
    );
  }
  row("released: top-wall height [um]", (r) => r.released.height_m * 1e6, RR.height_m * 1e6);
  row("released: solid fraction", (r) => r.released.solidFraction, RR.solid_fraction, { abs: 0.01 });
  row("released: mean coordination", (r) => r.released.meanCoordination, RR.mean_coordination_pp_all);
  return allOk;
}
