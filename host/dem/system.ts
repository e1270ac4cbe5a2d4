/**
 * DemSystem: lays out a DEM system in kernel memory (structure of arrays, f64), runs steps on the wasm core or
 * its TypeScript twin and grows capacities on request; kernel status codes that end a run become errors
 * (system_status.ts). Its walls, contacts and restart state are read and written by system_walls.ts,
 * system_contacts.ts and system_restart.ts; what it is built from is system_init.ts.
 */
import type { Kernels } from "../core/wasm.js";
import * as L from "../../assembly/dem/layout.js";
import type { SystemInit } from "./system_init.js";
import { statusError } from "./system_status.js";
import { type RestartState, loadRestart, saveRestart } from "./system_restart.js";
import { PARTICLE_F64 } from "./system_init.js";
import { type WallPatch, type WallView, patchWall, readWall, wallSideOf, writeWall } from "./system_walls.js";
import { type ContactList, readContacts } from "./system_contacts.js";

export type { SystemInit, WallInit, WallMode } from "./system_init.js";
export { DemUnstableError } from "./system_status.js";
export type { RestartState } from "./system_restart.js";
export type { WallPatch, WallView } from "./system_walls.js";
export type { ContactList } from "./system_contacts.js";

const PAIR_F64 = [L.P_HX, L.P_HY, L.P_HZ, L.P_HX2, L.P_HY2, L.P_HZ2, L.P_CDN, L.P_CFN, L.P_CFTX, L.P_CFTY, L.P_CFTZ];

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
    for (const slot of [L.P_T_KN, L.P_T_KT, L.P_T_MU, L.P_T_DN, L.P_T_DT]) ptrs.push([slot, heap.alloc(nmat * nmat * 8)]);
    ptrs.push([L.P_T_MODEL, heap.alloc(nmat * nmat * 4)]);
    const wallBlock = heap.alloc(Math.max(1, this.nWalls) * L.WALL_SLOTS * 8);
    // each wall's particle list (wall_list.ts), its count and reference position
    ptrs.push(
      [L.P_WLIST, heap.alloc(Math.max(1, this.nWalls * n) * 4)],
      [L.P_WLISTN, heap.alloc(Math.max(1, this.nWalls) * 4)],
      [L.P_WREF, heap.alloc(Math.max(1, this.nWalls) * 8)],
      // the cell grid of the last neighbour build (neighbor.ts)
      [L.P_NGRID, heap.alloc(L.NGRID_BYTES, 16)],
    );
    const wallHist = init.walls.map((): [number, number, number] => [heap.alloc(n * 8), heap.alloc(n * 8), heap.alloc(n * 8)]);
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
    this.f64(L.P_T_KT, nmat * nmat).set(t.kt);
    this.i32(L.P_T_MODEL, nmat * nmat).set(t.model);
    this.f64(L.P_T_MU, nmat * nmat).set(t.mu);
    this.f64(L.P_T_DN, nmat * nmat).set(t.dn);
    this.f64(L.P_T_DT, nmat * nmat).set(t.dt);
    const dv = this.view();
    init.walls.forEach((w, k) => writeWall(dv, wallBlock + k * L.WALL_SLOTS * 8, w, wallHist[k]));
    kernels.demPrepare(sys);
    kernels.demWallLists(sys);
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
  setP(slot: number, p: number): void {
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

  /** Grows the neighbour arrays to hold np pairs (a restored state), without keeping the current list. */
  ensurePairCapacity(np: number): void {
    if (np > this.getI(L.H_PAIRCAP)) this.allocPairs(Math.ceil(np * 1.3) + 64, false);
  }

  /** Handles capacity requests; returns true when the call should be repeated. Other codes end the run. */
  private handle(status: number, what: string): boolean {
    if (status === L.ST_OK) return false;
    // a lost worker: the others are ended, this system steps on this thread from here
    if (status === L.ST_THREAD_LOST) this.stopThreads();
    const val = this.getF(L.H_STATUS_VAL);
    if (status === L.ST_NEED_PAIRS) {
      this.allocPairs(Math.ceil(val * 1.3) + 64, true);
      return true;
    }
    if (status === L.ST_NEED_CELLS) {
      this.allocCells(Math.ceil(val * 1.2) + 16);
      return true;
    }
    throw statusError(status, {
      what,
      step: this.getF(L.H_STEP),
      time_s: this.getF(L.H_TIME),
      dt_s: this.getF(L.H_DT),
      i: this.getI(L.H_STATUS_I),
      j: this.getI(L.H_STATUS_J),
      value: val,
      maxOverlapFraction: this.getF(L.H_MAX_OVERLAP),
      maxStepDisplacementFraction: this.getF(L.H_MAX_STEPDISP),
      rMax_m: this.getF(L.H_RMAX),
      skin_m: this.getF(L.H_SKIN),
      n: this.n,
      wallNames: this.wallNames,
      ids: this.ids,
    });
  }

  /** Particle ids used in messages (index -> id). */
  ids?: ArrayLike<number>;

  /** The full state for a restart file (call between runs). */
  saveState(): RestartState {
    return saveRestart(this);
  }

  /** Restores a saved state into this system (built from the same case: same particles and walls). */
  loadState(st: RestartState): void {
    loadRestart(this, st);
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
    const go = (k: number, threaded: boolean) => {
      const end = this.getF(L.H_STEP) + k;
      while (this.getF(L.H_STEP) < end) {
        const left = end - this.getF(L.H_STEP);
        const st = threaded && this.threads ? this.threads.step(left) : this.kernels.demStep(this.sys, left);
        this.handle(st, "time stepping");
      }
    };
    if (record) {
      go(nsteps - 1, true);
      // the recorded step on this thread alone (its per-contact and per-particle sums in one order)
      this.setI(L.H_RECORD, 1);
      try {
        go(target - this.getF(L.H_STEP), false);
      } finally {
        this.setI(L.H_RECORD, 0);
      }
    } else go(nsteps, true);
  }

  /** The threads stepping this system (`startDemThreads` in threads.ts, Node), if any. */
  threads?: { readonly threads: number; step(nsteps: number): number; stop(): void };

  /** Ends the worker threads (stepping continues on this thread). */
  stopThreads(): void {
    this.threads?.stop();
    this.threads = undefined;
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

  wall(k: number): WallView {
    return readWall(this, k);
  }
  /** +1 when the particles lie on the positive side of wall k, -1 otherwise. */
  wallSide(k: number): 1 | -1 {
    return wallSideOf(this, k);
  }
  setWall(k: number, patch: WallPatch): void {
    patchWall(this, k, patch);
  }

  /** Neighbour-list pairs with the data of the last recorded step (contacts: overlap > 0). */
  contacts(): ContactList {
    return readContacts(this);
  }
}
