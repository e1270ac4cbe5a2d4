/**
 * Discharge sweeps (C-rate x parameter variants) on one thread or a pool of worker threads: each
 * worker loads its own compute core, keeps one CellSim per parameter variant and takes chunks of
 * jobs from a shared queue. Results come back in job order and are identical to `sweepSerial`.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { CellKernels } from "../core/wasm.js";
import { ConfigError } from "../config/errors.js";
import { loadCellParams, resolveCellParams, type ResolvedCellParams } from "./params.js";
import { CellSim, DEFAULT_NUMERICS, runExperiment, type CellNumerics } from "./model.js";
import { parseExperiment } from "./experiment.js";

export interface SweepJob { params: string; overrides?: Record<string, unknown>; cRate: number; cutoff_V: number }
export interface SweepRow { index: number; cRate: number; capacity_Ah_m2: number; capacity_mAh_g: number; time_s: number; steps: number; termination: string }

/** Runs jobs [first, last) on one set of kernels, reusing one CellSim per parameter variant. */
export function sweepSerial(k: CellKernels, jobs: SweepJob[], numerics: Partial<CellNumerics> = {}, first = 0, last = jobs.length): SweepRow[] {
  const num = { ...DEFAULT_NUMERICS, ...numerics };
  const sims = new Map<string, { rp: ResolvedCellParams; sim: CellSim }>();
  const rows: SweepRow[] = [];
  for (let i = first; i < last; i++) {
    const j = jobs[i];
    const key = j.params + JSON.stringify(j.overrides ?? {});
    let e = sims.get(key);
    if (!e) {
      const rp = resolveCellParams(loadCellParams(j.params, j.overrides ?? {}));
      e = { rp, sim: new CellSim(k, rp, num) };
      sims.set(key, e);
    }
    const r = runExperiment(k, e.rp, parseExperiment(`Discharge at ${j.cRate}C until ${j.cutoff_V} V`), { numerics: num, sim: e.sim });
    rows.push({ index: i, cRate: j.cRate, capacity_Ah_m2: r.capacity_Ah_m2.at(-1)!, capacity_mAh_g: r.capacity_mAh_g.at(-1)!, time_s: r.time_s.at(-1)!, steps: r.stats.steps, termination: r.steps[0].termination });
  }
  return rows;
}

function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./sweep_worker.js", import.meta.url), { workerData });
  const src = JSON.stringify(new URL("./sweep_worker.ts", import.meta.url).href);
  return new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${src}); });`, { eval: true, workerData });
}

export async function sweepParallel(jobs: SweepJob[], opts: { workers?: number; chunk?: number; numerics?: Partial<CellNumerics> } = {}): Promise<SweepRow[]> {
  const chunk = opts.chunk ?? 20;
  const want = opts.workers ?? availableParallelism();
  if (!Number.isInteger(want) || want < 1) throw new ConfigError(`cell sweep: workers = ${want}: expected a positive integer [threads]`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new ConfigError(`cell sweep: chunk = ${chunk}: expected a positive integer [discharges]`);
  const nw = Math.min(want, Math.ceil(jobs.length / chunk));
  const out: SweepRow[] = new Array(jobs.length);
  let next = 0;
  const take = () => { if (next >= jobs.length) return null; const j = { first: next, last: Math.min(jobs.length, next + chunk) }; next = j.last; return j; };
  const workers: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: nw }, () => new Promise<void>((resolve, reject) => {
      const w = startWorker({ jobs, numerics: opts.numerics ?? {} });
      workers.push(w);
      w.on("message", (m: { rows?: SweepRow[]; error?: string }) => {
        if (m.error) { reject(new Error(m.error)); return; }
        if (m.rows) for (const r of m.rows) out[r.index] = r;
        const job = take();
        if (job) w.postMessage(job); else { void w.terminate(); resolve(); }
      });
      w.on("error", reject);
    })));
  } finally {
    for (const w of workers) void w.terminate();
  }
  return out;
}
