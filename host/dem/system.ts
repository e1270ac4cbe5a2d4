/**
 * DemSystem: lays out a DEM system in kernel memory (structure of arrays, f64), runs steps on the
 * wasm core or its TypeScript twin, grows capacities on request and turns kernel status codes into
 * errors that name the particle and suggest a fix.
 */
import { AssbError, ConfigError } from "../config/errors.js";
import type { Kernels } from "../core/wasm.js";
import * as L from "../../assembly/dem/layout.js";
import type { PairTable } from "./materials.js";
import { toBase64, f64FromBase64, i32FromBase64 } from "../io/b64.js";
import { VERSION } from "../version.js";

export type WallMode = "fixed" | "velocity" | "servo" | "off";
const WALL_MODE_CODE: Record<WallMode, number> = { fixed: 0, velocity: 1, servo: 2, off: 3 };

export interface WallInit {
  name: string;
  /** 0 = x, 1 = y, 2 = z */
  axis: 0 | 1 | 2;
  /** +1: particles lie at larger coordinates than the plane; -1: at smaller */
  side: 1 | -1;
  position_m: number;
  velocity_m_s: [number, number, number];
  mode: WallMode;
  /** servo: target normal load [N] */
  targetLoad_N: number;
  /** servo: normal speed per newton of load error [m/(s N)] */
  gain_m_per_s_N: number;
  /** servo: speed limit [m/s] */
  maxSpeed_m_s: number;
  material: number;
}

export interface SystemInit {
  dimension: 2 | 3;
  /** particle arrays, length n (SI units) */
  position_m: { x: Float64Array; y: Float64Array; z: Float64Array };
  velocity_m_s?: { x: Float64Array; y: Float64Array; z: Float64Array };
  angularVelocity_rad_s?: { x: Float64Array; y: Float64Array; z: Float64Array };
  radius_m: Float64Array;
  mass_kg: Float64Array;
  material: Int32Array;
  pairs: PairTable;
  box: { lo_m: [number, number, number]; hi_m: [number, number, number]; periodic: [boolean, boolean] };
  walls: WallInit[];
  dt_s: number;
  skin_m: number;
  externalForce_N?: [number, number, number];
  gravity_m_s2?: [number, number, number];
  /** 0.4 for spheres (LIGGGHTS nve/sphere), 0.5 for discs */
  inertiaFactor?: number;
  /** blow-up limits */
  maxOverlapFraction?: number;
  maxStepDisplacementFraction?: number;
  /** first capacity of the neighbour list (grown on demand; tests set it small) */
  initialPairCapacity?: number;
}

/** A run that blew up (input problem: time step or loading speed too large); exit code 2 in the CLI. */
export class DemUnstableError extends AssbError {
  constructor(
    message: string,
    readonly step: number,
    readonly particle: number,
    readonly partner: number,
  ) {
    super(message);
    this.name = "DemUnstableError";
  }
}

const PARTICLE_F64 = [
  L.P_X,
  L.P_Y,
  L.P_Z,
  L.P_VX,
  L.P_VY,
  L.P_VZ,
  L.P_WX,
  L.P_WY,
  L.P_WZ,
  L.P_FX,
  L.P_FY,
  L.P_FZ,
  L.P_TX,
  L.P_TY,
  L.P_TZ,
  L.P_R,
  L.P_MASS,
  L.P_DTFM,
  L.P_DTIR,
  L.P_XR,
  L.P_YR,
  L.P_ZR,
  L.P_WXX,
  L.P_WYY,
  L.P_WZZ,
  L.P_WXY,
  L.P_WXZ,
  L.P_WYZ,
];
const PAIR_F64 = [L.P_HX, L.P_HY, L.P_HZ, L.P_HX2, L.P_HY2, L.P_HZ2, L.P_CDN, L.P_CFN, L.P_CFTX, L.P_CFTY, L.P_CFTZ];

