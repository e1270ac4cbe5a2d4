/** `assb micro <config> -o <dir>`: the micro-scale chemo-mechanical model of paper 001 (host/micro). */
import type { Command } from "commander";
import { readConfigFile } from "../config/load.js";
import { loadCore } from "../core/wasm.js";
import { prepareOutDir } from "../io/atomic.js";
import { parseMicroConfig } from "../micro/config.js";
import { applyOverrides } from "../config/overrides.js";
import { requirePlotting } from "../plot/render.js";
import { progressBar } from "./progress.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command("micro")
    .description(
      "micro-scale chemo-mechanics (paper 001): an AM particle in SE lithiated by a pore-wall flux, anisotropic swelling, cohesive interface damage; writes timeseries.csv, summary.json, fields.vtk, interface.vtk, averages.png, fields.png",
    )
    .argument(
      "<config>",
      "YAML/JSON: flux_mol_m2_s, fractureEnergy_J_m2 (or cohesive.initiationEnergy_J_m2 + hardening_J_m2), mechanics, interface: cohesive|bonded, resolution, stop (see fixtures/micro/)",
    )
    .option("-o, --out <dir>", "output folder", "out")
    .option("--set <key=value>", "override a config key, e.g. --set flux_mol_m2_s=2.61e-4 --set am.poissonRatio=0.25 (repeatable)", collect)
    .option("--no-plots", "skip the PNG plots")
    .action(async (file: string, o: { out: string; set?: string[]; plots: boolean }) => {
      const cfg = parseMicroConfig(applyOverrides(readConfigFile(file), o.set ?? []), file);
      if (o.plots) await requirePlotting();
      const { runMicro } = await import("../micro/model.js");
      const { writeMicroResult } = await import("../micro/output.js");
      const core = await loadCore();
      prepareOutDir(o.out);
      const bar = progressBar();
      const c0 = cfg.initialConcentrationNorm,
        stop = cfg.stop.maxConcentrationNorm;
      // progress: how far max c has come towards the stop rule (a time stop shows its own fraction)
      const r = runMicro(core, cfg, {
        onProgress: (t, cmax) =>
          bar.fraction(
            "micro",
            Math.max((cmax - c0) / (stop - c0), cfg.stop.time_s ? t / cfg.stop.time_s : 0),
            `t ${t.toPrecision(3)} s, max c/c_max ${cmax.toFixed(3)}`,
          ),
      });
      bar.done();
      const files = await writeMicroResult(o.out, r, { plots: o.plots });
      const s = r.series,
        k = s.t_s.length - 1;
      console.log(
        `micro: ${r.mesh.nodes} nodes, ${r.mesh.elements} elements, ${r.mesh.interfaceElements} interface elements; ${r.steps} steps (${r.rejectedSteps} rejected) in ${r.wallClock_s.toFixed(2)} s`,
      );
      console.log(
        `  stop (${r.stop.reason}) at t = ${r.stop.t_s.toPrecision(5)} s: c_surf/c_max ${s.c_surf_norm[k].toFixed(4)}, c_bulk/c_max ${s.c_bulk_norm[k].toFixed(4)}, <d> ${s.damage_avg[k].toFixed(4)} (max ${s.damage_max[k].toFixed(4)})`,
      );
      console.log(`  damage onset: ${r.damageOnset_s === null ? "none" : `t = ${r.damageOnset_s.toPrecision(4)} s`}`);
      for (const f of files) console.log(`  wrote ${f}`);
    });
}
