/**
 * Typed access to one kernel header on the heap: 8-byte slots at `sys`, integers and pointers in the low
 * 4 bytes, reals as f64 (the layout.ts convention of every kernel family). The views are re-bound when the
 * heap has grown (a grown wasm memory detaches the old buffer). The sims of the kernel families extend it.
 */
import type { Heap } from "./heap.js";

export class HeaderSlots {
  /** address of the header */
  sys = 0;
  protected f!: Float64Array;
  protected i!: Int32Array;

  constructor(protected readonly slotHeap: Heap) {}

  /** Re-binds the views after the heap has grown. */
  protected view(): void {
    const b = this.slotHeap.buffer;
    if (!this.f || this.f.buffer !== b) {
      this.f = new Float64Array(b);
      this.i = new Int32Array(b);
    }
  }
  ptr(slot: number): number {
    this.view();
    return this.i[(this.sys >>> 2) + slot * 2] >>> 0;
  }
  setPtr(slot: number, p: number): void {
    this.sI(slot, p);
  }
  gF(slot: number): number {
    this.view();
    return this.f[(this.sys >>> 3) + slot];
  }
  sF(slot: number, v: number): void {
    this.view();
    this.f[(this.sys >>> 3) + slot] = v;
  }
  gI(slot: number): number {
    this.view();
    return this.i[(this.sys >>> 2) + slot * 2];
  }
  sI(slot: number, v: number): void {
    this.view();
    this.i[(this.sys >>> 2) + slot * 2] = v;
  }
  /** A view of the n f64 values the pointer in `slot` points at (re-take it after anything that may grow the heap). */
  arr(slot: number, n: number): Float64Array {
    const p = this.ptr(slot) >>> 3;
    return this.f.subarray(p, p + n);
  }
  /** The same for i32 values. */
  iarr(slot: number, n: number): Int32Array {
    const p = this.ptr(slot) >>> 2;
    return this.i.subarray(p, p + n);
  }
}
