/**
 * Lays out a conduction problem on a voxel grid in kernel memory (the memory map of
 * assembly/transport/layout.ts) and runs the kernels of assembly/transport/ in their phases. A
 * `GridSolver` owns the workspace for one grid shape and can solve many conductivity fields of that
 * shape without new set-up (image batches). `reference.ts` is the plain specification of the same solve.
 */
import * as T from "../../assembly/transport/layout.js";
import { MAX_HEAP_BYTES, HeapOverflowError } from "../core/heap.js";
import type { TransportKernels } from "../core/wasm.js";
import { ConfigError } from "../config/errors.js";

export type SolverMethod = "pcg" | "sor";

export interface SolverOptions {
  /** "pcg": flexible conjugate gradients + an aggregation-multigrid cycle (default); "sor": red-black SOR (baseline). */
  method: SolverMethod;
  /** Stop when ||b - A x||_2 / ||b||_2 <= rtol (the residual rule: used when tauRtol is 0, and by SOR). */
  rtol: number;
  /**
   * The tau rule (pcg; 0 = off): stop when the estimated relative error of the current, and so of D_eff and tau,
   * is <= tauRtol (assembly/transport/krylov.ts: the energy decrements of CG with a safety factor of 10). The
   * residual rule is then only a floor (RTOL_FLOOR) where x is exact to round-off.
   */
  tauRtol: number;
  /** CG iterations or SOR sweeps. */
  maxIterations: number;
  /** SOR relaxation factor (default: 2/(1 + sin(pi/N)), N = the longest grid dimension). */
  omega?: number;
  /** SOR: residual check every this many sweeps. */
  checkEvery: number;
  /** Multigrid: Gauss-Seidel sweeps before and after each coarse correction. */
  smoothingSweeps: number;
  /** Multigrid: symmetric sweep pairs on the coarsest level (unless it has at most DENSE_MAX nodes: then a dense Cholesky solve). */
  coarseSweeps: number;
  /** Multigrid: coarse-correction scale of the V-cycle (unsmoothed aggregation under-corrects by about 2). */
  coarseScale: number;
  /** Multigrid cycle: "K" (two flexible-CG steps per coarse level, level-independent convergence; default) or "V". */
  cycle: "K" | "V";
  /** Level 0 as one i32 link mask per cell when all conductances are 0/1 (one phase, sigma 1): bit-identical, less memory traffic. */
  linkMask: boolean;
  /**
   * Multigrid aggregates: "blocks" (2x2x2 blocks, structured coarse grids) or "components" (default: each
   * 2x2x2 block split into the connected components of its cells/nodes, sparse coarse levels built per
   * solve; on porous networks about half the CG iterations, e.g. 33 -> 16 on the 200^3 benchmark).
   */
  aggregation: "blocks" | "components";
  /**
   * Level 0 and the CG on the network cells only (node arrays) when the link mask is in use and the
   * aggregation is "components" (default): same bits as the grid path, about half the memory traffic on
   * a network that fills a third of the grid.
   */
  compact: boolean;
}

export const SOLVER_DEFAULTS: SolverOptions = {
  method: "pcg",
  rtol: 1e-10,
  tauRtol: 0,
  maxIterations: 20000,
  checkEvery: 10,
  smoothingSweeps: 1,
  coarseSweeps: 6,
  coarseScale: 1.8,
  cycle: "K",
  linkMask: true,
  aggregation: "components",
  compact: true,
};

/** The tau rule's default: tau to 1e-6 (relative), what `transport()` and the CLI ask for unless told otherwise. */
export const TAU_RTOL_DEFAULT = 1e-6;
/** Under the tau rule, the residual at which x is taken as exact (a residual-free field, e.g. straight channels). */
export const RTOL_FLOOR = 1e-14;

/**
 * The solver options a user-facing entry (`transport()`, the CLI, image batches, the pipeline) runs with: the
 * tau rule to TAU_RTOL_DEFAULT unless the caller sets tauRtol, or sets rtol alone (then the residual rule).
 */
