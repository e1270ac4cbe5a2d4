/** `assb dem <case> -o <dir>`: run a DEM case file and write its results. */
import type { Command } from "commander";
import { loadCore } from "../core/wasm.js";
import { createTwin } from "../dem/twin.js";
import { ArrayHeap } from "../core/heap.js";
import { loadDemCase, writeDemResult } from "../dem/node.js";
import { runCase } from "../dem/run.js";
import { progressBar } from "./progress.js";
import { inputError } from "../config/errors.js";
import { prepareOutDir } from "../io/atomic.js";

export function register(program: Command): void {
  program
    .command("dem")
    .description("run a DEM case (YAML or JSON) and write timeseries.csv, particles.csv, contacts.csv, summary.json")
    .argument("<case>", "case file, e.g. fixtures/dem/collision_equal.yaml")
    .option("-o, --out <dir>", "output folder", "out")
    .option("--backend <name>", "wasm (default) or ts (the plain-TypeScript twin, slower)", "wasm")
    .option("-q, --quiet", "no progress bar")
    .action(async (file: string, o: { out: string; backend: string; quiet?: boolean }) => {
      if (o.backend !== "wasm" && o.backend !== "ts") throw inputError("--backend", o.backend, "one of wasm, ts");
      const { resolved } = loadDemCase(file);
      prepareOutDir(o.out);
      const kernels = o.backend === "ts" ? createTwin(new ArrayHeap()) : await loadCore();
      const bar = o.quiet ? undefined : progressBar();
      const result = runCase(kernels, resolved, { onProgress: bar ? (st, d, t) => bar.update(`${st}`, d, t) : undefined });
      bar?.done();
      const files = writeDemResult(o.out, result);
      const s = result.summary;
      console.log(
        `${resolved.config.name}: ${s.particles} particles, ${s.steps} steps (dt = ${s.dt_s.toExponential(3)} s = ${s.dtOverRayleigh.toFixed(3)} T_Rayleigh), ${s.contacts} contacts, ${(s.particleSteps_per_s / 1e6).toFixed(2)}e6 particle-steps/s`,
      );
      for (const f of files) console.log(`  wrote ${f}`);
    });
}