/**
 * Restart state: everything the kernels need to continue bit for bit (arrays as base64 bytes), plus the
 * quantities of the last recorded step (virial, coordination) so a restored state reports the same
 * per-particle stresses as the one that was saved.
 */
export interface RestartState {
  kind: "assbkit.dem.restart";
  version: string;
  n: number;
  nWalls: number;
  header: Record<string, number>;
  particles: Record<string, string>;
  neighbors: { npairs: number; row: string; nbr: string; hx: string; hy: string; hz: string };
  walls: { block: string; hx: string; hy: string; hz: string }[];
}

const RESTART_F64 = [
  L.P_X,
  L.P_Y,
  L.P_Z,
  L.P_VX,
  L.P_VY,
  L.P_VZ,
  L.P_WX,
  L.P_WY,
  L.P_WZ,
  L.P_FX,
  L.P_FY,
  L.P_FZ,
  L.P_TX,
  L.P_TY,
  L.P_TZ,
  L.P_R,
  L.P_MASS,
  L.P_DTFM,
  L.P_DTIR,
  L.P_XR,
  L.P_YR,
  L.P_ZR,
  L.P_WXX,
  L.P_WYY,
  L.P_WZZ,
  L.P_WXY,
  L.P_WXZ,
  L.P_WYZ,
];
const RESTART_HEADER_F = [L.H_DT, L.H_SKIN, L.H_TIME, L.H_STEP, L.H_RMAX, L.H_MAXDISP2, L.H_MAX_OVERLAP, L.H_MAX_STEPDISP, L.H_INERTIA];
const RESTART_HEADER_I = [L.H_PERX, L.H_PERY, L.H_NREBUILD, L.H_FORCE_REBUILD];
const WALL_POINTER_SLOTS = [L.W_HX, L.W_HY, L.W_HZ];

/** Throws a ConfigError when a restart state is incomplete or its arrays have the wrong length (a damaged file). */
function checkRestartShape(st: RestartState, n: number): void {
  const bad = (what: string) => new ConfigError(`restart: ${what} is missing or damaged; the file is not a complete restart state`);
  const len = (b64: unknown, bytes: number, what: string) => {
    if (typeof b64 !== "string") throw bad(what);
    // base64 length without padding -> bytes
    const m = b64.replace(/=+$/, "").length;
    if (Math.floor((m * 3) / 4) !== bytes) throw bad(what);
  };
  if (!st.header || !st.particles || !st.neighbors || !Array.isArray(st.walls))
    throw bad("a section (header, particles, neighbors, walls)");
  for (const sl of RESTART_HEADER_F) if (typeof st.header[`f${sl}`] !== "number") throw bad(`header slot ${sl}`);
  for (const sl of RESTART_HEADER_I) if (typeof st.header[`i${sl}`] !== "number") throw bad(`header slot ${sl}`);
  const names: Record<number, string> = {
    [L.P_X]: "x",
    [L.P_Y]: "y",
    [L.P_Z]: "z",
    [L.P_VX]: "vx",
    [L.P_VY]: "vy",
    [L.P_VZ]: "vz",
    [L.P_WX]: "wx",
    [L.P_WY]: "wy",
    [L.P_WZ]: "wz",
    [L.P_FX]: "fx",
    [L.P_FY]: "fy",
    [L.P_FZ]: "fz",
    [L.P_TX]: "tx",
    [L.P_TY]: "ty",
    [L.P_TZ]: "tz",
    [L.P_R]: "radius",
    [L.P_MASS]: "mass",
    [L.P_WXX]: "virial xx",
  };
  for (const sl of RESTART_F64) len(st.particles[`f${sl}`], n * 8, `the particle array ${names[sl] ?? `slot ${sl}`}`);
  len(st.particles.mat, n * 4, "the material array");
  len(st.particles.ncont, n * 4, "the coordination array");
  const np = st.neighbors.npairs;
  if (!Number.isInteger(np) || np < 0) throw bad("the neighbour count");
  len(st.neighbors.row, (n + 1) * 4, "the neighbour rows");
  len(st.neighbors.nbr, np * 4, "the neighbour list");
  for (const h of ["hx", "hy", "hz"] as const) len(st.neighbors[h], np * 8, "the contact history");
  st.walls.forEach((w, k) => {
    len(w?.block, L.WALL_SLOTS * 8, `wall ${k}`);
    for (const h of ["hx", "hy", "hz"] as const) len(w[h], n * 8, `wall ${k} history`);
  });
}