export function userSolverOptions(o: Partial<SolverOptions> = {}): SolverOptions {
  const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<SolverOptions>;
  const tauRtol = given.tauRtol ?? (given.rtol !== undefined ? 0 : TAU_RTOL_DEFAULT);
  return { ...SOLVER_DEFAULTS, ...given, tauRtol };
}

export type SolveStatus = "converged" | "not-converged" | "breakdown" | "no-path";
const STATUS: Record<number, SolveStatus> = {
  [T.TST_OK]: "converged",
  [T.TST_NOT_CONVERGED]: "not-converged",
  [T.TST_BREAKDOWN]: "breakdown",
  [T.TST_NO_PATH]: "no-path",
};

export interface GridSolve {
  status: SolveStatus;
  method: SolverMethod;
  iterations: number;
  /** Final relative residual ||b - A x|| / ||b||. */
  residual: number;
  rtol: number;
  /** Which rule stopped the solve: "tau" (tauRtol > 0 and pcg) or "residual". */
  stop: "tau" | "residual";
  tauRtol: number;
  /** The tau rule's estimate of the relative error of `current` when it stopped (0: the residual rule stopped it). */
  tauErrorEstimate: number;
  /**
   * The current at a unit drop from the dissipated power sum g dphi^2 (voxel units): above the exact current by
   * ||x - x*||_A^2, second order in the error of x (the face currents fluxIn/fluxOut are first order). D_eff uses it.
   */
  current: number;
  /** Currents through the inlet and outlet faces (voxel units, potential drop 1). */
  fluxIn: number;
  fluxOut: number;
  /** |in - out| / max(|in|, |out|). */
  fluxImbalance: number;
  /** Cells with a non-zero conductivity, and those joined to both electrode faces. */
  nActive: number;
  nPercolating: number;
  levels: number;
  seconds: number;
  /** Memory: the estimate the set-up checked before allocating (solverBytes) and the workspace this solve used [bytes]. */
  memory: { estimate_bytes: number; used_bytes: number };
}

/**
 * How a GridSolver lays out its workspace: "full" (any field, every option) or "slab" (one slab of a volume solved
 * in slabs, slab_solver.ts: a unit field, pcg with component aggregation, level 0 on the link mask and on the grid;
 * no conductance arrays, 84 instead of 132 bytes per cell).
 */
export type SolverLayout = "full" | "slab";

/** Coarse levels' share of solverBytes per level-0 cell (10 f64 arrays over 1/7 of the cells). */
const COARSE_BYTES_PER_CELL = (8 * 10) / 7;

/** Bytes a solve of n cells (lateral layer m cells) needs, for the refuse-before-allocating check. */
export function solverBytes(shape: [number, number, number], method: SolverMethod, layout: SolverLayout = "full"): number {
  const [n0, n1, n2] = shape;
  const n = n0 * n1 * n2;
  // one slab of a larger volume (slab_solver.ts): level 0 on the link mask, no conductance arrays, no compact level
  if (layout === "slab") return Math.ceil(n * (8 + 8 * 5 + 1 + 4 + 4 + 4 + 2 * COARSE_BYTES_PER_CELL) + 16 * n1 * n2 + 8 * n0 * n1 + 65536);
  // level 0: 7 f64 arrays + the potential, residual and 3 CG vectors + marks + link mask; coarse levels (sum 1/7 of
  // the cells): 10 f64 arrays (component aggregation: + an i32 aggregate map on level 0; the region for its sparse
  // coarse levels starts at COARSE_BYTES_PER_CELL and doubles when a field needs more: on the porous networks
  // measured (sph_s80_64, 120^3 and 200^3 two-sphere volumes, SE and AM) it grew once, so the estimate counts
  // twice that) (+ 4: the runs of network cells, S_RUNS)
  const perCell = method === "pcg" ? 8 * 7 + 8 * 5 + 1 + 4 + 4 + 4 + 2 * COARSE_BYTES_PER_CELL : 8 * 7 + 8 * 2 + 1 + 4 + 4;
  return Math.ceil(n * perCell + 16 * n1 * n2 + 8 * n0 * n1 + 65536);
}

