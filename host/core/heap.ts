/**
 * Linear memory shared by the host and the kernels: either the wasm module's memory or, for the
 * plain-TypeScript twin, an ArrayBuffer with the same layout. A bump allocator hands out regions;
 * growth detaches old views, so callers re-create views from `buffer` after any `alloc`.
 */
export interface Heap {
  readonly buffer: ArrayBuffer;
  /**
   * Allocates `bytes` aligned to `align`; returns the byte offset. Zeroed unless `zero` is false (workspace
   * the kernels write before they read: skipping the fill saves a pass over memory on re-use).
   */
  alloc(bytes: number, align?: number, zero?: boolean): number;
  /** Bytes handed out so far (high-water mark). */
  readonly used: number;
  /** Frees everything allocated after `mark` (a value of `used` taken earlier); memory itself is kept. */
  reset(mark: number): void;
}

const PAGE = 65536;
/** wasm32 limit; the host refuses allocations beyond it with a clear error. */
export const MAX_HEAP_BYTES = 4 * 1024 * 1024 * 1024 - PAGE;

export class HeapOverflowError extends Error {}

abstract class BumpHeap implements Heap {
  protected top: number;
  /** End of the highest region ever handed out: memory above it has never been written (fresh pages are zero). */
  private dirtyEnd: number;
  constructor(protected readonly base: number) {
    this.top = base;
    this.dirtyEnd = base;
  }
  abstract get buffer(): ArrayBuffer;
  protected abstract ensure(bytes: number): void;
  get used(): number {
    return this.top;
  }
  reset(mark: number): void {
    this.top = Math.max(this.base, Math.min(this.top, mark));
  }
  alloc(bytes: number, align = 16, zero = true): number {
    const p = Math.ceil(this.top / align) * align;
    const end = p + Math.max(0, Math.ceil(bytes));
    if (end > MAX_HEAP_BYTES) {
      throw new HeapOverflowError(
        `memory: ${(end / 2 ** 20).toFixed(0)} MiB needed, but wasm32 memory is limited to 4096 MiB; use fewer particles or a smaller grid`,
      );
    }
    this.ensure(end);
    // only what was handed out before needs zeroing (after a reset); fresh memory is zero, and not touching it
    // spares the page faults of a large workspace (a 200^3 transport solve: ~1 GB)
    if (zero && p < this.dirtyEnd) new Uint8Array(this.buffer, p, Math.min(end, this.dirtyEnd) - p).fill(0);
    this.dirtyEnd = Math.max(this.dirtyEnd, end);
    this.top = end;
    return p;
  }
}

/** The wasm module's own memory; grows by whole pages. */
export class WasmHeap extends BumpHeap {
  constructor(
    private readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    super(base);
  }
  get buffer(): ArrayBuffer {
    return this.memory.buffer as ArrayBuffer;
  }
  protected ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const want = Math.max(bytes, Math.min(MAX_HEAP_BYTES, have * 1.25));
    this.memory.grow(Math.ceil((want - have) / PAGE));
  }
}

/** A plain ArrayBuffer with the wasm layout, for the TypeScript twin. */
export class ArrayHeap extends BumpHeap {
  private buf: ArrayBuffer;
  constructor(base = 1024) {
    super(base);
    this.buf = new ArrayBuffer(Math.max(PAGE, base));
  }
  get buffer(): ArrayBuffer {
    return this.buf;
  }
  protected ensure(bytes: number): void {
    if (bytes <= this.buf.byteLength) return;
    const next = new ArrayBuffer(Math.ceil(Math.max(bytes, this.buf.byteLength * 1.25) / PAGE) * PAGE);
    new Uint8Array(next).set(new Uint8Array(this.buf));
    this.buf = next;
  }
}
