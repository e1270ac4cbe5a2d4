/** `assb dem <case> -o <dir>`: run a DEM case file and write its results. */
import type { Command } from "commander";
import { demThreading } from "../dem/threads.js";
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
    .option("--threads <n>", "threads that step the packing (wasm; default 1; 2 pays from ~10,000 particles in dense states)")
    .action(async (file: string, o: { out: string; backend: string; quiet?: boolean; threads?: string }) => {
      if (o.backend !== "wasm" && o.backend !== "ts") throw inputError("--backend", o.backend, "one of wasm, ts");
      if (o.backend === "ts" && o.threads !== undefined && o.threads !== "1")
        throw inputError("--threads", o.threads, "1 with --backend ts (the plain-TypeScript twin runs on one thread)", "threads");
      const th = await demThreading(o.threads);
      const { resolved } = loadDemCase(file);
      prepareOutDir(o.out);
      const kernels = o.backend === "ts" ? createTwin(new ArrayHeap()) : th.kernels;
      const bar = o.quiet ? undefined : progressBar();
      let result: ReturnType<typeof runCase>;
      try {
        result = runCase(kernels, resolved, {
          onProgress: bar ? (st, d, t) => bar.update(`${st}`, d, t) : undefined,
          onSystem: th.onSystem,
        });
      } finally {
        th.done();
      }
      bar?.done();
      const files = writeDemResult(o.out, result);
      const s = result.summary;
      console.log(
        `${resolved.config.name}: ${s.particles} particles, ${s.steps} steps (dt = ${s.dt_s.toExponential(3)} s = ${s.dtOverRayleigh.toFixed(3)} T_Rayleigh), ${s.contacts} contacts, ${(s.particleSteps_per_s / 1e6).toFixed(2)}e6 particle-steps/s`,
      );
      for (const f of files) console.log(`  wrote ${f}`);
    });
}