/** The stopping rule of a solve with options `o` (the tau rule needs pcg) and its tolerances. */
export function stopRule(o: SolverOptions): { stop: "tau" | "residual"; rtol: number; tauRtol: number } {
  const tau = o.method === "pcg" && o.tauRtol > 0;
  return { stop: tau ? "tau" : "residual", rtol: tau ? RTOL_FLOOR : o.rtol, tauRtol: tau ? o.tauRtol : 0 };
}

/** The result of a solve whose phase joins no electrode face to the other (no iteration). */
export function noPathSolve(o: SolverOptions, nActive: number, levels: number, seconds: number, memory: GridSolve["memory"]): GridSolve {
  return {
    status: "no-path",
    method: o.method,
    iterations: 0,
    residual: 0,
    ...stopRule(o),
    tauErrorEstimate: 0,
    current: 0,
    fluxIn: 0,
    fluxOut: 0,
    fluxImbalance: 0,
    nActive,
    nPercolating: 0,
    levels,
    seconds,
    memory,
  };
}

/** Refuses solver settings outside their ranges (a clear error instead of a breakdown or an endless solve). */
function checkSolverNumbers(o: SolverOptions): void {
  const bad = (field: string, v: unknown, want: string) =>
    new ConfigError(`transport: solver.${field} = ${JSON.stringify(v)}: expected ${want}`);
  const int = (field: keyof SolverOptions, min: number, why = "") => {
    const v = o[field];
    if (!(Number.isInteger(v) && (v as number) >= min)) throw bad(field, v, `an integer >= ${min}${why}`);
  };
  if (!(Number.isFinite(o.rtol) && o.rtol >= 0)) throw bad("rtol", o.rtol, "a relative residual >= 0 (e.g. 1e-8) [-]");
  if (!(o.tauRtol === 0 || (o.tauRtol >= 1e-12 && o.tauRtol <= 0.1)))
    throw bad("tauRtol", o.tauRtol, "0 (the residual rule) or a relative tolerance of tau in [1e-12, 0.1] (e.g. 1e-6) [-]");
  int("maxIterations", 0);
  int("checkEvery", 1);
  // without smoothing the multigrid cycle is a low-rank coarse correction, not an SPD preconditioner: CG breaks down
  int("smoothingSweeps", 1, " (the cycle needs a smoother to be a valid CG preconditioner)");
  int("coarseSweeps", 1);
  if (!(Number.isFinite(o.coarseScale) && o.coarseScale > 0)) throw bad("coarseScale", o.coarseScale, "a number > 0 [-]");
  if (o.omega !== undefined && !(o.omega > 0 && o.omega < 2)) throw bad("omega", o.omega, "a relaxation factor in (0, 2) [-]");
}

/** Grid sizes of the multigrid hierarchy: 2x2x2 aggregation until a level has at most 64 cells. */
export function levelShapes(shape: [number, number, number]): [number, number, number][] {
  const out: [number, number, number][] = [shape];
  let s = shape;
  while (s[0] * s[1] * s[2] > 64 && Math.max(...s) > 1) {
    s = s.map((n) => (n > 1 ? (n + 1) >> 1 : 1)) as [number, number, number];
    out.push(s);
  }
  return out;
}

export class GridSolver {
  readonly n: number;
  readonly levels: [number, number, number][];
  protected readonly sys: number;
  protected readonly lvPtr: number[] = [];
  private readonly mark0: number;
  private readonly markCoarse: number;
  /** Component aggregation: heap top = end of the region reserved for the sparse coarse levels (built per solve). */
  private coarseEnd = -1;

  readonly opts: SolverOptions;