export class DemSystem {
  readonly sys: number;
  readonly n: number;
  readonly nWalls: number;
  readonly wallNames: string[];
  private dv: DataView;

  constructor(
    readonly kernels: Kernels,
    init: SystemInit,
  ) {
    const n = init.radius_m.length;
    this.n = n;
    this.nWalls = init.walls.length;
    this.wallNames = init.walls.map((w) => w.name);
    const heap = kernels.heap;
    const nmat = init.pairs.nMaterials;
    const sys = heap.alloc(L.HEADER_SLOTS * 8, 64);
    this.sys = sys;
    const ptrs: [number, number][] = [];
    for (const slot of PARTICLE_F64) ptrs.push([slot, heap.alloc(n * 8)]);
    ptrs.push([L.P_MAT, heap.alloc(n * 4)], [L.P_NCONT, heap.alloc(n * 4)], [L.P_CELLNEXT, heap.alloc(n * 4)]);
    ptrs.push([L.P_ROW, heap.alloc((n + 1) * 4)], [L.P_ROW2, heap.alloc((n + 1) * 4)]);
    for (const slot of [L.P_T_KN, L.P_T_ST, L.P_T_MU, L.P_T_DN, L.P_T_DT]) ptrs.push([slot, heap.alloc(nmat * nmat * 8)]);
    const wallBlock = heap.alloc(Math.max(1, this.nWalls) * L.WALL_SLOTS * 8);
    const wallHist: number[][] = init.walls.map(() => [heap.alloc(n * 8), heap.alloc(n * 8), heap.alloc(n * 8)]);
    // first guesses; the kernels ask for more when they need it
    const pairCap = init.initialPairCapacity ?? Math.max(64, n * 8);
    const cellCap = Math.max(64, n * 2);
    this.dv = new DataView(heap.buffer);
    for (const [slot, p] of ptrs) this.setP(slot, p);
    this.setP(L.P_WALLS, wallBlock);
    this.allocPairs(pairCap, false);
    this.allocCells(cellCap);

    this.setI(L.H_N, n);
    this.setI(L.H_NMAT, nmat);
    this.setI(L.H_DIM, init.dimension);
    this.setI(L.H_PERX, init.box.periodic[0] ? 1 : 0);
    this.setI(L.H_PERY, init.box.periodic[1] ? 1 : 0);
    this.setI(L.H_NWALLS, this.nWalls);
    this.setF(L.H_DT, init.dt_s);
    this.setF(L.H_SKIN, init.skin_m);
    [L.H_LOX, L.H_LOY, L.H_LOZ].forEach((s, a) => this.setF(s, init.box.lo_m[a]));
    [L.H_HIX, L.H_HIY, L.H_HIZ].forEach((s, a) => this.setF(s, init.box.hi_m[a]));
    const ef = init.externalForce_N ?? [0, 0, 0];
    const g = init.gravity_m_s2 ?? [0, 0, 0];
    [L.H_EXTFX, L.H_EXTFY, L.H_EXTFZ].forEach((s, a) => this.setF(s, ef[a]));
    [L.H_GX, L.H_GY, L.H_GZ].forEach((s, a) => this.setF(s, g[a]));
    this.setF(L.H_MAX_OVERLAP, init.maxOverlapFraction ?? 0.75);
    this.setF(L.H_MAX_STEPDISP, init.maxStepDisplacementFraction ?? 0.1);
    this.setF(L.H_INERTIA, init.inertiaFactor ?? 0.4);
    let rmax = 0;
    for (let i = 0; i < n; i++) rmax = Math.max(rmax, init.radius_m[i]);
    this.setF(L.H_RMAX, rmax);

    this.f64(L.P_X).set(init.position_m.x);
    this.f64(L.P_Y).set(init.position_m.y);
    this.f64(L.P_Z).set(init.position_m.z);
    if (init.velocity_m_s) {
      this.f64(L.P_VX).set(init.velocity_m_s.x);
      this.f64(L.P_VY).set(init.velocity_m_s.y);
      this.f64(L.P_VZ).set(init.velocity_m_s.z);
    }
    if (init.angularVelocity_rad_s) {
      this.f64(L.P_WX).set(init.angularVelocity_rad_s.x);
      this.f64(L.P_WY).set(init.angularVelocity_rad_s.y);
      this.f64(L.P_WZ).set(init.angularVelocity_rad_s.z);
    }
    this.f64(L.P_R).set(init.radius_m);
    this.f64(L.P_MASS).set(init.mass_kg);
    this.i32(L.P_MAT).set(init.material);
    const t = init.pairs;
    this.f64(L.P_T_KN, nmat * nmat).set(t.kn);
    this.f64(L.P_T_ST, nmat * nmat).set(t.st);
    this.f64(L.P_T_MU, nmat * nmat).set(t.mu);
    this.f64(L.P_T_DN, nmat * nmat).set(t.dn);
    this.f64(L.P_T_DT, nmat * nmat).set(t.dt);
    init.walls.forEach((w, k) => {
      const b = wallBlock + k * L.WALL_SLOTS * 8;
      const dv = this.view();
      dv.setInt32(b + L.W_AXIS * 8, w.axis, true);
      dv.setFloat64(b + L.W_SIDE * 8, w.side, true);
      dv.setFloat64(b + L.W_POS * 8, w.position_m, true);
      dv.setFloat64(b + L.W_VX * 8, w.velocity_m_s[0], true);
      dv.setFloat64(b + L.W_VY * 8, w.velocity_m_s[1], true);
      dv.setFloat64(b + L.W_VZ * 8, w.velocity_m_s[2], true);
      dv.setInt32(b + L.W_MODE * 8, WALL_MODE_CODE[w.mode], true);
      dv.setFloat64(b + L.W_TARGET * 8, w.targetLoad_N, true);
      dv.setFloat64(b + L.W_GAIN * 8, w.gain_m_per_s_N, true);
      dv.setFloat64(b + L.W_VMAX * 8, w.maxSpeed_m_s, true);
      dv.setInt32(b + L.W_MAT * 8, w.material, true);
      dv.setUint32(b + L.W_HX * 8, wallHist[k][0], true);
      dv.setUint32(b + L.W_HY * 8, wallHist[k][1], true);
      dv.setUint32(b + L.W_HZ * 8, wallHist[k][2], true);
    });
    kernels.demPrepare(sys);
  }

