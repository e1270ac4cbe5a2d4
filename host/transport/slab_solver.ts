/**
 * One slab of a volume solved in slabs (slabs.ts): it owns planes i0 .. i1 - 1 of the transport axis and holds
 * planes e0 .. e1 - 1 (up to `overlap` planes of each neighbour) in one compute core, with the kernels of
 * assembly/transport/slab.ts. `op` runs one phase of the distributed flexible CG; the overlap planes of r and z are
 * copied from their owners through `faces` (restricted additive Schwarz: a slab's correction counts on the planes it
 * owns only), so p, x and the products on the owned planes are the global ones.
 */
import * as T from "../../assembly/transport/layout.js";
import type { TransportKernels } from "../core/wasm.js";
import { GridSolver, type SolverOptions } from "./solver.js";

/**
 * Per exchanged vector (r, then z) and slab its first and last `overlap` owned planes (f64; shared memory across
 * workers). One area per vector: a slab publishes z while its neighbour may still be reading r.
 */
export function makeFaces(slabs: number, planeCells: number, overlap: number, shared: boolean): ArrayBufferLike {
  const bytes = 2 * slabs * 2 * overlap * planeCells * 8;
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** The phases of the distributed flexible CG (slabs.ts runs them in this order; see each case in `op`). */
export type SlabOp = "init" | "precond" | "direction" | "axpy" | "finish" | "flux";

export interface SlabPlanes {
  /** this slab's index and the number of slabs */
  s: number;
  slabs: number;
  /** owned planes [i0, i1), held planes [e0, e1), of n0 along the transport axis */
  i0: number;
  i1: number;
  e0: number;
  e1: number;
  n0: number;
  overlap: number;
}

export class SlabSolver extends GridSolver {
  private readonly m: number;

  constructor(
    k: TransportKernels,
    readonly planes: SlabPlanes,
    lateral: [number, number],
    periodic: [boolean, boolean],
    options: Partial<SolverOptions>,
    private readonly faces: Float64Array,
  ) {
    super(k, [planes.e1 - planes.e0, lateral[0], lateral[1]], periodic, options, "slab");
    this.m = lateral[0] * lateral[1];
    const d = new DataView(k.heap.buffer);
    d.setInt32(this.sys + T.S_OWN0 * 8, planes.i0 - planes.e0, true);
    d.setInt32(this.sys + T.S_OWN1 * 8, planes.i1 - planes.e0, true);
  }

  private f64(slot: number, count: number, offset = 0): Float64Array {
    const p = new DataView(this.k.heap.buffer).getUint32(this.sys + slot * 8, true);
    return new Float64Array(this.k.heap.buffer, p + offset * 8, count);
  }

  /**
   * Set-up: the kept cells of the held planes (`kept`, 0/1 in internal order from the first held cell: the global
   * spanning network, network.ts), the labelling, mask and coarse levels. Returns the kept cells the slab holds.
   */
  setup(kept: Uint8Array): number {
    const sg = this.sigmaView();
    for (let c = 0; c < this.n; c++) sg[c] = kept[c];
    const k = this.k;
    k.tpBuild(this.sys);
    const np = k.tpPercolate(this.sys);
    k.tpSlabMask(this.sys);
    this.buildComponentLevels();
    return np;
  }

  /** The faces of the vector in header slot `slot` (S_R or S_Z). */
  private area(slot: number): Float64Array {
    const half = this.faces.length / 2;
    return slot === T.S_R ? this.faces.subarray(0, half) : this.faces.subarray(half);
  }

  /** Copies the first and last `overlap` owned planes of the vector in header slot `slot` to its faces. */
  private publish(slot: number): void {
    const { s, slabs, i0, i1, e0, overlap } = this.planes;
    const len = overlap * this.m,
      o = s * 2 * len,
      f = this.area(slot);
    if (s > 0) f.set(this.f64(slot, len, (i0 - e0) * this.m), o);
    if (s < slabs - 1) f.set(this.f64(slot, len, (i1 - overlap - e0) * this.m), o + len);
  }

  /** Overwrites the overlap planes of the vector in header slot `slot` with the owners' (published) planes. */
  private pull(slot: number): void {
    const { s, slabs, i0, i1, e0, e1, overlap } = this.planes;
    const len = overlap * this.m,
      m = this.m,
      f = this.area(slot);
    // the planes below i0 are the last ones of slab s - 1, those from i1 on the first ones of slab s + 1
    if (i0 > e0) this.f64(slot, (i0 - e0) * m).set(f.subarray((s - 1) * 2 * len + len + (overlap - (i0 - e0)) * m, s * 2 * len));
    if (e1 > i1 && s < slabs - 1)
      this.f64(slot, (e1 - i1) * m, (i1 - e0) * m).set(f.subarray((s + 1) * 2 * len, (s + 1) * 2 * len + (e1 - i1) * m));
  }

  /** On the first slab: r += b (the inlet links at plane 0); returns b . x, sum b, b . b. */
  private addInlet(): number[] {
    let bx = 0,
      gin = 0,
      bb = 0;
    if (this.planes.s === 0) {
      const b = this.f64(T.S_GIN, this.m),
        r = this.f64(T.S_R, this.m),
        x = this.f64(T.S_XS, this.m);
      for (let c = 0; c < this.m; c++) {
        r[c] += b[c];
        bx += b[c] * x[c];
        gin += b[c];
        bb += b[c] * b[c];
      }
    }
    return [bx, gin, bb];
  }

  /** One phase of the solve (slabs.ts); returns the slab's partial sums of that phase over its owned planes. */
  op(name: SlabOp, a = 0, beta = 0, first = false): number[] {
    const k = this.k,
      sys = this.sys,
      gf = (slot: number) => new DataView(k.heap.buffer).getFloat64(sys + slot * 8, true);
    switch (name) {
      case "init": {
        // x = the linear profile, r = b - A x: r . r, r . x, b . x, sum b, b . b; r's owned edge planes to the neighbours
        k.tpSlabInit(sys, this.planes.e0, this.planes.n0);
        const [bx, gin, bb] = this.addInlet();
        this.publish(T.S_R);
        return [k.tpSlabDot(sys, T.S_R, T.S_R), k.tpSlabDot(sys, T.S_R, T.S_XS), bx, gin, bb];
      }
      case "precond":
        // r's overlap from its owners, z = M r: r . z, z . q; z's edge planes to the neighbours
        this.pull(T.S_R);
        k.tpSlabPrecond(sys);
        this.publish(T.S_Z);
        return [gf(T.S_RZ), gf(T.S_ZQ)];
      case "direction": {
        // z's overlap from its owners, x += a p, p = z + beta p, q = A p: p . q, p . r
        this.pull(T.S_Z);
        const pq = k.tpSlabDirection(sys, first ? 1 : 0, a, beta);
        return [pq, gf(T.S_PR)];
      }
      case "axpy": {
        // r -= a q: r . r; r's edge planes to the neighbours
        const rr = k.tpSlabAxpy(sys, a);
        this.publish(T.S_R);
        return [rr];
      }
      case "finish": {
        // x += a p, r = b - A x: r . r, r . x, b . x, sum b
        k.tpSlabFinish(sys, a);
        const [bx, gin] = this.addInlet();
        return [k.tpSlabDot(sys, T.S_R, T.S_R), k.tpSlabDot(sys, T.S_R, T.S_XS), bx, gin];
      }
      case "flux":
        k.tpFlux(sys);
        return [gf(T.S_FLUXIN), gf(T.S_FLUXOUT)];
    }
  }

  /** The memory estimate and the workspace this slab used [bytes]. */
  memoryUse(): { estimate_bytes: number; used_bytes: number } {
    return this.memory();
  }
}