  constructor(
    protected readonly k: TransportKernels,
    readonly shape: [number, number, number],
    readonly periodic: [boolean, boolean],
    options: Partial<SolverOptions> = SOLVER_DEFAULTS,
    readonly layout: SolverLayout = "full",
  ) {
    // an option left out (or undefined) takes the documented default, in the set-up and in every solve alike
    const opts = { ...SOLVER_DEFAULTS } as SolverOptions;
    for (const [key, v] of Object.entries(options)) if (v !== undefined) (opts as unknown as Record<string, unknown>)[key] = v;
    this.opts = opts;
    const [n0, n1, n2] = shape;
    if (![n0, n1, n2].every((v) => Number.isInteger(v) && v >= 1))
      throw new ConfigError(`transport: grid shape [${shape}] must be positive integers [voxels]`);
    this.n = n0 * n1 * n2;
    if (opts.cycle !== "K" && opts.cycle !== "V")
      throw new ConfigError(`transport: solver.cycle = ${JSON.stringify(opts.cycle)}: expected "K" or "V"`);
    checkSolverNumbers(opts);
    const agg = opts.aggregation;
    if (agg !== "blocks" && agg !== "components")
      throw new ConfigError(`transport: solver.aggregation = ${JSON.stringify(opts.aggregation)}: expected "blocks" or "components"`);
    const comp = agg === "components" && opts.method === "pcg";
    const slab = layout === "slab";
    if (slab && !(comp && opts.linkMask !== false))
      throw new ConfigError('transport: a slab solve needs solver.method "pcg", aggregation "components" and linkMask true');
    const need = solverBytes(shape, opts.method, layout);
    const heap = k.heap;
    if (heap.used + need > MAX_HEAP_BYTES) {
      throw new ConfigError(
        `transport: grid ${n0}x${n1}x${n2} = ${this.n} voxels needs about ${(need / 2 ** 20).toFixed(0)} MiB for the ${opts.method} solver, more than the 4096 MiB of wasm32 memory (${((MAX_HEAP_BYTES - heap.used) / 2 ** 20).toFixed(0)} MiB free); crop the volume or use a coarser voxel size`,
      );
    }
    this.mark0 = heap.used;
    this.levels = opts.method === "pcg" ? levelShapes(shape) : [shape];
    // the work arrays are written by the kernels before they are read (tpBuild, tpPercolate, the cycles), so they
    // are not zeroed (a pass over ~100 bytes per cell when a workspace is re-used); S_ZERO and the headers are
    const f64 = (count: number) => heap.alloc(count * 8, 16, false);
    const i32 = (count: number) => heap.alloc(count * 4, 16, false);
    this.sys = heap.alloc(T.HEADER_SLOTS * 8, 16);
    const lvBlock = heap.alloc(this.levels.length * T.LEVEL_SLOTS * 8, 16);
    const m = n1 * n2;
    const ptrs: Record<number, number> = {
      [T.S_GIN]: f64(m),
      [T.S_GOUT]: f64(m),
      [T.S_XS]: f64(this.n),
      [T.S_R]: f64(this.n),
      [T.S_MARK]: heap.alloc(this.n, 16, false),
      [T.S_LMASK]: i32(this.n + 1),
      [T.S_ZERO]: heap.alloc(n2 * 8, 16),
      // runs of network cells along k: n0*n1 + 1 row starts, at most ceil(n2/2) runs of 2 i32 per row
      [T.S_RUNS]: i32(this.n + 2 * n0 * n1 + 3),
    };
    // (+1: the zero slot of the compact level, read where a node has no link)
    if (opts.method === "pcg") {
      ptrs[T.S_P] = f64(this.n + 1);
      ptrs[T.S_Q] = f64(this.n);
      ptrs[T.S_Z] = f64(this.n + 1);
    }
    // work arrays of the set-up phases in arrays whose solve-phase contents do not exist yet (the table in
    // layout.ts): every role its own slot, no array of its own (each would add 4-8 bytes per cell)
    ptrs[T.S_UF] = ptrs[T.S_XS];
    ptrs[T.S_NODEOF] = ptrs[T.S_XS];
    ptrs[T.S_NBR] = ptrs[T.S_R];
    ptrs[T.S_BLK] = ptrs[T.S_R] + 4 * this.n;
    ptrs[T.S_RUNOF] = ptrs[T.S_LMASK];
    if (comp) {
      ptrs[T.S_MEMBERS] = ptrs[T.S_XS];
      ptrs[T.S_AGPAR] = ptrs[T.S_P];
      ptrs[T.S_MSTART] = ptrs[T.S_Q];
      ptrs[T.S_ROWMARK] = ptrs[T.S_Z];
    }
    const lvSlots: Record<number, number>[] = [];
    this.levels.forEach((s, l) => {
      const nl = s[0] * s[1] * s[2];
      if (comp) {
        // components: level 0 as usual plus its aggregate map; coarse levels are built per solve
        lvSlots.push(
          l === 0 && slab
            ? { [T.L_RW]: f64(nl), [T.L_AGG]: i32(nl) }
            : l === 0
              ? {
                  [T.L_GX]: f64(nl + 1),
                  [T.L_GY]: f64(nl),
                  [T.L_GZ]: f64(nl),
                  [T.L_DD]: f64(nl),
                  [T.L_DIAG]: f64(nl),
                  [T.L_RW]: f64(nl),
                  [T.L_BPROB]: f64(nl),
                  [T.L_AGG]: i32(nl),
                }
              : {},
        );
        return;
      }
      const slots: Record<number, number> = {
        [T.L_GX]: f64(nl),
        [T.L_GY]: f64(nl),
        [T.L_GZ]: f64(nl),
        [T.L_DD]: f64(nl),
        [T.L_DIAG]: f64(nl),
        [T.L_RW]: f64(nl),
      };
      if (l === 0) slots[T.L_BPROB] = f64(nl);
      else {
        slots[T.L_X] = f64(nl);
        slots[T.L_B] = f64(nl);
      }
      if (l > 0 && opts.cycle === "K") {
        slots[T.L_C1] = f64(nl);
        slots[T.L_V1] = f64(nl);
      }
      lvSlots.push(slots);
    });
    // level 0's cell arrays double as the conductivity input and, on a compact solve, as the node arrays
    ptrs[T.S_SIGMA] = lvSlots[0][T.L_RW];
    if (opts.method === "pcg") {
      // the cycle's level-0 right-hand side and correction are the CG's r and z
      lvSlots[0][T.L_B] = ptrs[T.S_R];
      lvSlots[0][T.L_X] = ptrs[T.S_Z];
    }
    if (comp && !slab) {
      ptrs[T.S_CX] = lvSlots[0][T.L_GX];
      ptrs[T.S_CB] = lvSlots[0][T.L_GY];
      ptrs[T.S_CRW] = lvSlots[0][T.L_GZ];
      ptrs[T.S_CMASK] = lvSlots[0][T.L_RW];
      ptrs[T.S_CNX] = lvSlots[0][T.L_DD];
      ptrs[T.S_CNY] = lvSlots[0][T.L_DIAG];
      ptrs[T.S_CNZ] = lvSlots[0][T.L_BPROB];
    }
    this.markCoarse = heap.used;
    // component aggregation: one region for the coarse levels, carved per solve by tpComponentLevels (moved up when a
    // field needs more; it starts at the coarse levels' share of the estimate)
    const cbase = comp ? heap.alloc(Math.ceil((this.n * COARSE_BYTES_PER_CELL) / 16) * 16 + 4096, 16, false) : 0;
    if (comp) this.coarseEnd = heap.used;
    // all allocation done: write the header and level blocks
    const d = new DataView(heap.buffer);
    const setI = (base: number, slot: number, v: number) => d.setInt32(base + slot * 8, v, true);
    const setF = (base: number, slot: number, v: number) => d.setFloat64(base + slot * 8, v, true);
    setI(this.sys, T.S_NLEV, this.levels.length);
    setI(this.sys, T.S_LEVELS, lvBlock);
    for (const [slot, p] of Object.entries(ptrs)) setI(this.sys, Number(slot), p);
    const longest = Math.max(...shape);
    const tauRule = opts.method === "pcg" && opts.tauRtol > 0;
    setF(this.sys, T.S_RTOL, tauRule ? RTOL_FLOOR : opts.rtol);
    setF(this.sys, T.S_TAUTOL, tauRule ? opts.tauRtol : 0);
    setI(this.sys, T.S_MAXIT, opts.maxIterations);
    setF(this.sys, T.S_OMEGA, opts.omega ?? 2 / (1 + Math.sin(Math.PI / Math.max(2, longest))));
    setI(this.sys, T.S_CHECK, opts.checkEvery);
    setI(this.sys, T.S_NSMOOTH, opts.smoothingSweeps);
    setI(this.sys, T.S_NCOARSE, opts.coarseSweeps);
    setF(this.sys, T.S_ALPHA, opts.coarseScale);
    setI(this.sys, T.S_CYCLE, opts.cycle === "K" ? 1 : 0);
    setI(this.sys, T.S_COMPACT, opts.compact === false || slab ? 0 : 1);
    setI(this.sys, T.S_LINKMASK, opts.linkMask === false ? 0 : 1);
    // unit fields (conductivities 0/1) skip the conductance arrays: only where level 0 runs compact, and in a slab
    // (whose field the host checks: slab_solver.ts)
    setI(this.sys, T.S_UNIT, slab || (comp && opts.compact !== false && opts.linkMask !== false && this.levels.length > 1) ? 1 : 0);
    setI(this.sys, T.S_SLAB, slab ? 1 : 0);
    // every plane's terms in the CG's sums (a slab narrows them to the planes it owns: slab_solver.ts)
    setI(this.sys, T.S_OWN0, 0);
    setI(this.sys, T.S_OWN1, n0);
    setI(this.sys, T.S_CBASE, cbase);
    setI(this.sys, T.S_CEND, comp ? this.coarseEnd : 0);
    this.levels.forEach((s, l) => {
      const b = lvBlock + l * T.LEVEL_SLOTS * 8;
      this.lvPtr.push(b);
      setI(b, T.L_N0, s[0]);
      setI(b, T.L_N1, s[1]);
      setI(b, T.L_N2, s[2]);
      setI(b, T.L_PER1, periodic[0] && s[1] > 1 ? 1 : 0);
      setI(b, T.L_PER2, periodic[1] && s[2] > 1 ? 1 : 0);
      setI(b, T.L_N, s[0] * s[1] * s[2]);
      setI(b, T.L_KIND, T.K_GRID);
      for (const [slot, p] of Object.entries(lvSlots[l])) setI(b, Number(slot), p);
    });
  }

