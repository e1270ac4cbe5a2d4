/** `assb compact <config> -o <dir>`: press a packing (protocol stages) and write curves, per-phase stresses, particles. */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { demThreading } from "../dem/threads.js";
import { readConfigFile } from "../config/load.js";
import { fsError } from "../config/errors.js";
import { parseCompact } from "../dem/compact.js";
import { runCompactToDir } from "../dem/compact_io.js";
import { requirePlotting } from "../plot/render.js";
import { progressBar } from "./progress.js";
import { VERSION } from "../version.js";

type Phases = Record<string, { volWeightedStress_Pa: number[]; meanCoordination: number }>;

export function register(program: Command): void {
  program
    .command("compact")
    .description("press a packing with protocol stages (uniaxial: press to a pressure, hold, release, relax) and report stresses")
    .argument("<config>", "YAML/JSON: {case: <DEM case>, stages: [{type: uniaxial, wall, targetPressure_Pa, ...}]}")
    .option("-o, --out <dir>", "output folder", "out")
    .option("--resume", "continue after the last stage whose restart file (restart_stageN.json) is in the output folder")
    .option("--threads <n>", "threads that step the packing (default 1; 2 pays from ~10,000 particles in dense states)")
    .action(async (file: string, o: { out: string; resume?: boolean; threads?: string }) => {
      const th = await demThreading(o.threads);
      const cfg = parseCompact(readConfigFile(file), file);
      // every stage ends with PNG plots: missing plot packages stop the run before it starts, not after a stage
      await requirePlotting();
      // runCompactToDir checks the particles (and a restart file) first, then calls prepareOutDir(o.out)
      const base = dirname(resolve(file));
      const readText = (p: string) => {
        const full = resolve(base, p);
        try {
          return readFileSync(full, "utf8");
        } catch (e) {
          throw fsError(e, full, "read");
        }
      };
      // one bar per protocol phase, so its elapsed time and eta are the phase's own
      const bar = progressBar();
      let phase = "";
      const phaseLine = (phases: Phases) => {
        for (const [ph, p] of Object.entries(phases))
          console.log(
            `    ${ph}: sigma xx/yy/zz = ${p.volWeightedStress_Pa
              .slice(0, 3)
              .map((v) => (v / 1e6).toFixed(2))
              .join(" / ")} MPa, coordination ${p.meanCoordination.toFixed(2)}`,
          );
      };
      const r = await runCompactToDir(th.kernels, cfg, o.out, {
        // (the worker threads end with the run, below)
        readText,
        onSystem: th.onSystem,
        resume: o.resume,
        onResume: (after, f, path) => {
          if (f.version !== VERSION)
            console.error(`assb: note: ${path} was written by assbkit ${f.version}, running ${VERSION} (same restart format ${f.format})`);
          console.log(
            `resuming after stage ${after} (${cfg.stages[after - 1].type}) from ${path}${after === cfg.stages.length ? ": all stages had finished; writing the final particles and summary" : ""}`,
          );
        },
        // the bar shows the phase's own fraction (see Progress in host/dem/protocol.ts); a new phase starts a new bar
        onProgress: (ph, _step, p, z, f) => {
          phase = ph;
          bar.fraction(ph, f, `P ${(p / 1e6).toFixed(2)} MPa wall ${(z * 1e6).toFixed(2)} um`);
        },
        onStageWritten: (k, _sum, st) => {
          if (phase) bar.done();
          phase = "";
          if (st.type === "uniaxial") {
            console.log(
              `stage ${k} uniaxial: loaded at ${(st.loaded.pressure_Pa / 1e6).toFixed(1)} MPa, solid fraction ${st.loaded.solidFraction.toFixed(4)}, coordination ${st.loaded.meanCoordination.toFixed(2)}; released solid fraction ${st.released.solidFraction.toFixed(4)}${st.released.converged ? "" : " (NOT released: still loaded)"}`,
            );
            phaseLine(st.loaded.phases);
          } else if (st.type === "isostatic") {
            console.log(
              `stage ${k} isostatic: settled after ${st.steps} steps, faces ${st.settled.facePressure_Pa.map((p) => (p / 1e6).toFixed(2)).join("/")} MPa, box ${st.settled.L_m.map((l) => (l * 1e6).toFixed(1)).join(" x ")} um, solid fraction ${st.settled.solidFraction.toFixed(4)}`,
            );
            phaseLine(st.settled.phases);
          } else if (st.type === "compress2d") {
            console.log(`stage ${k} compress2d: width ${(st.width_m * 1e6).toFixed(1)} um, wall load ${st.load_N.toExponential(3)} N`);
          } else {
            for (const c of st.states) {
              console.log(
                `stage ${k} cycle ${c.name}: solid fraction ${c.solidFraction.toFixed(4)}, coordination ${c.meanCoordination.toFixed(2)}`,
              );
              phaseLine(c.phases);
            }
          }
          const a = Object.values(st.reports)[0]?.areas;
          if (a)
            console.log(
              `    AM-SE reaction area ${(a.reactionArea_m2 * 1e12).toFixed(1)} um^2, SE coverage of AM ${(100 * a.seCoverage).toFixed(2)} %`,
            );
          for (const w of st.warnings) console.error(`assb: warning: ${w}`);
        },
      }).finally(th.done);
      if (phase) bar.done();
      console.log(`${(r.summary.particleSteps_per_s / 1e6).toFixed(2)}e6 particle-steps/s`);
      const kept = r.summary.files.filter((f) => !r.written.includes(f));
      if (kept.length) console.log(`  kept ${kept.length} files of stages 1-${r.resumedAfter} from the earlier run`);
      for (const f of r.written) console.log(`  wrote ${join(o.out, f)}`);
      // warnings of earlier runs stay in summary.json; repeat them so a resumed run does not hide them
      for (const w of r.summary.warnings.filter((w) => !r.ran.some((st) => st.warnings.includes(w)))) console.error(`assb: warning: ${w}`);
    });
}
