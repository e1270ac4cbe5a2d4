/**
 * Discharge sweeps (C-rate x parameter variants) on one thread or a pool of worker threads plus the
 * calling thread: each thread has its own compute core, keeps one CellSim per parameter variant and
 * takes chunks of jobs from a shared queue. Results come back in job order and are identical to
 * `sweepSerial`.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../core/worker.js";
import { loadCore } from "../core/wasm.js";
import { availableParallelism } from "node:os";
import type { CellKernels } from "../core/wasm.js";
import { ConfigError } from "../config/errors.js";
import { loadCellParams, resolveCellParams, type ResolvedCellParams } from "./params.js";
import { CellSim } from "./sim.js";
import { DEFAULT_NUMERICS, type CellNumerics } from "./numerics.js";
import { runExperiment } from "./runner.js";
import { parseExperiment } from "./experiment.js";

export interface SweepJob {
  params: string;
  overrides?: Record<string, unknown>;
  cRate: number;
  cutoff_V: number;
}
export interface SweepRow {
  index: number;
  cRate: number;
  capacity_Ah_m2: number;
  capacity_mAh_g: number;
  time_s: number;
  steps: number;
  termination: string;
}

/** Runs sweep jobs on one set of kernels, keeping one CellSim per parameter variant across calls. */
export class SweepRunner {
  private sims = new Map<string, { rp: ResolvedCellParams; sim: CellSim }>();
  private num: CellNumerics;
  constructor(
    readonly k: CellKernels,
    readonly jobs: SweepJob[],
    numerics: Partial<CellNumerics> = {},
  ) {
    this.num = { ...DEFAULT_NUMERICS, overpotentials: false, ...numerics };
  }
  /** Jobs [first, last). */
  run(first: number, last: number): SweepRow[] {
    const rows: SweepRow[] = [];
    for (let i = first; i < last; i++) {
      const j = this.jobs[i];
      const key = j.params + JSON.stringify(j.overrides ?? {});
      let e = this.sims.get(key);
      if (!e) {
        const rp = resolveCellParams(loadCellParams(j.params, j.overrides ?? {}));
        e = { rp, sim: new CellSim(this.k, rp, this.num) };
        this.sims.set(key, e);
      }
      const r = runExperiment(this.k, e.rp, parseExperiment(`Discharge at ${j.cRate}C until ${j.cutoff_V} V`), {
        numerics: this.num,
        sim: e.sim,
      });
      rows.push({
        index: i,
        cRate: j.cRate,
        capacity_Ah_m2: r.capacity_Ah_m2.at(-1)!,
        capacity_mAh_g: r.capacity_mAh_g.at(-1)!,
        time_s: r.time_s.at(-1)!,
        steps: r.stats.steps,
        termination: r.steps[0].termination,
      });
    }
    return rows;
  }
}

/** Runs jobs [first, last) on one set of kernels, reusing one CellSim per parameter variant. */
export function sweepSerial(
  k: CellKernels,
  jobs: SweepJob[],
  numerics: Partial<CellNumerics> = {},
  first = 0,
  last = jobs.length,
): SweepRow[] {
  return new SweepRunner(k, jobs, numerics).run(first, last);
}

export interface SweepOptions {
  /** worker threads (default: availableParallelism() - 1 when the main thread helps, else availableParallelism()) */
  workers?: number;
  /** the calling thread runs jobs too, from the same queue, while the workers start (default true) */
  mainThread?: boolean;
  /** fixed chunk of jobs per worker request (default: guided, remaining / (2 threads), 4..200) */
  chunk?: number;
  numerics?: Partial<CellNumerics>;
  /** kernels for the calling thread (default: loadCore()) */
  kernels?: CellKernels;
  /** with the main thread helping: start workers only when the main thread's first chunk says the
   *  remaining work would take longer than this on one thread [s] (a worker takes ~0.3-0.6 s to start
   *  under tsx and slows the main thread meanwhile on a small machine). Default 1 s; 0: always start. */
  minPoolWork_s?: number;
  /** filled in: how the jobs were shared */
  stats?: SweepStats;
}

export interface SweepStats {
  main: number;
  workers: number[];
  workerReady_ms: (number | null)[];
  poolStarted: boolean;
  estimatedSerial_s: number;
}

/**
 * Sweep on a pool: the calling thread runs jobs from the queue in small chunks (yielding to the event
 * loop between chunks so that ready workers get work at once); after its first chunk it estimates the
 * remaining one-thread time and starts the worker threads only when that exceeds `minPoolWork_s`
 * (each worker loads its own compute core, ~0.3-0.6 s under tsx, during which the calling thread goes
 * on working). Workers take guided chunks (large first, smaller towards the end). Workers still
 * starting when the queue runs dry are terminated unused. Measured on the 2-core development machine
 * (bench/cell.ts; its dated output in bench/results/). Results are in job order and identical to `sweepSerial`
 * (every discharge starts from the reset state).
 */