  // ---- header access ----
  private view(): DataView {
    if (this.dv.buffer !== this.kernels.heap.buffer) this.dv = new DataView(this.kernels.heap.buffer);
    return this.dv;
  }
  getI(slot: number): number {
    return this.view().getInt32(this.sys + slot * 8, true);
  }
  setI(slot: number, v: number): void {
    this.view().setInt32(this.sys + slot * 8, v, true);
  }
  getF(slot: number): number {
    return this.view().getFloat64(this.sys + slot * 8, true);
  }
  setF(slot: number, v: number): void {
    this.view().setFloat64(this.sys + slot * 8, v, true);
  }
  getP(slot: number): number {
    return this.view().getUint32(this.sys + slot * 8, true);
  }
  private setP(slot: number, p: number): void {
    this.view().setUint32(this.sys + slot * 8, p, true);
  }
  /** A fresh view of a per-particle f64 array (valid until the next allocation). */
  f64(slot: number, len = this.n): Float64Array {
    return new Float64Array(this.kernels.heap.buffer, this.getP(slot), len);
  }
  i32(slot: number, len = this.n): Int32Array {
    return new Int32Array(this.kernels.heap.buffer, this.getP(slot), len);
  }

  // ---- capacities ----
  private allocPairs(cap: number, keep: boolean): void {
    const heap = this.kernels.heap;
    const old = keep
      ? { nbr: this.getP(L.P_NBR), hx: this.getP(L.P_HX), hy: this.getP(L.P_HY), hz: this.getP(L.P_HZ), n: this.getI(L.H_NPAIRS) }
      : undefined;
    const nbr = heap.alloc(cap * 4),
      nbr2 = heap.alloc(cap * 4);
    this.setP(L.P_CK, heap.alloc(cap * 4));
    this.setP(L.P_CI, heap.alloc(cap * 4));
    const f = PAIR_F64.map(() => heap.alloc(cap * 8));
    PAIR_F64.forEach((slot, k) => this.setP(slot, f[k]));
    this.setP(L.P_NBR, nbr);
    this.setP(L.P_NBR2, nbr2);
    if (old && old.n > 0) {
      const buf = heap.buffer;
      new Int32Array(buf, nbr, old.n).set(new Int32Array(buf, old.nbr, old.n));
      new Float64Array(buf, f[0], old.n).set(new Float64Array(buf, old.hx, old.n));
      new Float64Array(buf, f[1], old.n).set(new Float64Array(buf, old.hy, old.n));
      new Float64Array(buf, f[2], old.n).set(new Float64Array(buf, old.hz, old.n));
    }
    this.setI(L.H_PAIRCAP, cap);
  }
  private allocCells(cap: number): void {
    this.setP(L.P_CELLHEAD, this.kernels.heap.alloc(cap * 4));
    this.setI(L.H_CELLCAP, cap);
  }

