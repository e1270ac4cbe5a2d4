/** `assb demo`: the main job on built-in defaults (grows as later stages land). */
import type { Command } from "commander";
import { loadCore } from "../core/wasm.js";
import { parseDemCase } from "../dem/case.js";
import { demoCase } from "../dem/demo.js";
import { resolveCase, runCase } from "../dem/run.js";
import { writeDemResult } from "../dem/node.js";
import { progressBar } from "./progress.js";

export function register(program: Command): void {
  program
    .command("demo")
    .description("run the built-in demo: press an AM/SE packing with a servo wall (DEM) and write the results")
    .option("-o, --out <dir>", "output folder", "assb-demo")
    .option("--seed <n>", "random seed", "1")
    .action(async (o: { out: string; seed: string }) => {
      const cfg = parseDemCase(demoCase({ seed: Number(o.seed) }), "demo");
      const rc = resolveCase(cfg);
      const kernels = await loadCore();
      const bar = progressBar();
      const r = runCase(kernels, rc, { onProgress: (st, d, t) => bar.update(st, d, t) });
      bar.done();
      const files = writeDemResult(`${o.out}/dem`, r);
      const top = r.summary.walls.find((w) => w.name === "top")!;
      const A = (cfg.box.hi_m[0] - cfg.box.lo_m[0]) * (cfg.box.hi_m[1] - cfg.box.lo_m[1]);
      console.log(`DEM: ${r.summary.particles} particles, ${r.summary.steps} steps, top-wall pressure ${(top.load_N / A / 1e6).toFixed(2)} MPa, mean coordination ${r.summary.meanCoordination.toFixed(2)}, ${(r.summary.particleSteps_per_s / 1e6).toFixed(2)}e6 particle-steps/s`);
      for (const f of files) console.log(`  wrote ${f}`);
    });
}