export async function sweepParallel(jobs: SweepJob[], opts: SweepOptions = {}): Promise<SweepRow[]> {
  const helps = opts.mainThread ?? true;
  const want = opts.workers ?? Math.max(helps ? availableParallelism() - 1 : availableParallelism(), helps ? 0 : 1);
  if (!Number.isInteger(want) || want < 0 || (want === 0 && !helps))
    throw new ConfigError(`cell sweep: workers = ${want}: expected an integer >= ${helps ? 0 : 1} [threads]`);
  if (opts.chunk !== undefined && (!Number.isInteger(opts.chunk) || opts.chunk < 1))
    throw new ConfigError(`cell sweep: chunk = ${opts.chunk}: expected a positive integer [discharges]`);
  const n = jobs.length;
  const out: SweepRow[] = new Array(n);
  const stats: SweepStats = opts.stats ?? { main: 0, workers: [], workerReady_ms: [], poolStarted: false, estimatedSerial_s: 0 };
  stats.main = 0;
  stats.workers = Array(want).fill(0);
  stats.workerReady_ms = Array(want).fill(null);
  stats.poolStarted = false;
  stats.estimatedSerial_s = 0;
  const minWork = opts.minPoolWork_s ?? 1;
  if (!(minWork >= 0)) throw new ConfigError(`cell sweep: minPoolWork_s = ${minWork}: expected a time >= 0 [s]`);
  let next = 0;
  const threads = want + (helps ? 1 : 0);
  const take = (cap: number) => {
    if (next >= n) return null;
    const size = opts.chunk ?? Math.max(4, Math.min(200, Math.ceil((n - next) / (2 * threads))));
    const j = { first: next, last: Math.min(n, next + Math.min(size, cap)) };
    next = j.last;
    return j;
  };
  const t0 = performance.now();
  const workers: Worker[] = [];
  const inFlight: number[] = Array(want).fill(0);
  let failed: Error | null = null;
  let done: Promise<void>[] = [];
  const startPool = () => {
    stats.poolStarted = true;
    done = Array.from(
      { length: want },
      (_, wi) =>
        new Promise<void>((resolve) => {
          const w = startWorker(import.meta.url, "sweep_worker", { jobs, numerics: opts.numerics ?? {} });
          workers.push(w);
          w.on("message", (m: { rows?: SweepRow[]; error?: string; ready?: boolean }) => {
            if (m.error) {
              failed ??= new Error(m.error);
              resolve();
              return;
            }
            if (m.ready) stats.workerReady_ms[wi] = performance.now() - t0;
            if (m.rows) {
              for (const r of m.rows) out[r.index] = r;
              stats.workers[wi] += m.rows.length;
              inFlight[wi] = 0;
            }
            const job = failed ? null : take(Infinity);
            if (job) {
              inFlight[wi] = job.last - job.first;
              w.postMessage(job);
            } else {
              void w.terminate();
              resolve();
            }
          });
          w.on("error", (e) => {
            failed ??= e;
            resolve();
          });
          w.on("exit", () => {
            if (inFlight[wi]) failed ??= new Error(`cell sweep: worker ${wi} exited with ${inFlight[wi]} jobs in flight`);
            resolve();
          });
        }),
    );
  };
  if (!helps || minWork === 0) startPool();
  try {
    if (helps) {
      const runner = new SweepRunner(opts.kernels ?? (await loadCore()), jobs, opts.numerics ?? {});
      // main-thread chunks: small (about 10-20 ms of work) so that worker messages wait little
      let first = true;
      for (let job = take(8); job && !failed; job = take(8)) {
        const tc = performance.now();
        for (const r of runner.run(job.first, job.last)) out[r.index] = r;
        stats.main += job.last - job.first;
        if (first && want > 0 && !stats.poolStarted) {
          // the first chunk includes the one-off set-up of its CellSims: an upper estimate per discharge
          stats.estimatedSerial_s = ((n - next) * (performance.now() - tc)) / 1000 / (job.last - job.first);
          if (stats.estimatedSerial_s > minWork) startPool();
        }
        first = false;
        await new Promise((r) => setImmediate(r));
      }
      // queue empty: workers that are not running a chunk (still starting, or idle) are not needed
      workers.forEach((w, wi) => {
        if (!inFlight[wi]) void w.terminate();
      });
    }
    await Promise.all(done);
  } finally {
    for (const w of workers) void w.terminate();
  }
  if (failed) throw failed;
  return out;
}