  /** Handles capacity requests; returns true when the call should be repeated. */
  private handle(status: number, what: string): boolean {
    if (status === L.ST_OK) return false;
    const val = this.getF(L.H_STATUS_VAL);
    if (status === L.ST_NEED_PAIRS) {
      this.allocPairs(Math.ceil(val * 1.3) + 64, true);
      return true;
    }
    if (status === L.ST_NEED_CELLS) {
      this.allocCells(Math.ceil(val * 1.2) + 16);
      return true;
    }
    const step = this.getF(L.H_STEP);
    const i = this.getI(L.H_STATUS_I),
      j = this.getI(L.H_STATUS_J);
    const dt = this.getF(L.H_DT);
    if (status === L.ST_BAD_BOX) {
      throw new ConfigError(
        `box: a periodic length of ${val.toExponential(3)} m is shorter than two neighbour cut-offs (2 x (2 R_max + skin) = ${(2 * (2 * this.getF(L.H_RMAX) + this.getF(L.H_SKIN))).toExponential(3)} m); enlarge the box or make that direction non-periodic`,
      );
    }
    const who = (k: number) => `particle ${this.ids ? this.ids[k] : k}`;
    // at a set-up nothing has moved yet: the overlap is in the positions the run started from
    const atSetup = what === "set-up";
    if (status === L.ST_UNSTABLE_SPEED) {
      throw new DemUnstableError(
        `DEM run unstable during ${what} at step ${step} (t = ${this.getF(L.H_TIME).toExponential(4)} s): ${who(i)} moved ${val.toPrecision(3)} of its radius in one step (limit ${this.getF(L.H_MAX_STEPDISP)}). Reduce the time step (dt = ${dt.toExponential(3)} s), e.g. timestep.rayleighFraction: 0.1, or slow the walls down`,
        step,
        i,
        j,
      );
    }
    if (status === L.ST_UNSTABLE_OVERLAP) {
      const partner =
        j >= 0 && j < this.n ? who(j) : j < 0 && -1 - j < this.nWalls ? `wall '${this.wallNames[-1 - j]}'` : "another particle or a wall";
      const limit = this.getF(L.H_MAX_OVERLAP);
      if (atSetup) {
        throw new DemUnstableError(
          `DEM set-up at step ${step}: ${who(i)} overlaps ${partner} by ${val.toPrecision(3)} of the smaller radius before any time step (limit ${limit}): the ${step === 0 ? "initial positions overlap; fix the packing (positions, radii, wall positions)" : "state given to this stage overlaps (grown radii or moved walls)"} or raise limits.maxOverlapFraction`,
          step,
          i,
          j,
        );
      }
      throw new DemUnstableError(
        `DEM run unstable during ${what} at step ${step} (t = ${this.getF(L.H_TIME).toExponential(4)} s): ${who(i)} overlaps ${partner} by ${val.toPrecision(3)} of the smaller radius (limit ${limit}). Reduce the time step (dt = ${dt.toExponential(3)} s) or the loading speed`,
        step,
        i,
        j,
      );
    }
    throw new Error(`dem: kernel returned unknown status ${status} (internal error)`);
  }

