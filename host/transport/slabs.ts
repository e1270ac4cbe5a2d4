/**
 * A binary transport problem solved in slabs along the transport axis, each slab in its own compute core: the
 * way past the 4 GiB of one wasm32 instance (a 512^3 volume needs ~11 GiB), and the way to put both cores on one
 * network (slabs on worker threads).
 *
 * The solve is the flexible CG of assembly/transport/krylov.ts over the whole network, run from here: each slab
 * forms its part of every product and dot product (slab_solver.ts), the interface planes are corrected from the
 * neighbours' planes, and the sums are added in slab order (the result does not depend on the number of workers).
 * The preconditioner is restricted additive Schwarz: each slab's own multigrid cycle on its planes plus `overlap`
 * planes of each neighbour, kept on the planes it owns. There is no global coarse correction, so a solve takes 2-2.5x
 * the iterations of one instance (bench/transport_slabs.ts; without overlap it took 6-15x on sph_s80_64). The stopping rule is the
 * tau rule of krylov.ts on the global decrements.
 * The spanning network is found on the whole grid first (network.ts), since no slab can tell on its own.
 */
import { freemem } from "node:os";
import { coreModule } from "../core/wasm.js";
import { MAX_HEAP_BYTES } from "../core/heap.js";
import { ConfigError, inputError } from "../config/errors.js";
import { keepSpanning } from "./network.js";
import { localGroup, workerGroup, type SlabGroup, type SlabSetup, type SlabSpec } from "./slab_group.js";
import { makeFaces, type SlabOp } from "./slab_solver.js";
import { noPathSolve, solverBytes, stopRule, userSolverOptions, type GridSolve, type SolverOptions } from "./solver.js";
import { resolveAxis, resolvePeriodic } from "./defaults.js";
import { fillSigma, gridOrder, summarize, validateRequest, type TransportRequest, type TransportResult } from "./tortuosity.js";
import { checkVolume, type Volume } from "./volume_type.js";

export interface SlabOptions {
  /** Slabs (default: the fewest whose workspaces each fit `maxSlabBytes`, and at least one per worker). */
  slabs?: number;
  /** Worker threads holding the slabs (default 1: every slab in this thread). */
  workers?: number;
  /** Largest workspace of one slab [bytes] (default 3.5 GiB, below the 4 GiB of a wasm32 instance). */
  maxSlabBytes?: number;
  /** Planes each slab holds of each neighbour (the Schwarz overlap; default OVERLAP_DEFAULT). */
  overlap?: number;
  /** Called after every iteration with the tau rule's estimate of the relative error (0 until it has one). */
  onIteration?: (iteration: number, errorEstimate: number) => void;
}

export interface SlabSolve extends GridSolve {
  slabs: {
    count: number;
    workers: number;
    /** first plane of each slab along the transport axis */
    starts: number[];
    /** per slab: the set-up's estimate and the workspace used [bytes] */
    memory: { estimate_bytes: number; used_bytes: number }[];
  };
}

export const MAX_SLAB_BYTES_DEFAULT = 3.5 * 2 ** 30;
export const OVERLAP_DEFAULT = 8;
/** Thinnest slab [planes]: two 2x2x2 aggregation steps inside it before a block has to be cut. */
const MIN_SLAB_PLANES = 4;

/** The first plane of each slab: `count` slabs of near-equal, even thickness. */
function slabStarts(n0: number, count: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < count; s++) out.push(2 * Math.round((n0 * s) / count / 2));
  return out;
}

/**
 * How a grid is cut: the fewest slabs whose workspaces fit `maxSlabBytes` (at least `slabs` and one per worker).
 * Refuses, before anything is allocated, a cut that leaves slabs thinner than MIN_SLAB_PLANES or a set of slabs
 * the machine's free memory does not hold.
 */
