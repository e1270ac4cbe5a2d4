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
import { resultJson, gridOrder, type TransportResult } from "../transport/tortuosity.js";
import { transportRequests } from "../transport/requests_pool.js";
import { planSlabs, type SlabSolve } from "../transport/slabs.js";
import { axisNames, resolveAxis, resolvePeriodic } from "../transport/defaults.js";
import { solverBytes, TAU_RTOL_DEFAULT, type GridSolve, type SolverMethod } from "../transport/solver.js";
import { solveImagesParallel } from "../transport/images_pool.js";
import { checkConductors, imageResultsTable } from "../transport/images.js";
import { readPngFolder } from "../transport/image_batch.js";
import { parseCrop, cropShape, cropText, type Crop } from "../io/crop.js";
import { fmtUm } from "../io/voxel_size.js";
import { parseVoxelSize } from "./segment.js";

const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(b >= 10 * 2 ** 20 ? 0 : 1)} MiB`);

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

/** Solver options of the CLI: the tau rule (--tau-rtol, default 1e-6) unless --rtol asks for the residual rule. */
function solverOpts(o: { method: string; rtol?: string; tauRtol?: string; maxIter: string; cycle?: string }): {
  method: SolverMethod;
  rtol?: number;
  tauRtol?: number;
  maxIterations: number;
  cycle?: "K" | "V";
} {
  if (o.method !== "pcg" && o.method !== "sor")
    throw inputError("--method", o.method, "pcg (multigrid-preconditioned CG) or sor (red-black SOR)");
  if (o.cycle !== undefined && o.cycle !== "K" && o.cycle !== "V") throw inputError("--cycle", o.cycle, "K (K-cycle) or V (V-cycle)");
  if (o.rtol !== undefined && o.tauRtol !== undefined)
    throw new ConfigError(`transport: --rtol ${o.rtol} and --tau-rtol ${o.tauRtol}: give one stopping rule, not both`);
  const maxIterations = Number(o.maxIter);
  if (!(/^\d+$/.test(o.maxIter) && maxIterations >= 1)) throw inputError("--max-iter", o.maxIter, "a positive integer");
  const base = { method: o.method as SolverMethod, maxIterations, ...(o.cycle ? { cycle: o.cycle as "K" | "V" } : {}) };
  if (o.rtol !== undefined || o.method === "sor") {
    // SOR has no energy estimate: the residual rule (1e-10 unless given)
    const rtol = Number(o.rtol ?? "1e-10");
    if (!(rtol > 0 && rtol < 1)) throw inputError("--rtol", o.rtol, "a relative residual in (0, 1)");
    return { ...base, rtol };
  }
  const tauRtol = Number(o.tauRtol ?? TAU_RTOL_DEFAULT);
  if (!(tauRtol >= 1e-12 && tauRtol <= 0.1)) throw inputError("--tau-rtol", o.tauRtol, "a relative tolerance of tau in [1e-12, 0.1]");
  return { ...base, tauRtol };
}

/** How the solve was stopped, for the report line. */
const ruleText = (s: GridSolve) =>
  s.stop === "tau"
    ? `tau to ${s.tauRtol.toExponential(0)} (estimated ${s.tauErrorEstimate.toExponential(1)}), relative residual ${s.residual.toExponential(2)}`
    : `relative residual ${s.residual.toExponential(2)} (rtol ${s.rtol})`;

/**
 * Checks, from the header alone, that the solve fits: in one wasm32 instance, or else (or with --slabs) in slabs
 * (one conducting phase, pcg); refuses before reading the data otherwise. Returns the memory line to print.
 */
function checkMemory(
  file: string,
  h: VolumeHeader,
  axis: number,
  method: SolverMethod,
  split: { binary: boolean; slabs?: number; workers?: number },
): string {
  const shape = gridOrder(h.shape, axis).shape3;
  const need = solverBytes(shape, method);
  const dims = `${h.shape.join(" x ")} voxels`;
  if (need > MAX_HEAP_BYTES || split.slabs !== undefined) {
    if (!split.binary || method !== "pcg") {
      const why =
        need > MAX_HEAP_BYTES
          ? `${dims} need about ${gib(need)} for the ${method} solver, more than the 4 GiB one wasm32 instance can address`
          : `--slabs ${split.slabs}`;
      throw new ConfigError(
        `transport: ${file}: ${why}, and only one conducting phase (--phase) solved with pcg can be split into slabs; refused before reading the data (${gib(h.bytes)})${need > MAX_HEAP_BYTES ? ": crop the volume or use a coarser voxel size" : ""}`,
      );
    }
    let plan: ReturnType<typeof planSlabs>;
    try {
      plan = planSlabs(shape, { slabs: split.slabs, workers: split.workers });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const why =
        need > MAX_HEAP_BYTES
          ? `${dims} need about ${gib(need)} for the ${method} solver, more than the 4 GiB one wasm32 instance can address, and in slabs`
          : `--slabs ${split.slabs}`;
      throw new ConfigError(
        `transport: ${file}: ${why}: ${e.message.replace(/^transport: /, "")}; refused before reading the data (${gib(h.bytes)})`,
      );
    }
    const total = plan.bytes.reduce((a, b) => a + b, 0);
    return `memory: about ${gib(total)} in ${plan.starts.length} slabs of at most ${gib(Math.max(...plan.bytes))} (one wasm32 instance each, overlap ${plan.overlap} planes; estimate, checked before reading the volume's ${gib(h.bytes)})`;
  }
  if (need + h.bytes > 0.8 * totalmem()) {
    // (several solves at once: transportRequests runs fewer side by side when their workspaces do not fit)
    throw new ConfigError(
      `transport: ${file}: ${dims} need about ${gib(need + h.bytes)} (volume + ${method} solver), more than 80 % of this machine's ${gib(totalmem())}; refused before reading the data`,
    );
  }
  return `memory: about ${gib(need)} of wasm32 memory per solve (estimate, checked before reading the volume's ${gib(h.bytes)})`;
}