  /** The level-0 conductivity buffer (internal order, transport axis first) to fill before `solve`. */
  sigmaView(): Float64Array {
    const p = new DataView(this.k.heap.buffer).getUint32(this.sys + T.S_SIGMA * 8, true);
    return new Float64Array(this.k.heap.buffer, p, this.n);
  }

  /** The potential of the last solve (internal order); a view, valid until the heap grows. */
  potentialView(): Float64Array {
    const p = new DataView(this.k.heap.buffer).getUint32(this.sys + T.S_XS * 8, true);
    return new Float64Array(this.k.heap.buffer, p, this.n);
  }

  /** Solves with the conductivities written into `sigmaView()` (which the set-up then overwrites). */
  solve(): GridSolve {
    const t0 = performance.now();
    const k = this.k;
    k.tpBuild(this.sys);
    const nPerc = k.tpPercolate(this.sys);
    // a fresh view per read: component aggregation allocates during the solve (the heap may grow)
    const gi = (slot: number) => new DataView(k.heap.buffer).getInt32(this.sys + slot * 8, true);
    const gf = (slot: number) => new DataView(k.heap.buffer).getFloat64(this.sys + slot * 8, true);
    const nActive = gi(T.S_NACTIVE);
    if (nPerc === 0) {
      return noPathSolve(this.opts, nActive, this.levels.length, (performance.now() - t0) / 1000, this.memory());
    }
    // (a unit field has no conductance arrays: its link mask carries the diagonal)
    if (gi(T.S_UNITON) === 0) k.tpDiag(this.lvPtr[0]);
    k.tpMask(this.sys);
    if (this.opts.aggregation === "components" && this.opts.method === "pcg") this.buildComponentLevels();
    else for (let l = 1; l < this.lvPtr.length; l++) k.tpCoarsen(this.lvPtr[l - 1], this.lvPtr[l]);
    k.tpInitGuess(this.sys);
    const st = this.opts.method === "sor" ? k.tpSolveSOR(this.sys) : k.tpSolvePCG(this.sys);
    k.tpFlux(this.sys);
    const d2 = new DataView(k.heap.buffer);
    const fin = d2.getFloat64(this.sys + T.S_FLUXIN * 8, true),
      fout = d2.getFloat64(this.sys + T.S_FLUXOUT * 8, true);
    return {
      status: STATUS[st] ?? "breakdown",
      method: this.opts.method,
      iterations: gi(T.S_ITERS),
      residual: gf(T.S_RES),
      ...this.rule(),
      tauErrorEstimate: this.opts.method === "pcg" ? d2.getFloat64(this.sys + T.S_PERR * 8, true) : 0,
      // (SOR does not compute the power: the mean face current)
      current: this.opts.method === "pcg" ? d2.getFloat64(this.sys + T.S_POWER * 8, true) : 0.5 * (fin + fout),
      fluxIn: fin,
      fluxOut: fout,
      fluxImbalance: Math.abs(fin - fout) / Math.max(Math.abs(fin), Math.abs(fout), Number.MIN_VALUE),
      nActive,
      nPercolating: nPerc,
      levels: this.levels.length,
      seconds: (performance.now() - t0) / 1000,
      memory: this.memory(),
    };
  }