export function planSlabs(shape: [number, number, number], o: SlabOptions = {}): { starts: number[]; bytes: number[]; overlap: number } {
  const [n0, n1, n2] = shape;
  const workers = o.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw inputError("transport: workers", workers, "a positive integer", "threads");
  if (o.slabs !== undefined && !(Number.isInteger(o.slabs) && o.slabs >= 1))
    throw inputError("transport: slabs", o.slabs, "a positive integer", "slabs");
  const max = o.maxSlabBytes ?? MAX_SLAB_BYTES_DEFAULT;
  if (!(max > 0 && max <= MAX_HEAP_BYTES)) throw inputError("transport: maxSlabBytes", max, `a size in (0, ${MAX_HEAP_BYTES}]`, "bytes");
  const overlap = o.overlap ?? OVERLAP_DEFAULT;
  if (!(Number.isInteger(overlap) && overlap >= 1)) throw inputError("transport: overlap", overlap, "an integer >= 1", "planes");
  // the thickest slab whose workspace (its planes + 2 overlap) fits max, then as few slabs as that allows
  let lo = 0,
    hi = n0 + 2 * overlap;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (solverBytes([mid, n1, n2], "pcg", "slab") <= max) lo = mid;
    else hi = mid - 1;
  }
  const byMemory = Math.ceil(n0 / Math.max(1, lo - 2 * overlap));
  const count = Math.max(o.slabs ?? 1, workers, byMemory);
  const starts = slabStarts(n0, count);
  const held = starts.map((i0, s) => Math.min(n0, (starts[s + 1] ?? n0) + overlap) - Math.max(0, i0 - overlap));
  const bytes = held.map((h) => solverBytes([h, n1, n2], "pcg", "slab"));
  const thinnest = Math.min(...starts.map((i0, s) => (starts[s + 1] ?? n0) - i0));
  // (an overlap reaching across most of a neighbour made restricted additive Schwarz stagnate: 4 slabs of 16 planes
  // with 16 planes of overlap, measured on sph_s80_64)
  const least = Math.max(MIN_SLAB_PLANES, 2 * overlap);
  if (thinnest < least)
    throw new ConfigError(
      `transport: ${count} slabs of a grid ${n0} planes long along the transport axis leave slabs of ${thinnest} planes; at least ${least} are needed (twice the overlap of ${overlap}; fewer slabs or workers)`,
    );
  if (Math.max(...bytes) > MAX_HEAP_BYTES)
    throw new ConfigError(
      `transport: a slab of ${n1}x${n2} planes needs more than the 4 GiB of one wasm32 instance even ${MIN_SLAB_PLANES} planes thick`,
    );
  const total = bytes.reduce((a, b) => a + b, 0);
  if (total > 0.9 * freemem())
    throw new ConfigError(
      `transport: the ${n0}x${n1}x${n2} grid needs about ${(total / 2 ** 30).toFixed(1)} GiB in ${count} slabs; this machine has ${(freemem() / 2 ** 30).toFixed(1)} GiB free: crop the volume or use a coarser voxel size`,
    );
  return { starts, bytes, overlap };
}

// The tau rule of assembly/transport/krylov.ts (the same constants), on the global decrements.
const SAFETY = 10;
const MIN_IT = 4;

/**
 * Solves the unit-conductivity problem on the cells of `on` (0/1 per cell, internal order: transport axis first;
 * overwritten with the spanning network) in slabs. `solver`: the options of a user-facing solve (userSolverOptions).
 */
