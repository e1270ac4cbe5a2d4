/** `assb transport`, `assb transport-images`: tortuosity and conductivity of voxel volumes and 2D images. */
import type { Command } from "commander";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { totalmem } from "node:os";
import { parseCsv, toCsv } from "../io/csv.js";
import { writeFileAtomic } from "../io/atomic.js";
import { parseQuantity } from "../config/units.js";
import { ConfigError } from "../config/errors.js";
import { loadCore } from "../core/wasm.js";
import { VERSION } from "../version.js";
import { readVolume, writeVolume, decodePng, type Volume } from "../transport/volume.js";
import { transport, resultJson, gridOrder } from "../transport/tortuosity.js";
import { solverBytes, type SolverMethod } from "../transport/solver.js";
import { solveImagesParallel } from "../transport/images_pool.js";

function axisIndex(v: Volume, axis: string): number {
  if (/^\d+$/.test(axis)) return Number(axis);
  const names = (v.meta?.axes as string[] | undefined) ?? (v.shape.length === 3 ? ["z", "y", "x"] : ["y", "x"]);
  const i = names.indexOf(axis.toLowerCase());
  if (i < 0) throw new ConfigError(`--axis = ${axis}: expected an index 0-${v.shape.length - 1} or one of ${names.join(", ")}`);
  return i;
}

function solverOpts(o: { method: string; rtol: string; maxIter: string; cycle?: string }): { method: SolverMethod; rtol: number; maxIterations: number; cycle?: "K" | "V" } {
  if (o.method !== "pcg" && o.method !== "sor") throw new ConfigError(`--method = ${o.method}: expected pcg (multigrid-preconditioned CG) or sor (red-black SOR)`);
  if (o.cycle !== undefined && o.cycle !== "K" && o.cycle !== "V") throw new ConfigError(`--cycle = ${o.cycle}: expected K (K-cycle) or V (V-cycle)`);
  const rtol = Number(o.rtol), maxIterations = Number(o.maxIter);
  if (!(rtol > 0 && rtol < 1)) throw new ConfigError(`--rtol = ${o.rtol}: expected a relative residual in (0, 1)`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) throw new ConfigError(`--max-iter = ${o.maxIter}: expected a positive integer`);
  return { method: o.method, rtol, maxIterations, ...(o.cycle ? { cycle: o.cycle as "K" | "V" } : {}) };
}

