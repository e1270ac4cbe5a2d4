/** `assb compact <config> -o <dir>`: press a packing (protocol stages) and write curves, per-phase stresses, particles. */
import type { Command } from "commander";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { RestartState } from "../dem/system.js";
import { VERSION } from "../version.js";
import { dirname, join, resolve } from "node:path";
import { loadCore } from "../core/wasm.js";
import { readConfigFile } from "../config/load.js";
import { ConfigError } from "../config/errors.js";
import { parseCompact, runCompact } from "../dem/compact.js";
import { writeFileAtomic } from "../io/atomic.js";
import { columnsToTable, toCsv } from "../io/csv.js";
import { particlesVtk } from "../io/vtk.js";
import { progressBar } from "./progress.js";
import { writeCurvePlot, writeReportPlots } from "../plot/report_plots.js";

export function register(program: Command): void {
  program
    .command("compact")
    .description("press a packing with protocol stages (uniaxial: press to a pressure, hold, release, relax) and report stresses")
    .argument("<config>", "YAML/JSON: {case: <DEM case>, stages: [{type: uniaxial, wall, targetPressure_Pa, ...}]}")
    .option("-o, --out <dir>", "output folder", "out")
    .option("--resume", "continue after the last stage whose restart file (restart_stageN.json) is in the output folder")
    .action(async (file: string, o: { out: string; resume?: boolean }) => {
      const cfg = parseCompact(readConfigFile(file), file);
      const base = dirname(resolve(file));
      const bar = progressBar();
      let resume: { state: RestartState; after: number } | undefined;
      if (o.resume) {
        const done = existsSync(o.out) ? readdirSync(o.out).map((f) => /^restart_stage(\d+)\.json$/.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])) : [];
        if (done.length === 0) throw new ConfigError(`--resume: no restart_stageN.json in ${o.out}; run without --resume first`);
        const last = Math.max(...done);
        if (last >= cfg.stages.length) throw new ConfigError(`--resume: ${o.out} has a restart after stage ${last}, but the config has ${cfg.stages.length} stages`);
        resume = { state: JSON.parse(readFileSync(join(o.out, `restart_stage${last}.json`), "utf8")), after: last - 1 };
        if (resume.state.version !== VERSION) console.error(`assb: note: restart written by assbkit ${resume.state.version}, running ${VERSION}`);
        console.log(`resuming after stage ${last} (${cfg.stages[last - 1].type}) from ${join(o.out, `restart_stage${last}.json`)}`);
      }
      const r = runCompact(await loadCore(), cfg, (p) => {
        try { return readFileSync(resolve(base, p), "utf8"); } catch (e) { throw new ConfigError(`case.particles.csv = "${p}": cannot read it (${(e as NodeJS.ErrnoException).code})`); }
      }, {
        onProgress: (ph, step, p, z) => bar.update(ph, step, step, `P ${(p / 1e6).toFixed(2)} MPa wall ${(z * 1e6).toFixed(2)} um`),
        onStageDone: (k, state) => writeFileAtomic(join(o.out, `restart_stage${k + 1}.json`), JSON.stringify(state)),
        resume,
      });
      bar.done();
      const files: string[] = [];
      const plotJobs: (() => Promise<void>)[] = [];
      r.stages.forEach((st, k) => {
        const tag = `stage${k + 1 + r.firstStage}_${st.type}`;
        const curve = join(o.out, `${tag}_curve.csv`);
        if (st.type === "uniaxial") {
          writeFileAtomic(curve, toCsv({ columns: ["step", "time_s", "wallPosition_m", "pressure_Pa"], rows: st.curve.map((p) => [p.step, p.time_s, p.wallPosition_m, p.pressure_Pa]) }));
        } else if (st.type === "isostatic") {
          writeFileAtomic(curve, toCsv({ columns: ["step", "time_s", "Lx_m", "Ly_m", "Lz_m", "p_xlo_Pa", "p_xhi_Pa", "p_ylo_Pa", "p_yhi_Pa", "p_zlo_Pa", "p_zhi_Pa"], rows: st.curve.map((p) => [p.step, p.time_s, ...p.L_m, ...p.facePressure_Pa]) }));
        } else if (st.type === "compress2d") {
          writeFileAtomic(curve, toCsv({ columns: ["step", "time_s", "wallPosition_m"], rows: st.curve.map((p) => [p.step, p.time_s, p.wallPosition_m]) }));
        } else {
          writeFileAtomic(curve, toCsv({ columns: ["state", "step", "solidFraction", "meanCoordination", "AM_szz_Pa", "SE_szz_Pa"], rows: st.states.map((c) => [c.name, c.step, c.solidFraction, c.meanCoordination, c.phases.AM?.volWeightedStress_Pa[2] ?? NaN, c.phases.SE?.volWeightedStress_Pa[2] ?? NaN]) }));
        }
        files.push(curve);
        for (const [state, rep] of Object.entries(st.reports)) {
          const pf = join(o.out, `${tag}_${state}_particles.csv`), cf = join(o.out, `${tag}_${state}_contacts.csv`), af = join(o.out, `${tag}_${state}_analysis.json`);
          writeFileAtomic(pf, toCsv(columnsToTable(rep.particles)));
          const vf = join(o.out, `${tag}_${state}_particles.vtk`);
          writeFileAtomic(vf, particlesVtk(rep.particles, `assbkit ${tag} ${state}`));
          files.push(vf);
          writeFileAtomic(cf, toCsv(columnsToTable(rep.contacts)));
          const { particles: _pp, contacts: _cc, ...analysis } = rep;
          writeFileAtomic(af, JSON.stringify(analysis, null, 1) + "\n");
          files.push(pf, cf, af);
          plotJobs.push(async () => { files.push(...await writeReportPlots(o.out, `${tag}_${state}`, rep, { lx_m: cfg.case.box.hi_m[0] - cfg.case.box.lo_m[0], ly_m: cfg.case.box.hi_m[1] - cfg.case.box.lo_m[1] }, cfg.case.dimension)); });
        }
        if (st.type === "uniaxial") plotJobs.push(async () => { files.push(await writeCurvePlot(join(o.out, `${tag}_curve.png`), st.curve.map((c) => ({ x: c.wallPosition_m * 1e6, y: c.pressure_Pa / 1e6 })), "wall position [um]", "wall pressure [MPa]", `${tag}: compaction curve`)); });
      });
      for (const job of plotJobs) await job();
      const parts = join(o.out, "particles.csv");
      writeFileAtomic(parts, toCsv(columnsToTable(r.particles)));
      files.push(parts);
      const { particles: _p, ...meta } = r;
      const summary = {
        ...meta,
        stages: r.stages.map((st) => {
          const { reports, ...rest } = st;
          const noCurve = "curve" in rest ? (({ curve: _c, ...x }) => x)(rest as { curve: unknown }) : rest;
          return { ...noCurve, reactionArea: Object.fromEntries(Object.entries(reports).map(([k, v]) => [k, v.areas])) };
        }),
      };
      const sum = join(o.out, "summary.json");
      writeFileAtomic(sum, JSON.stringify(summary, null, 1) + "\n");
      files.push(sum);
      const phaseLine = (phases: Record<string, { volWeightedStress_Pa: number[]; meanCoordination: number }>) => {
        for (const [ph, p] of Object.entries(phases)) console.log(`    ${ph}: sigma xx/yy/zz = ${p.volWeightedStress_Pa.slice(0, 3).map((v) => (v / 1e6).toFixed(2)).join(" / ")} MPa, coordination ${p.meanCoordination.toFixed(2)}`);
      };
      for (const st of r.stages) {
        if (st.type === "uniaxial") {
          console.log(`uniaxial: loaded at ${(st.loaded.pressure_Pa / 1e6).toFixed(1)} MPa, solid fraction ${st.loaded.solidFraction.toFixed(4)}, coordination ${st.loaded.meanCoordination.toFixed(2)}; released solid fraction ${st.released.solidFraction.toFixed(4)}`);
          phaseLine(st.loaded.phases);
        } else if (st.type === "isostatic") {
          console.log(`isostatic: settled after ${st.steps} steps, faces ${st.settled.facePressure_Pa.map((p) => (p / 1e6).toFixed(2)).join("/")} MPa, box ${st.settled.L_m.map((l) => (l * 1e6).toFixed(1)).join(" x ")} um, solid fraction ${st.settled.solidFraction.toFixed(4)}`);
          phaseLine(st.settled.phases);
        } else if (st.type === "compress2d") {
          console.log(`compress2d: width ${(st.width_m * 1e6).toFixed(1)} um, wall load ${st.load_N.toExponential(3)} N`);
        } else {
          for (const c of st.states) { console.log(`cycle ${c.name}: solid fraction ${c.solidFraction.toFixed(4)}, coordination ${c.meanCoordination.toFixed(2)}`); phaseLine(c.phases); }
        }
        const a = Object.values(st.reports)[0]?.areas;
        if (a) console.log(`    AM-SE reaction area ${(a.reactionArea_m2 * 1e12).toFixed(1)} um^2, SE coverage of AM ${(100 * a.seCoverage).toFixed(2)} %`);
      }
      console.log(`${(r.particleSteps_per_s / 1e6).toFixed(2)}e6 particle-steps/s`);
      for (const f of files) console.log(`  wrote ${f}`);
    });
}