  /** The memory estimate of the set-up and the workspace in use now (the coarse levels grow the heap during a solve). */
  protected memory(): { estimate_bytes: number; used_bytes: number } {
    return { estimate_bytes: solverBytes(this.shape, this.opts.method, this.layout), used_bytes: this.k.heap.used - this.mark0 };
  }

  /** The stopping rule in force (the tau rule needs pcg) and its tolerances. */
  private rule(): { stop: "tau" | "residual"; rtol: number; tauRtol: number } {
    return stopRule(this.opts);
  }

  /** Component aggregation: levels >= 1 as CSR, sized by the labelling of this conductivity field (one kernel call; more only to grow the region). */
  protected buildComponentLevels(): void {
    const k = this.k,
      heap = k.heap;
    // the region for the coarse levels ends at the heap top: refuse if someone allocated on top since
    if (heap.used !== this.coarseEnd) {
      throw new ConfigError(
        `transport: the heap changed after this GridSolver was set up (top ${heap.used}, expected ${this.coarseEnd}); allocate before creating the solver, or dispose it and make a new one`,
      );
    }
    const setI = (slot: number, v: number) => new DataView(heap.buffer).setInt32(this.sys + slot * 8, v, true);
    setI(T.S_CLEVEL, 0);
    while (k.tpComponentLevels(this.sys) === 0) {
      // out of room: extend the region in place (doubling, or what is left of wasm32 memory) and resume at the level that did not fit
      const room = Math.floor((MAX_HEAP_BYTES - heap.used) / 16) * 16;
      if (room < 16)
        throw new HeapOverflowError(
          `memory: the coarse levels of the ${this.shape.join("x")} grid do not fit into the 4096 MiB of wasm32 memory; crop the volume or use a coarser voxel size`,
        );
      heap.alloc(Math.min(room, Math.ceil((this.coarseEnd - this.markCoarse) / 16) * 16), 16, false);
      this.coarseEnd = heap.used;
      setI(T.S_CEND, this.coarseEnd);
    }
  }

  /** How the last solve held level 0 (layout K_*). */
  private levelKind(): number {
    return new DataView(this.k.heap.buffer).getInt32(this.lvPtr[0] + T.L_KIND * 8, true);
  }

  /** True when the last solve ran level 0 on the link mask (all conductances 0/1), on the grid or compact. */
  linkMaskUsed(): boolean {
    const kind = this.levelKind();
    return kind === T.K_MASK || kind === T.K_COMPACT;
  }

  /** True when the last solve ran level 0 and the CG on the network's node arrays (solver.compact). */
  compactUsed(): boolean {
    return this.levelKind() === T.K_COMPACT;
  }

  /** Returns the workspace to the heap (everything allocated after this solver was made). */
  dispose(): void {
    this.k.heap.reset(this.mark0);
  }
}