export function register(program: Command): void {
  program
    .command("transport")
    .description("effective conductivity/diffusivity and tortuosity factor of one phase along one axis (TauFactor conventions)")
    .argument("<volume>", "volume: .json sidecar/.raw, .tif stack or .png")
    .option("--phase <name>", "conducting phase, by name (SE, AM) or code", "SE")
    .option("--sigma <list>", "several conducting phases instead: name=S/m pairs, e.g. AM=0.1,SE=0.001")
    .option("--axis <axis>", "transport axis: index or name (z, y, x for voxelized packings)", "0")
    .option("--periodic", "periodic lateral faces instead of no-flux", false)
    .option("--method <m>", "pcg (multigrid-preconditioned CG) or sor (red-black SOR)", "pcg")
    .option("--cycle <c>", "multigrid cycle of pcg: K (default) or V")
    .option("--rtol <r>", "stop at this relative residual ||b - Ax||/||b||", "1e-10")
    .option("--max-iter <n>", "iteration limit", "20000")
    .option("-o, --out <file>", "result JSON")
    .action(async (file: string, o: { phase: string; sigma?: string; axis: string; periodic: boolean; method: string; rtol: string; maxIter: string; out?: string }) => {
      const v = readVolume(file);
      const axis = axisIndex(v, o.axis);
      const solver = solverOpts(o);
      if (v.shape.length >= 1 && Number.isInteger(axis) && axis >= 0 && axis < v.shape.length) {
        const need = solverBytes(gridOrder(v.shape, axis).shape3, solver.method);
        if (need > 0.8 * totalmem()) throw new ConfigError(`transport: ${v.shape.join(" x ")} voxels need about ${(need / 2 ** 30).toFixed(1)} GiB with ${solver.method}; this machine has ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
      }
      let sigma: Record<string, number> | undefined;
      if (o.sigma) {
        sigma = {};
        for (const kv of o.sigma.split(",")) {
          const [k, s] = kv.split("=");
          if (!k || s === undefined) throw new ConfigError(`--sigma = ${o.sigma}: expected name=value pairs in S/m, e.g. AM=0.1,SE=0.001`);
          sigma[k.trim()] = parseQuantity(s.trim(), "S/m");
        }
      }
      const k = await loadCore();
      const r = transport(k, v, { phase: sigma ? undefined : o.phase, sigma_S_m: sigma, axis, periodic: o.periodic, solver });
      const doc = { kind: "assbkit.transport", version: VERSION, volume: file, voxelSize_m: v.voxelSize_m, ...r };
      const s = r.solve;
      console.log(`${r.mode === "multi" ? `sigma ${r.phase}` : `phase ${r.phase}`} along axis ${axis}${o.periodic ? " (periodic sides)" : ""}: eps = ${r.eps.toFixed(4)}, percolating ${(100 * r.percolatingFraction).toFixed(1)} % of it`);
      console.log(`  ${r.mode === "multi" ? `sigma_eff = ${r.deffRel.toPrecision(8)} S/m, sigma_mean = ${r.sigmaMean_S_m!.toPrecision(8)} S/m` : `D_eff/D = sigma_eff/sigma = ${r.deffRel.toPrecision(8)}`}, tau = ${r.tauFactor.toPrecision(8)}, sqrt(tau) = ${r.tauSqrt.toPrecision(6)}`);
      console.log(`  ${s.method}: ${s.status}, ${s.iterations} iterations, relative residual ${s.residual.toExponential(2)} (rtol ${s.rtol}), flux in/out imbalance ${s.fluxImbalance.toExponential(2)}, ${s.seconds.toFixed(2)} s`);
      for (const w of r.warnings) console.log(`  warning: ${w}`);
      if (o.out) { writeFileAtomic(o.out, resultJson(doc) + "\n"); console.log(`  wrote ${o.out}`); }
      if (!r.converged) process.exitCode = 3;
    });

  program
    .command("transport-images")
    .description("current and resistance of a batch of 2D conductor images (unit square, sigma = 1 S/m, V = 1 V), CSV out")
    .argument("<batch>", "batch volume [images, rows, cols] (.json/.raw, .tif) or a folder of PNGs (conductor: gray >= 128)")
    .option("--axis <a>", "image axis the voltage is applied across: 0 (first to last row) or 1 (first to last column)", "0")
    .option("--conductor <codes>", "pixel codes that conduct (default: every non-zero code)")
    .option("--method <m>", "pcg or sor", "pcg")
    .option("--cycle <c>", "multigrid cycle of pcg: V (default for images) or K")
    .option("--rtol <r>", "relative residual", "1e-10")
    .option("--max-iter <n>", "iteration limit", "20000")
    .option("--workers <n>", "worker threads (default: all cores; 1: none)")
    .option("-o, --out <file>", "CSV", "currents.csv")
    .action(async (src: string, o: { axis: string; conductor?: string; method: string; rtol: string; maxIter: string; workers?: string; out: string }) => {
      let batch: Volume;
      let names: string[] | undefined;
      if (statSync(src).isDirectory()) {
        names = readdirSync(src).filter((f) => extname(f).toLowerCase() === ".png").sort();
        if (names.length === 0) throw new ConfigError(`transport-images: folder ${src} holds no .png images`);
        const imgs = names.map((f) => decodePng(readFileSync(join(src, f)), f));
        const [h, w] = [imgs[0].height, imgs[0].width];
        const bad = imgs.findIndex((im) => im.height !== h || im.width !== w);
        if (bad >= 0) throw new ConfigError(`transport-images: ${names[bad]} is ${imgs[bad].width}x${imgs[bad].height}, ${names[0]} is ${w}x${h}; all images must have the same size`);
        const data = new Uint8Array(imgs.length * h * w);
        imgs.forEach((im, i) => { for (let p = 0; p < h * w; p++) data[i * h * w + p] = im.gray[p] >= 128 ? 1 : 0; });
        batch = { shape: [imgs.length, h, w], data, phases: { "0": "insulator", "1": "conductor" } };
      } else batch = readVolume(src);
      const axis = Number(o.axis);
      const conductorCodes = o.conductor ? o.conductor.split(",").map(Number) : undefined;
      const k = await loadCore();
      const t0 = performance.now();
      let last = 0;
      const workers = o.workers === undefined ? undefined : Number(o.workers);
      const rows = await solveImagesParallel(k, batch, { axis: axis as 0 | 1, conductorCodes, solver: solverOpts(o) }, {
        workers,
        onProgress: (done, total) => {
          if (process.stderr.isTTY && performance.now() - last > 200) { last = performance.now(); process.stderr.write(`\r  image ${done}/${total}`); }
        },
      });
      if (process.stderr.isTTY) process.stderr.write("\n");
      const sec = (performance.now() - t0) / 1000;
      writeFileAtomic(o.out, toCsv({
        columns: ["index", "name", "conductive_fraction", "Deff_rel", "current_A", "resistance_ohm", "percolates", "status", "iterations", "residual"],
        rows: rows.map((r) => [r.index, names?.[r.index] ?? "", r.conductiveFraction, r.deffRel, r.current_A, Number.isFinite(r.resistance_ohm) ? r.resistance_ohm : "Infinity", r.percolates ? 1 : 0, r.status, r.iterations, r.residual]),
      }));
      const np = rows.filter((r) => !r.percolates).length;
      console.log(`${rows.length} images in ${sec.toFixed(2)} s (${((1000 * sec) / rows.length).toFixed(2)} ms each); ${np} do not percolate (I = 0, R = Infinity)`);
      const nc = rows.filter((r) => r.status === "not-converged" || r.status === "breakdown").length;
      if (nc) { console.log(`  warning: ${nc} images did not converge to rtol ${o.rtol}`); process.exitCode = 3; }
      console.log(`  wrote ${o.out}`);
    });
}
