/** `assb transport`, `assb transport-images`: tortuosity and conductivity of voxel volumes and 2D images. */
import type { Command } from "commander";
import { statSync, existsSync } from "node:fs";
import { totalmem } from "node:os";
import { toCsv } from "../io/csv.js";
import { writeFileAtomic, prepareOutFile } from "../io/atomic.js";
import { parseQuantity } from "../config/units.js";
import { ConfigError, inputError, show } from "../config/errors.js";
import { loadCore } from "../core/wasm.js";
import { MAX_HEAP_BYTES } from "../core/heap.js";
import { VERSION } from "../version.js";
import { readVolume, probeVolume, type Volume, type VolumeHeader } from "../transport/volume.js";
import { transport, resultJson, gridOrder } from "../transport/tortuosity.js";
import { axisNames, resolveAxis, resolvePeriodic } from "../transport/defaults.js";
import { solverBytes, type SolverMethod } from "../transport/solver.js";
import { solveImagesParallel } from "../transport/images_pool.js";
import { checkConductors, imageResultsTable } from "../transport/images.js";
import { readPngFolder } from "../transport/image_batch.js";

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

function parseSigma(list: string): Record<string, number> {
  const sigma: Record<string, number> = {};
  for (const kv of list.split(",")) {
    const eq = kv.indexOf("=");
    const k = eq > 0 ? kv.slice(0, eq).trim() : "",
      s = eq > 0 ? kv.slice(eq + 1).trim() : "";
    if (!k || !s) throw inputError("--sigma", list, "name=value pairs, e.g. AM=0.1,SE=0.001", "S/m");
    if (k in sigma) throw inputError("--sigma", list, `each phase once (${k} is given twice)`);
    const x = parseQuantity(s, "S/m");
    if (!(Number.isFinite(x) && x >= 0))
      throw inputError(`--sigma ${k}`, s, `a conductivity >= 0 for phase ${k}, e.g. ${k}=0.1 or ${k}=10mS/m`, "S/m");
    sigma[k] = x;
  }
  return sigma;
}

function solverOpts(o: { method: string; rtol: string; maxIter: string; cycle?: string }): {
  method: SolverMethod;
  rtol: number;
  maxIterations: number;
  cycle?: "K" | "V";
} {
  if (o.method !== "pcg" && o.method !== "sor")
    throw inputError("--method", o.method, "pcg (multigrid-preconditioned CG) or sor (red-black SOR)");
  if (o.cycle !== undefined && o.cycle !== "K" && o.cycle !== "V") throw inputError("--cycle", o.cycle, "K (K-cycle) or V (V-cycle)");
  const rtol = Number(o.rtol),
    maxIterations = Number(o.maxIter);
  if (!(rtol > 0 && rtol < 1)) throw inputError("--rtol", o.rtol, "a relative residual in (0, 1)");
  if (!(/^\d+$/.test(o.maxIter) && maxIterations >= 1)) throw inputError("--max-iter", o.maxIter, "a positive integer");
  return { method: o.method, rtol, maxIterations, ...(o.cycle ? { cycle: o.cycle as "K" | "V" } : {}) };
}

/** Refuses, from the header alone, a volume whose solve does not fit wasm32 memory or the machine. */
function checkMemory(file: string, h: VolumeHeader, axis: number, method: SolverMethod): void {
  const need = solverBytes(gridOrder(h.shape, axis).shape3, method);
  const dims = `${h.shape.join(" x ")} voxels`;
  if (need > MAX_HEAP_BYTES) {
    throw new ConfigError(
      `transport: ${file}: ${dims} need about ${gib(need)} for the ${method} solver, more than the 4 GiB one wasm32 instance can address; refused before reading the data (${gib(h.bytes)}): crop the volume or use a coarser voxel size`,
    );
  }
  if (need + h.bytes > 0.8 * totalmem()) {
    throw new ConfigError(
      `transport: ${file}: ${dims} need about ${gib(need + h.bytes)} (volume + ${method} solver), more than 80 % of this machine's ${gib(totalmem())}; refused before reading the data`,
    );
  }
}

/** `--conductor`: codes (0-255) or phase names of the batch. */
function conductorCodes(list: string, phases: Record<string, string>): number[] {
  return list.split(",").map((t) => {
    const s = t.trim();
    if (/^\d+$/.test(s) && Number(s) <= 255) return Number(s);
    const hit = Object.entries(phases).find(([, nm]) => nm.toLowerCase() === s.toLowerCase());
    if (!hit)
      throw inputError(
        "--conductor",
        s,
        `a pixel code 0-255 or a phase name${
          Object.keys(phases).length
            ? ` (${Object.entries(phases)
                .map(([c, nm]) => `${c} = ${nm}`)
                .join(", ")})`
            : ""
        }`,
      );
    return Number(hit[0]);
  });
}