/** The conducting phase(s) of each solve: `--sigma` (one multi-phase solve) or the `--phase` list. */
function sigmaList(o: { phase: string; sigma?: string }): { phase: string; sigma?: Record<string, number> }[] {
  if (o.sigma) return [{ phase: o.phase, sigma: parseSigma(o.sigma) }];
  const list = o.phase.split(",").map((x) => x.trim());
  if (list.some((x) => x === "")) throw inputError("--phase", o.phase, "phase names or codes separated by commas, e.g. SE or SE,AM");
  return list.map((phase) => ({ phase }));
}

/** The three report lines of one solve. */
function report(r: TransportResult, head: VolumeHeader, axisSource: string, periodicSource: string): void {
  const s = r.solve;
  console.log(
    `${r.mode === "multi" ? `sigma ${r.phase}` : `phase ${r.phase}`} along axis ${r.axis} (${axisNames(head)[r.axis]}; ${axisSource}), ${r.periodicLateral ? "periodic" : "no-flux"} lateral faces (${periodicSource}): eps = ${r.eps.toFixed(4)}, percolating ${(100 * r.percolatingFraction).toFixed(1)} % of it`,
  );
  console.log(
    `  ${r.mode === "multi" ? `sigma_eff = ${r.deffRel.toPrecision(8)} S/m, sigma_mean = ${r.sigmaMean_S_m!.toPrecision(8)} S/m` : `D_eff/D = sigma_eff/sigma = ${r.deffRel.toPrecision(8)}`}, tau = ${r.tauFactor.toPrecision(8)}, sqrt(tau) = ${r.tauSqrt.toPrecision(6)}`,
  );
  console.log(
    `  ${s.method}: ${s.status}, ${s.iterations} iterations, ${ruleText(s)}, flux in/out imbalance ${s.fluxImbalance.toExponential(2)}, ${s.seconds.toFixed(2)} s, workspace ${gib(s.memory.used_bytes)} (estimate ${gib(s.memory.estimate_bytes)})`,
  );
  const sl = (s as Partial<SlabSolve>).slabs;
  if (sl)
    console.log(
      `  in ${sl.count} slabs on ${sl.workers} worker${sl.workers > 1 ? "s" : ""} (workspace per slab: largest ${gib(s.memory.used_bytes)}, all ${gib(sl.memory.reduce((a, m) => a + m.used_bytes, 0))})`,
    );
  for (const w of r.warnings) console.log(`  warning: ${w}`);
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
    .option("--phase <name>", "conducting phase, by name (SE, AM) or code; a list (SE,AM) solves each, side by side on workers", "SE")
    .option("--sigma <list>", "several conducting phases instead: name=S/m pairs, e.g. AM=0.1,SE=0.001")
    .option(
      "--axis <axis>",
      "transport axis: index or name (z, y, x for voxelized packings), or a list (z,y,x); default: the volume's transport_axis, else 0",
    )
    .option("--workers <n>", "worker threads: for a list of phases/axes, or for the slabs of one volume (default 1: this thread)")
    .option("--slabs <n>", "solve in n slabs along the transport axis, one wasm32 instance each (automatic past 4 GiB; one phase, pcg)")
    .option("--periodic", "periodic lateral faces (default along z: the volume's periodicXY, else no-flux)")
    .option("--no-periodic", "no-flux lateral faces")
    .option("--method <m>", "pcg (multigrid-preconditioned CG) or sor (red-black SOR)", "pcg")
    .option("--cycle <c>", "multigrid cycle of pcg: K (default) or V")
    .option("--tau-rtol <t>", "stop when tau is known to this relative error (the tau rule; default 1e-6)")
    .option("--rtol <r>", "stop at this relative residual ||b - Ax||/||b|| instead (the residual rule; sor: default 1e-10)")
    .option("--max-iter <n>", "iteration limit", "20000")
    .option("--crop <ranges>", "solve on z0:z1,y0:y1,x0:x1 only (half-open voxel ranges, applied while reading the file)")
    .option("--voxel-size <length>", "voxel edge, e.g. 325nm, overriding the volume's (recorded in the result)")
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
          rtol?: string;
          tauRtol?: string;
          maxIter: string;
          workers?: string;
          slabs?: string;
          crop?: string;
          voxelSize?: string;
          out?: string;
        },
      ) => {
        if (o.out) prepareOutFile(o.out);
        const voxelSize_m = parseVoxelSize(o.voxelSize);
        const whole = probeVolume(file);
        // a crop: the memory checks and the solve see the crop's shape; it is read, not cut after reading
        const crop: Crop | undefined = o.crop !== undefined ? parseCrop(o.crop, whole.shape) : undefined;
        const head = crop ? { ...whole, shape: cropShape(crop), bytes: cropShape(crop).reduce((a, b) => a * b, 1) } : whole;
        if (head.meta.batch !== undefined) {
          throw new ConfigError(
            `transport: ${file} is a batch of ${show(head.meta.batch)} 2D images (its sidecar has "batch"), not one volume: use assb transport-images ${file}`,
          );
        }
        // a list of phases and/or axes: every combination, solved side by side on worker threads
        const axes = (o.axis ?? "").split(",").map((x) => x.trim() || undefined);
        const phases = sigmaList(o);
        const solver = solverOpts(o);
        const workers = o.workers === undefined ? undefined : Number(o.workers);
        if (o.workers !== undefined && !(/^\d+$/.test(o.workers) && workers! >= 1))
          throw inputError("--workers", o.workers, "a positive integer", "threads");
        const slabs = o.slabs === undefined ? undefined : Number(o.slabs);
        if (o.slabs !== undefined && !(/^\d+$/.test(o.slabs) && slabs! >= 1))
          throw inputError("--slabs", o.slabs, "a positive integer", "slabs");
        const split = { binary: o.sigma === undefined, slabs, workers };
        const memLines = new Set<string>();
        const jobs = axes.flatMap((ax) => {
          const { axis, source: axisSource } = resolveAxis(head, file, ax);
          const { periodic, source: periodicSource } = resolvePeriodic(head, file, axis, o.periodic);
          memLines.add(checkMemory(file, head, axis, solver.method, split));
          return phases.map((ph) => ({ axis, axisSource, periodic, periodicSource, ...ph }));
        });
        for (const line of memLines) console.log(line);
        const v = readVolume(file, { crop });
        const voxelSizeSource =
          voxelSize_m !== undefined
            ? "--voxel-size"
            : v.voxelSize_m !== undefined
              ? String(v.meta?.voxelSizeSource ?? "the volume's voxelSize_m")
              : "none";
        if (voxelSize_m !== undefined) v.voxelSize_m = voxelSize_m;
        if (crop || voxelSize_m !== undefined)
          console.log(
            `${crop ? `crop ${cropText(crop)}: ${head.shape.join(" x ")} voxels of ${whole.shape.join(" x ")}` : `${head.shape.join(" x ")} voxels`}; voxel size ${v.voxelSize_m !== undefined ? `${fmtUm(v.voxelSize_m)} (${voxelSizeSource})` : "not given"}`,
          );
        const k = await loadCore();
        const reqs = jobs.map((j) => ({
          phase: j.sigma ? undefined : j.phase,
          sigma_S_m: j.sigma,
          axis: j.axis,
          periodic: j.periodic,
          solver,
        }));
        const t0 = performance.now();
        const results = await transportRequests(k, v, reqs, { workers, slabs });
        const docs = results.map((r, i) => {
          const { axisSource, periodicSource } = jobs[i];
          report(r, head, axisSource, periodicSource);
          return {
            kind: "assbkit.transport",
            format: 1,
            version: VERSION,
            volume: file,
            ...(crop ? { crop: cropText(crop) } : {}),
            voxelSize_m: v.voxelSize_m,
            voxelSizeSource,
            ...r,
            axisSource,
            periodicSource,
          };
        });
        if (jobs.length > 1) console.log(`${jobs.length} solves in ${((performance.now() - t0) / 1000).toFixed(2)} s of wall time`);
        if (o.out) {
          const doc =
            docs.length === 1
              ? docs[0]
              : { kind: "assbkit.transport-set", format: 1, version: VERSION, volume: file, voxelSize_m: v.voxelSize_m, results: docs };
          writeFileAtomic(o.out, resultJson(doc) + "\n");
          console.log(`  wrote ${o.out}`);
        }
        if (!results.every((r) => r.converged)) process.exitCode = 3;
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
    .option("--tau-rtol <t>", "stop when each image's current is known to this relative error (default 1e-6)")
    .option("--rtol <r>", "stop at this relative residual instead (sor: default 1e-10)")
    .option("--max-iter <n>", "iteration limit", "20000")
    .option("--workers <n>", "threads that solve, this one included (default: all cores; 1: this thread alone)")
    .option("-o, --out <file>", "CSV", "currents.csv")
    .action(
      async (
        src: string,
        o: {
          axis?: string;
          conductor?: string;
          method: string;
          cycle?: string;
          rtol?: string;
          tauRtol?: string;
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
          console.log(
            `  warning: ${nc} images did not converge (${solver.rtol !== undefined ? `rtol ${solver.rtol}` : `tau rule ${solver.tauRtol}`})`,
          );
          process.exitCode = 3;
        }
        console.log(`  wrote ${o.out}`);
      },
    );
}