export async function solveSlabs(
  on: Uint8Array,
  shape: [number, number, number],
  periodic: [boolean, boolean],
  solver: SolverOptions,
  o: SlabOptions = {},
): Promise<SlabSolve> {
  const t0 = performance.now();
  if (solver.method !== "pcg") throw new ConfigError('transport: a volume solved in slabs needs solver.method "pcg"');
  const { starts, overlap } = planSlabs(shape, o);
  const [n0, n1, n2] = shape;
  const S = starts.length;
  const workers = Math.min(o.workers ?? 1, S);
  if (on.length !== n0 * n1 * n2)
    throw inputError("transport: cells", on.length, `${n0}x${n1}x${n2} = ${n0 * n1 * n2} (the grid)`, "cells");
  // (the slabs hold unit fields only: their workspace has no conductance arrays)
  const bad = on.findIndex((x) => x > 1);
  if (bad >= 0) throw inputError(`transport: cell ${bad}`, on[bad], "0 or 1 (one conducting phase of conductivity 1)");
  const rule = stopRule(solver);
  const tau = rule.stop === "tau";
  const { nActive, nSpanning } = keepSpanning(on, shape, periodic);
  const info = (mem: SlabSolve["slabs"]["memory"]) => ({ count: S, workers, starts, memory: mem });
  const mem = { estimate_bytes: 0, used_bytes: 0 };
  if (nSpanning === 0) return { ...noPathSolve(solver, nActive, 0, (performance.now() - t0) / 1000, mem), slabs: info([]) };
  // the slabs read their planes of the network from one buffer of its own: shared memory when they are on workers
  const shared = workers > 1;
  let kept = on.buffer as ArrayBufferLike;
  if (on.byteOffset !== 0 || on.buffer.byteLength !== on.length || (shared && !(kept instanceof SharedArrayBuffer))) {
    const copy = new Uint8Array(shared ? new SharedArrayBuffer(on.length) : new ArrayBuffer(on.length));
    copy.set(on);
    kept = copy.buffer;
  }
  const spec: SlabSpec = {
    starts,
    n0,
    n1,
    n2,
    overlap,
    periodic,
    options: { ...solver, compact: false },
    kept,
    faces: makeFaces(S, n1 * n2, overlap, shared),
  };
  const module = await coreModule();
  const groups: SlabGroup[] = [];
  if (workers <= 1) groups.push(localGroup(spec, module));
  else {
    let first = 0;
    for (let w = 0; w < workers; w++) {
      const count = Math.floor((S * (w + 1)) / workers) - Math.floor((S * w) / workers);
      groups.push(workerGroup(spec, first, count, module));
      first += count;
    }
  }
  try {
    const setups: SlabSetup[] = (await Promise.all(groups.map((g) => g.setup()))).flat();
    // every phase on every slab; the partial sums added in slab order
    const all = async (name: SlabOp, a = 0, beta = 0, first = false): Promise<number[]> => {
      const parts = (await Promise.all(groups.map((g) => g.op(name, a, beta, first)))).flat();
      const sum: number[] = [];
      for (const p of parts) p.forEach((v, i) => (sum[i] = (sum[i] ?? 0) + v));
      return sum;
    };
    const rtol = rule.rtol;
    let [rr, rx, bx, gIn, bb] = await all("init");
    const bn = Math.sqrt(bb);
    let res = Math.sqrt(rr) / bn;
    let it = 0,
      status: GridSolve["status"] = "converged",
      pw = gIn - bx - rx,
      dPrev = 0,
      rho1 = 0,
      rho2 = 0,
      rho3 = 0,
      perr = 0,
      tauMet = false,
      a = 0,
      pending = false;
    if (res > rtol) {
      let [rz] = await all("precond");
      let beta = 0,
        first = true;
      while (it < solver.maxIterations) {
        const [pq, pr] = await all("direction", a, beta, first);
        first = false;
        pending = false;
        if (!(pq > 0)) {
          status = "breakdown";
          break;
        }
        a = pr / pq;
        [rr] = await all("axpy", a);
        pending = true;
        it++;
        res = Math.sqrt(rr) / bn;
        if (res <= rtol) break;
        if (tau) {
          const d = a * pr;
          pw -= d;
          rho3 = rho2;
          rho2 = rho1;
          rho1 = dPrev > 0 ? d / dPrev : 1;
          dPrev = d;
          const rho = Math.max(rho1, rho2, rho3);
          o.onIteration?.(it, rho < 1 ? (SAFETY * d * rho) / (1 - rho) / pw : 0);
          if (it >= MIN_IT && ((rho < 1 && (SAFETY * d * rho) / (1 - rho) <= solver.tauRtol * pw) || d <= 1e-15 * pw)) {
            perr = rho < 1 ? (SAFETY * d * rho) / (1 - rho) / pw : 0;
            tauMet = true;
            break;
          }
        } else o.onIteration?.(it, 0);
        if (it >= solver.maxIterations) break;
        const [rzNew, zq] = await all("precond");
        beta = (-a * zq) / rz;
        rz = rzNew;
      }
    }
    [rr, rx, bx, gIn] = await all("finish", pending ? a : 0);
    res = Math.sqrt(rr) / bn;
    if (status === "converged" && res > rtol && !tauMet) status = Number.isNaN(res) ? "breakdown" : "not-converged";
    const fluxes = (await Promise.all(groups.map((g) => g.op("flux", 0, 0, false)))).flat();
    const fluxIn = fluxes[0][0],
      fluxOut = fluxes[S - 1][1];
    return {
      status,
      method: "pcg",
      iterations: it,
      residual: res,
      ...rule,
      tauErrorEstimate: perr,
      current: gIn - bx - rx,
      fluxIn,
      fluxOut,
      fluxImbalance: Math.abs(fluxIn - fluxOut) / Math.max(Math.abs(fluxIn), Math.abs(fluxOut), Number.MIN_VALUE),
      nActive,
      nPercolating: nSpanning,
      levels: Math.max(...setups.map((x) => x.levels)),
      seconds: (performance.now() - t0) / 1000,
      memory: {
        estimate_bytes: Math.max(...setups.map((s) => s.estimate_bytes)),
        used_bytes: Math.max(...setups.map((s) => s.used_bytes)),
      },
      slabs: info(setups.map(({ estimate_bytes, used_bytes }) => ({ estimate_bytes, used_bytes }))),
    };
  } finally {
    await Promise.all(groups.map((g) => g.close()));
  }
}

/**
 * One binary transport request (`transport()`'s request: one conducting phase) solved in slabs: what `transport()`
 * returns, with the slabs in `solve.slabs`. Multi-phase conductivities are refused (the slab kernels hold unit fields).
 */
export async function transportSlabs(
  v: Volume,
  req: TransportRequest,
  o: SlabOptions = {},
): Promise<TransportResult & { solve: SlabSolve }> {
  checkVolume(v);
  const { axis, source: axisSource } = resolveAxis(v, "volume", req.axis, "transport: axis");
  const { table, codes, name, mode } = validateRequest(v, { ...req, axis });
  if (mode !== "binary")
    throw new ConfigError(
      `transport: sigma_S_m = ${JSON.stringify(req.sigma_S_m)}: a volume solved in slabs takes one conducting phase (phase), not conductivities per phase`,
    );
  const { periodic, source: periodicSource } = resolvePeriodic(v, "volume", axis, req.periodic, "request");
  const { shape3 } = gridOrder(v.shape, axis);
  const solver = userSolverOptions(req.solver);
  planSlabs(shape3, o);
  // (a binary request's table holds 0 and 1)
  const on = new Uint8Array(shape3[0] * shape3[1] * shape3[2]);
  fillSigma(v, axis, table, on);
  const s = await solveSlabs(on, shape3, [periodic, periodic], solver, o);
  return {
    ...summarize(v, axis, periodic, mode, name, codes, table, s),
    solve: s,
    axisSource: axisSource === "transport: axis" ? "request" : axisSource,
    periodicSource,
  };
}