export function register(program: Command): void {
  program
    .command("transport")
    .description("effective conductivity/diffusivity and tortuosity factor of one phase along one axis (TauFactor conventions)")
    .argument("<volume>", "volume: .json sidecar/.raw, .tif stack or .png")
    .option("--phase <name>", "conducting phase, by name (SE, AM) or code", "SE")
    .option("--sigma <list>", "several conducting phases instead: name=S/m pairs, e.g. AM=0.1,SE=0.001")
    .option("--axis <axis>", "transport axis: index or name (z, y, x for voxelized packings); default: the volume's transport_axis, else 0")
    .option("--periodic", "periodic lateral faces (default along z: the volume's periodicXY, else no-flux)")
    .option("--no-periodic", "no-flux lateral faces")
    .option("--method <m>", "pcg (multigrid-preconditioned CG) or sor (red-black SOR)", "pcg")
    .option("--cycle <c>", "multigrid cycle of pcg: K (default) or V")
    .option("--rtol <r>", "stop at this relative residual ||b - Ax||/||b||", "1e-10")
    .option("--max-iter <n>", "iteration limit", "20000")
    .option("-o, --out <file>", "result JSON")
    .action(
      async (
        file: string,
        o: {
          phase: string;
          sigma?: string;
          axis?: string;
          periodic?: boolean;
          method: string;
          cycle?: string;
          rtol: string;
          maxIter: string;
          out?: string;
        },
      ) => {
        if (o.out) prepareOutFile(o.out);
        const head = probeVolume(file);
        if (head.meta.batch !== undefined) {
          throw new ConfigError(
            `transport: ${file} is a batch of ${show(head.meta.batch)} 2D images (its sidecar has "batch"), not one volume: use assb transport-images ${file}`,
          );
        }
        const { axis, source: axisSource } = resolveAxis(head, file, o.axis);
        const { periodic, source: periodicSource } = resolvePeriodic(head, file, axis, o.periodic);
        const solver = solverOpts(o);
        const sigma = o.sigma ? parseSigma(o.sigma) : undefined;
        checkMemory(file, head, axis, solver.method);
        const v = readVolume(file);
        const k = await loadCore();
        const r = transport(k, v, { phase: sigma ? undefined : o.phase, sigma_S_m: sigma, axis, periodic, solver });
        const doc = {
          kind: "assbkit.transport",
          format: 1,
          version: VERSION,
          volume: file,
          voxelSize_m: v.voxelSize_m,
          ...r,
          axisSource,
          periodicSource,
        };
        const s = r.solve;
        const axisName = axisNames(head)[axis];
        console.log(
          `${r.mode === "multi" ? `sigma ${r.phase}` : `phase ${r.phase}`} along axis ${axis} (${axisName}; ${axisSource}), ${periodic ? "periodic" : "no-flux"} lateral faces (${periodicSource}): eps = ${r.eps.toFixed(4)}, percolating ${(100 * r.percolatingFraction).toFixed(1)} % of it`,
        );
        console.log(
          `  ${r.mode === "multi" ? `sigma_eff = ${r.deffRel.toPrecision(8)} S/m, sigma_mean = ${r.sigmaMean_S_m!.toPrecision(8)} S/m` : `D_eff/D = sigma_eff/sigma = ${r.deffRel.toPrecision(8)}`}, tau = ${r.tauFactor.toPrecision(8)}, sqrt(tau) = ${r.tauSqrt.toPrecision(6)}`,
        );
        console.log(
          `  ${s.method}: ${s.status}, ${s.iterations} iterations, relative residual ${s.residual.toExponential(2)} (rtol ${s.rtol}), flux in/out imbalance ${s.fluxImbalance.toExponential(2)}, ${s.seconds.toFixed(2)} s`,
        );
        for (const w of r.warnings) console.log(`  warning: ${w}`);
        if (o.out) {
          writeFileAtomic(o.out, resultJson(doc) + "\n");
          console.log(`  wrote ${o.out}`);
        }
        if (!r.converged) process.exitCode = 3;
      },
    );

  program
    .command("transport-images")
    .description("current and resistance of a batch of 2D conductor images (unit square, sigma = 1 S/m, V = 1 V), CSV out")
    .argument("<batch>", "batch volume [images, rows, cols] (.json/.raw, .tif) or a folder of PNGs (conductor: gray >= 128)")
    .option(
      "--axis <a>",
      "image axis the voltage is applied across: 0 (first to last row) or 1 (first to last column); default: from the volume's transport_axis, else 0",
    )
    .option(
      "--conductor <codes>",
      "pixel codes or phase names that conduct (default: the one non-zero code; required when the images hold several)",
    )
    .option("--method <m>", "pcg or sor", "pcg")
    .option("--cycle <c>", "multigrid cycle of pcg: V (default for images) or K")
    .option("--rtol <r>", "relative residual", "1e-10")
    .option("--max-iter <n>", "iteration limit", "20000")
    .option("--workers <n>", "worker threads (default: all cores; 1: none)")
    .option("-o, --out <file>", "CSV", "currents.csv")
    .action(
      async (
        src: string,
        o: {
          axis?: string;
          conductor?: string;
          method: string;
          cycle?: string;
          rtol: string;
          maxIter: string;
          workers?: string;
          out: string;
        },
      ) => {
        prepareOutFile(o.out);
        if (o.axis !== undefined && o.axis !== "0" && o.axis !== "1")
          throw inputError("--axis", o.axis, "0 (across the rows) or 1 (across the columns) of each image");
        if (o.workers !== undefined && !(/^\d+$/.test(o.workers) && Number(o.workers) >= 1))
          throw inputError("--workers", o.workers, "a positive integer", "threads");
        const solver = solverOpts(o);
        if (!existsSync(src)) throw new ConfigError(`transport-images: ${src} does not exist`);
        let batch: Volume;
        let names: string[] | undefined;
        let axis = o.axis === undefined ? 0 : Number(o.axis),
          axisSource = o.axis === undefined ? "default" : "--axis";
        if (statSync(src).isDirectory()) ({ batch, names } = readPngFolder(src));
        else batch = readVolume(src);
        const codes = o.conductor ? conductorCodes(o.conductor, batch.phases) : undefined;
        checkConductors(batch, codes);
        const ta = batch.meta?.transport_axis;
        if (o.axis === undefined && ta !== undefined) {
          // the file's axes: [images, rows, cols] (its axis 1 is axis 0 of each image) or [rows, cols]
          const off = batch.shape.length === 3 ? 1 : 0;
          if (!(Number.isInteger(ta) && (ta as number) - off >= 0 && (ta as number) - off <= 1)) {
            throw inputError(
              `${src}: transport_axis`,
              ta,
              batch.shape.length === 3
                ? "1 (the rows of each image) or 2 (the columns): axis 0 indexes the images, so along it the 2D slices have no transport axis; give --axis 0 or 1"
                : "0 (rows) or 1 (columns)",
            );
          }
          axis = (ta as number) - off;
          axisSource = `the volume's transport_axis ${ta}`;
        }
        const k = await loadCore();
        const t0 = performance.now();
        let last = 0;
        console.log(
          `potential difference across image axis ${axis} (${axis === 0 ? "first to last row" : "first to last column"}; ${axisSource})`,
        );
        const rows = await solveImagesParallel(
          k,
          batch,
          { axis: axis as 0 | 1, conductorCodes: codes, solver },
          {
            workers: o.workers === undefined ? undefined : Number(o.workers),
            onProgress: (done, total) => {
              if (process.stderr.isTTY && performance.now() - last > 200) {
                last = performance.now();
                process.stderr.write(`\r  image ${done}/${total}`);
              }
            },
          },
        );
        if (process.stderr.isTTY) process.stderr.write("\n");
        const sec = (performance.now() - t0) / 1000;
        writeFileAtomic(o.out, toCsv(imageResultsTable(rows, names ?? [])));
        const np = rows.filter((r) => !r.percolates).length;
        console.log(
          `${rows.length} images in ${sec.toFixed(2)} s (${((1000 * sec) / rows.length).toFixed(2)} ms each); ${np} do not percolate (I = 0, R = Infinity)`,
        );
        const nc = rows.filter((r) => r.status === "not-converged" || r.status === "breakdown").length;
        if (nc) {
          console.log(`  warning: ${nc} images did not converge to rtol ${o.rtol}`);
          process.exitCode = 3;
        }
        console.log(`  wrote ${o.out}`);
      },
    );
}
