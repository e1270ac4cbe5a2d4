/**
 * Where the slabs of a slab solve live: all in this thread (`localGroup`, one compute core each) or a contiguous
 * range of them per worker thread (`workerGroup`, slab_worker.ts). Both answer the same phases (SlabOp) with the
 * partial sums of each of their slabs, so the flexible CG in slabs.ts does not know which it drives; the sums are
 * added in slab order, so the result does not depend on the number of workers.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../core/worker.js";
import { loadCore } from "../core/wasm.js";
import { ConfigError } from "../config/errors.js";
import { SlabSolver, type SlabOp, type SlabPlanes } from "./slab_solver.js";
import type { SolverOptions } from "./solver.js";

/** What every slab needs to set itself up (plain data: it crosses to the workers). */
export interface SlabSpec {
  /** first plane of each slab and the global plane count; n1 x n2 the lateral shape */
  starts: number[];
  n0: number;
  n1: number;
  n2: number;
  /** planes each slab holds of each neighbour */
  overlap: number;
  periodic: [boolean, boolean];
  options: Partial<SolverOptions>;
  /** the spanning network, 0/1 per cell in internal order (network.ts) */
  kept: ArrayBufferLike;
  /** the exchanged planes (makeFaces) */
  faces: ArrayBufferLike;
}

/** The planes slab s of `spec` owns and holds. */
export function slabPlanes(spec: SlabSpec, s: number): SlabPlanes {
  const S = spec.starts.length;
  const i0 = spec.starts[s],
    i1 = s + 1 < S ? spec.starts[s + 1] : spec.n0;
  return {
    s,
    slabs: S,
    i0,
    i1,
    e0: Math.max(0, i0 - spec.overlap),
    e1: Math.min(spec.n0, i1 + spec.overlap),
    n0: spec.n0,
    overlap: spec.overlap,
  };
}

export interface SlabSetup {
  /** network cells held, multigrid levels, memory estimate and workspace used [bytes] */
  nSpanning: number;
  levels: number;
  estimate_bytes: number;
  used_bytes: number;
}

export interface SlabGroup {
  /** Slabs first .. first + count - 1. */
  readonly first: number;
  readonly count: number;
  setup(): Promise<SlabSetup[]>;
  op(name: SlabOp, a: number, beta: number, first: boolean): Promise<number[][]>;
  close(): Promise<void>;
}

/** Builds slab s of `spec` in a compute core of its own. */
export async function makeSlab(spec: SlabSpec, s: number, module?: WebAssembly.Module): Promise<{ slab: SlabSolver; setup: SlabSetup }> {
  const k = await loadCore({ module });
  const pl = slabPlanes(spec, s);
  const m = spec.n1 * spec.n2;
  const slab = new SlabSolver(k, pl, [spec.n1, spec.n2], spec.periodic, spec.options, new Float64Array(spec.faces));
  const nSpanning = slab.setup(new Uint8Array(spec.kept, pl.e0 * m, (pl.e1 - pl.e0) * m));
  return { slab, setup: { nSpanning, levels: slab.levels.length, ...slab.memoryUse() } };
}

/** Every slab in this thread, one after the other. */
export function localGroup(spec: SlabSpec, module?: WebAssembly.Module): SlabGroup {
  const slabs: SlabSolver[] = [];
  return {
    first: 0,
    count: spec.starts.length,
    async setup() {
      const out: SlabSetup[] = [];
      for (let s = 0; s < spec.starts.length; s++) {
        const { slab, setup } = await makeSlab(spec, s, module);
        slabs.push(slab);
        out.push(setup);
      }
      return out;
    },
    async op(name, a, beta, first) {
      return slabs.map((sl) => sl.op(name, a, beta, first));
    },
    async close() {
      slabs.length = 0;
    },
  };
}

/** Slabs first .. first + count - 1 on one worker thread (slab_worker.ts), one compute core each. */
export function workerGroup(spec: SlabSpec, first: number, count: number, module: WebAssembly.Module): SlabGroup {
  let worker: Worker | undefined;
  let pending: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;
  let lastError = "";
  const call = <R>(msg: unknown): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      pending = { resolve: resolve as (v: unknown) => void, reject };
      worker!.postMessage(msg);
    });
  return {
    first,
    count,
    setup() {
      worker = startWorker(import.meta.url, "slab_worker", { spec, first, count, module });
      worker.on("message", (m: { result?: unknown; error?: string }) => {
        const p = pending;
        pending = undefined;
        if (m.error !== undefined) p?.reject(new ConfigError(m.error));
        else p?.resolve(m.result);
      });
      worker.on("error", (e) => {
        lastError = e instanceof Error ? e.message : String(e);
      });
      worker.on("exit", (code) => {
        const p = pending;
        pending = undefined;
        p?.reject(
          new ConfigError(
            `transport: the worker holding slabs ${first + 1}-${first + count} stopped (exit code ${code}${lastError ? `: ${lastError.split("\n")[0]}` : ""})`,
          ),
        );
      });
      return call<SlabSetup[]>({ op: "setup" });
    },
    op(name, a, beta, firstStep) {
      return call<number[][]>({ op: name, a, beta, first: firstStep });
    },
    async close() {
      if (worker) await worker.terminate();
      worker = undefined;
    },
  };
}