  /** Particle ids used in messages (index -> id). */
  ids?: ArrayLike<number>;

  /** The full state for a restart file (call between runs). */
  saveState(): RestartState {
    const header: Record<string, number> = {};
    for (const sl of RESTART_HEADER_F) header[`f${sl}`] = this.getF(sl);
    for (const sl of RESTART_HEADER_I) header[`i${sl}`] = this.getI(sl);
    const particles: Record<string, string> = {};
    for (const sl of RESTART_F64) particles[`f${sl}`] = toBase64(this.f64(sl));
    particles.mat = toBase64(this.i32(L.P_MAT));
    particles.ncont = toBase64(this.i32(L.P_NCONT));
    const np = this.getI(L.H_NPAIRS);
    const neighbors = {
      npairs: np,
      row: toBase64(this.i32(L.P_ROW, this.n + 1)),
      nbr: toBase64(this.i32(L.P_NBR, np)),
      hx: toBase64(this.f64(L.P_HX, np)),
      hy: toBase64(this.f64(L.P_HY, np)),
      hz: toBase64(this.f64(L.P_HZ, np)),
    };
    const walls = Array.from({ length: this.nWalls }, (_, k) => {
      const b = this.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;
      const dv = this.view();
      const hist = WALL_POINTER_SLOTS.map((sl) =>
        toBase64(new Float64Array(this.kernels.heap.buffer, dv.getUint32(b + sl * 8, true), this.n)),
      );
      return { block: toBase64(new Uint8Array(this.kernels.heap.buffer, b, L.WALL_SLOTS * 8)), hx: hist[0], hy: hist[1], hz: hist[2] };
    });
    return { kind: "assbkit.dem.restart", version: VERSION, n: this.n, nWalls: this.nWalls, header, particles, neighbors, walls };
  }

  /** Restores a saved state into this system (built from the same case: same particles and walls). */
  loadState(st: RestartState): void {
    if (st?.kind !== "assbkit.dem.restart")
      throw new ConfigError(`restart: not an assbkit DEM restart state (kind = ${JSON.stringify(st?.kind)})`);
    if (st.n !== this.n || st.nWalls !== this.nWalls)
      throw new ConfigError(
        `restart: the file holds ${st.n} particles and ${st.nWalls} walls, this case ${this.n} and ${this.nWalls}; use the case that wrote it`,
      );
    checkRestartShape(st, this.n);
    for (const sl of RESTART_HEADER_F) this.setF(sl, st.header[`f${sl}`]);
    for (const sl of RESTART_HEADER_I) this.setI(sl, st.header[`i${sl}`]);
    for (const sl of RESTART_F64) this.f64(sl).set(f64FromBase64(st.particles[`f${sl}`]));
    this.i32(L.P_MAT).set(i32FromBase64(st.particles.mat));
    this.i32(L.P_NCONT).set(i32FromBase64(st.particles.ncont));
    const np = st.neighbors.npairs;
    if (np > this.getI(L.H_PAIRCAP)) this.allocPairs(Math.ceil(np * 1.3) + 64, false);
    this.i32(L.P_ROW, this.n + 1).set(i32FromBase64(st.neighbors.row));
    this.i32(L.P_NBR, np).set(i32FromBase64(st.neighbors.nbr));
    this.f64(L.P_HX, np).set(f64FromBase64(st.neighbors.hx));
    this.f64(L.P_HY, np).set(f64FromBase64(st.neighbors.hy));
    this.f64(L.P_HZ, np).set(f64FromBase64(st.neighbors.hz));
    this.setI(L.H_NPAIRS, np);
    st.walls.forEach((w, k) => {
      const b = this.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;
      const dv = this.view();
      const ptrs = WALL_POINTER_SLOTS.map((sl) => dv.getUint32(b + sl * 8, true));
      new Uint8Array(this.kernels.heap.buffer, b, L.WALL_SLOTS * 8).set(new Uint8Array(f64FromBase64(w.block).buffer));
      ptrs.forEach((p, j) => {
        dv.setUint32(b + WALL_POINTER_SLOTS[j] * 8, p, true);
        new Float64Array(this.kernels.heap.buffer, p, this.n).set(f64FromBase64([w.hx, w.hy, w.hz][j]));
      });
    });
  }

  /** LIGGGHTS `run` set-up: neighbour build + force evaluation without advancing the history. */
  setup(): void {
    for (;;) {
      if (!this.handle(this.kernels.demSetup(this.sys), "set-up")) break;
    }
  }

  /** Advances nsteps steps; `record` stores contacts, virial and coordination in the last one. */
  run(nsteps: number, record = false): void {
    if (nsteps <= 0) return;
    const target = this.getF(L.H_STEP) + nsteps;
    const go = (k: number) => {
      const end = this.getF(L.H_STEP) + k;
      while (this.getF(L.H_STEP) < end) {
        this.handle(this.kernels.demStep(this.sys, end - this.getF(L.H_STEP)), "time stepping");
      }
    };
    if (record) {
      go(nsteps - 1);
      this.setI(L.H_RECORD, 1);
      try {
        go(target - this.getF(L.H_STEP));
      } finally {
        this.setI(L.H_RECORD, 0);
      }
    } else go(nsteps);
  }

  /** Switches periodicity along x/y (e.g. before die walls take over); forces a neighbour rebuild. */
  setPeriodic(px: boolean, py: boolean): void {
    this.setI(L.H_PERX, px ? 1 : 0);
    this.setI(L.H_PERY, py ? 1 : 0);
    this.setI(L.H_FORCE_REBUILD, 1);
  }

  /** Periodicity along x and y now (isostatic stages switch it off). */
  get periodic(): [boolean, boolean] {
    return [this.getI(L.H_PERX) === 1, this.getI(L.H_PERY) === 1];
  }

  /** After changing radii, masses or dt from the host. */
  prepare(): void {
    this.kernels.demPrepare(this.sys);
    this.setI(L.H_FORCE_REBUILD, 1);
  }

  get time_s(): number {
    return this.getF(L.H_TIME);
  }
  get step(): number {
    return this.getF(L.H_STEP);
  }
  get dt_s(): number {
    return this.getF(L.H_DT);
  }
  get neighborBuilds(): number {
    return this.getI(L.H_NREBUILD);
  }
  get pairCount(): number {
    return this.getI(L.H_NPAIRS);
  }

  wall(k: number) {
    const b = this.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;
    const dv = this.view();
    const f = (s: number) => dv.getFloat64(b + s * 8, true);
    const modes: WallMode[] = ["fixed", "velocity", "servo", "off"];
    return {
      name: this.wallNames[k],
      mode: modes[dv.getInt32(b + L.W_MODE * 8, true)],
      axis: dv.getInt32(b + L.W_AXIS * 8, true),
      position_m: f(L.W_POS),
      velocity_m_s: [f(L.W_VX), f(L.W_VY), f(L.W_VZ)] as [number, number, number],
      force_N: [f(L.W_FX), f(L.W_FY), f(L.W_FZ)] as [number, number, number],
      load_N: f(L.W_LOAD),
      contacts: dv.getInt32(b + L.W_NCONT * 8, true),
    };
  }
  /** +1 when the particles lie on the positive side of wall k, -1 otherwise. */
  wallSide(k: number): 1 | -1 {
    const b = this.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;
    return this.view().getFloat64(b + L.W_SIDE * 8, true) > 0 ? 1 : -1;
  }
  setWall(
    k: number,
    patch: {
      position_m?: number;
      velocity_m_s?: [number, number, number];
      mode?: WallMode;
      targetLoad_N?: number;
      gain_m_per_s_N?: number;
      maxSpeed_m_s?: number;
    },
  ): void {
    const b = this.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;
    const dv = this.view();
    if (patch.mode && patch.mode !== "off" && dv.getInt32(b + L.W_MODE * 8, true) === WALL_MODE_CODE.off) {
      // a wall switched on starts without contact history
      for (const s of [L.W_HX, L.W_HY, L.W_HZ]) new Float64Array(this.kernels.heap.buffer, dv.getUint32(b + s * 8, true), this.n).fill(0);
    }
    if (patch.gain_m_per_s_N !== undefined) dv.setFloat64(b + L.W_GAIN * 8, patch.gain_m_per_s_N, true);
    if (patch.maxSpeed_m_s !== undefined) dv.setFloat64(b + L.W_VMAX * 8, patch.maxSpeed_m_s, true);
    if (patch.position_m !== undefined) dv.setFloat64(b + L.W_POS * 8, patch.position_m, true);
    if (patch.velocity_m_s) patch.velocity_m_s.forEach((v, a) => dv.setFloat64(b + (L.W_VX + a) * 8, v, true));
    if (patch.mode) dv.setInt32(b + L.W_MODE * 8, WALL_MODE_CODE[patch.mode], true);
    if (patch.targetLoad_N !== undefined) dv.setFloat64(b + L.W_TARGET * 8, patch.targetLoad_N, true);
  }

  /** Neighbour-list pairs with the data of the last recorded step (contacts: overlap > 0). */
  contacts(): {
    i: Int32Array;
    j: Int32Array;
    overlap_m: Float64Array;
    fn_N: Float64Array;
    ft_N: [Float64Array, Float64Array, Float64Array];
  } {
    const np = this.getI(L.H_NPAIRS);
    const row = this.i32(L.P_ROW, this.n + 1),
      nbr = this.i32(L.P_NBR, np);
    const dn = this.f64(L.P_CDN, np),
      fn = this.f64(L.P_CFN, np);
    const tx = this.f64(L.P_CFTX, np),
      ty = this.f64(L.P_CFTY, np),
      tz = this.f64(L.P_CFTZ, np);
    let m = 0;
    for (let k = 0; k < np; k++) if (dn[k] > 0) m++;
    const out = {
      i: new Int32Array(m),
      j: new Int32Array(m),
      overlap_m: new Float64Array(m),
      fn_N: new Float64Array(m),
      ft_N: [new Float64Array(m), new Float64Array(m), new Float64Array(m)] as [Float64Array, Float64Array, Float64Array],
    };
    let c = 0;
    for (let i = 0; i < this.n; i++) {
      for (let k = row[i]; k < row[i + 1]; k++) {
        if (!(dn[k] > 0)) continue;
        out.i[c] = i;
        out.j[c] = nbr[k];
        out.overlap_m[c] = dn[k];
        out.fn_N[c] = fn[k];
        out.ft_N[0][c] = tx[k];
        out.ft_N[1][c] = ty[k];
        out.ft_N[2][c] = tz[k];
        c++;
      }
    }
    return out;
  }
}
