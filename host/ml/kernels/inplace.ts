/**
 * The ML kernels of assembly/ml/kernels.ts run in place on the tfjs-wasm heap: the same source is
 * built a second time as build/assbkit-ml.wasm (asconfig target "ml", imported memory, no static
 * data), and that instance is given the tfjs-wasm module's own WebAssembly.Memory. Its kernels then
 * read inputs and write outputs at the tensors' heap offsets: no copies between two memories,
 * which is what makes elementwise kernels (broadcast binary ops, BatchNorm, reductions) pay.
 *
 * The parameter block and small per-call scratch (per-channel vectors, f64 totals) live in one
 * region malloc'ed from the tfjs heap and grown on demand. Heap growth detaches views, so every
 * view of memory.buffer is taken afresh after the last allocation of a call.
 */
import type { TensorInfo } from "@tensorflow/tfjs";
import * as L from "../../../assembly/ml/layout.js";
import type { WasmBackend } from "./util.js";

/** The tfjs-wasm Emscripten module parts this file uses (tfjs-backend-wasm 4.22.0). */
interface EmModule {
  asm: { memory: WebAssembly.Memory };
  _malloc(n: number): number;
  _free(p: number): void;
}

interface MlExports {
  mlReduceRows(p: number): number;
  mlBatchNorm(p: number): number;
  mlBinary(p: number): number;
}

export type BinaryOp = typeof L.ML_ADD | typeof L.ML_SUB | typeof L.ML_MUL | typeof L.ML_DIV;
export type Span = typeof L.ML_FULL | typeof L.ML_ROW | typeof L.ML_CHAN | typeof L.ML_SCALAR;

const PARAM_BYTES = L.PARAM_SLOTS * 8;
const isNode = typeof process !== "undefined" && process.versions?.node != null;

const STATUS: Record<number, string> = {
  [L.ML_BAD_SHAPE]: "a dimension below 1",
  [L.ML_BAD_OP]: "unknown operation or operand span",
};

let cachedModule: Promise<WebAssembly.Module> | undefined;

async function compileMl(): Promise<WebAssembly.Module> {
  // host/ml/kernels/ and dist/host/ml/kernels/ both resolve this (postbuild copies build/*.wasm to dist/build/)
  const url = new URL("../../../build/assbkit-ml.wasm", import.meta.url);
  let bytes: ArrayBuffer | Uint8Array;
  if (isNode && url.protocol === "file:") {
    const fsName = "node:fs/promises";
    const fs = (await import(/* @vite-ignore */ fsName)) as typeof import("node:fs/promises");
    try {
      bytes = await fs.readFile(url);
    } catch (e) {
      throw new Error(`ml pack: cannot read ${url.pathname} (${(e as Error).message}); rebuild the core with 'npm run asbuild'`);
    }
  } else {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`ml pack: fetching ${url.href} failed with HTTP ${res.status}`);
    bytes = await res.arrayBuffer();
  }
  const mod = await WebAssembly.compile(bytes as BufferSource);
  // it must import nothing but the memory: any other import (or a data segment, which the build
  // target has none of) would mean the kernels are no longer safe to run on someone else's heap
  const imports = WebAssembly.Module.imports(mod);
  if (imports.length !== 1 || imports[0].kind !== "memory") {
    throw new Error(
      `ml pack: build/assbkit-ml.wasm imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}; expected only env.memory (assembly/ml/kernels.ts must stay free of globals and static data)`,
    );
  }
  return mod;
}

export class InPlaceMl {
  private raw = 0; // what _malloc returned (and _free takes)
  private region = 0; // raw rounded up to 16 bytes
  private regionBytes = 0;

  private constructor(
    private readonly ex: MlExports,
    private readonly em: EmModule,
    private readonly backend: WasmBackend,
  ) {}

  static async load(backend: WasmBackend): Promise<InPlaceMl> {
    const em = backend.wasm as unknown as EmModule;
    if (!(em.asm?.memory instanceof WebAssembly.Memory) || typeof em._malloc !== "function") {
      throw new Error("ml pack: the tfjs-wasm module does not expose its memory and malloc as tfjs-backend-wasm 4.22.0 does");
    }
    cachedModule ??= compileMl();
    const inst = await WebAssembly.instantiate(await cachedModule, { env: { memory: em.asm.memory } });
    const ex = inst.exports as unknown as MlExports;
    for (const f of ["mlReduceRows", "mlBatchNorm", "mlBinary"] as const) {
      if (typeof ex[f] !== "function") throw new Error(`ml pack: build/assbkit-ml.wasm lacks ${f}; rebuild with 'npm run asbuild'`);
    }
    return new InPlaceMl(ex, em, backend);
  }

  /** Heap offset of a tensor's data. */
  ptr(t: TensorInfo): number {
    const d = this.backend.dataIdMap.get(t.dataId);
    if (!d) throw new Error("ml pack: tensor not on the wasm heap");
    return d.memoryOffset;
  }

  /**
   * The parameter block (zeroed) followed by `extra` bytes of scratch, 16-byte aligned. May
   * malloc (and so grow the heap): call it after makeOutput and before taking views.
   */
  private block(extra: number): number {
    const need = PARAM_BYTES + extra;
    if (need > this.regionBytes) {
      if (this.raw) this.em._free(this.raw);
      this.regionBytes = Math.max(need, 2 * this.regionBytes, 4096);
      this.raw = this.em._malloc(this.regionBytes + 16);
      if (!this.raw) throw new Error(`ml pack: malloc of ${this.regionBytes + 16} bytes on the tfjs heap failed`);
      this.region = (this.raw + 15) & ~15;
    }
    new Uint8Array(this.em.asm.memory.buffer, this.region, PARAM_BYTES).fill(0);
    return this.region;
  }

  private dv(p: number): DataView {
    return new DataView(this.em.asm.memory.buffer, p, PARAM_BYTES);
  }

  private check(kernel: string, st: number): void {
    if (st !== L.ML_OK) throw new Error(`ml pack ${kernel}: the kernel returned status ${st} (${STATUS[st] ?? "unknown"})`);
  }

  /** out [A, C] = scale * (sum over the middle axis of x viewed as [A, R, C]). */
  reduceRows(kernel: string, x: TensorInfo, A: number, R: number, C: number, scale: number, out: TensorInfo): void {
    const p = this.block(C * 8);
    const dv = this.dv(p);
    dv.setInt32(L.K_A * 8, A, true);
    dv.setInt32(L.K_ROWS * 8, R, true);
    dv.setInt32(L.K_C * 8, C, true);
    dv.setFloat64(L.K_SCALE * 8, scale, true);
    dv.setUint32(L.K_X * 8, this.ptr(x), true);
    dv.setUint32(L.K_OUT * 8, this.ptr(out), true);
    dv.setUint32(L.K_WORK * 8, p + PARAM_BYTES, true);
    this.check(kernel, this.ex.mlReduceRows(p));
  }

  /**
   * out = (x - mean) * scale / sqrt(variance + eps) + offset over x viewed as [R, C]; the four
   * per-channel vectors are given as plain arrays (scalars already expanded), copied to scratch.
   */
  batchNorm(
    x: TensorInfo,
    R: number,
    C: number,
    v: { mean: Float32Array; variance: Float32Array; scale: Float32Array; offset: Float32Array },
    eps: number,
    out: TensorInfo,
  ): void {
    const p = this.block(5 * C * 4);
    const s = p + PARAM_BYTES;
    const f = new Float32Array(this.em.asm.memory.buffer, s, 5 * C);
    f.set(v.mean, 0);
    f.set(v.variance, C);
    f.set(v.scale, 2 * C);
    f.set(v.offset, 3 * C);
    const dv = this.dv(p);
    dv.setInt32(L.K_ROWS * 8, R, true);
    dv.setInt32(L.K_C * 8, C, true);
    dv.setFloat64(L.K_EPS * 8, eps, true);
    dv.setUint32(L.K_X * 8, this.ptr(x), true);
    dv.setUint32(L.K_OUT * 8, this.ptr(out), true);
    dv.setUint32(L.K_MEAN * 8, s, true);
    dv.setUint32(L.K_VAR * 8, s + 4 * C, true);
    dv.setUint32(L.K_GAMMA * 8, s + 8 * C, true);
    dv.setUint32(L.K_BETA * 8, s + 12 * C, true);
    dv.setUint32(L.K_WORK * 8, s + 16 * C, true);
    this.check("FusedBatchNorm", this.ex.mlBatchNorm(p));
  }

  /** out [A, R, C] = op(x, y), each spanning the output as ML_FULL, ML_ROW, ML_CHAN or ML_SCALAR. */
  binary(
    kernel: string,
    op: BinaryOp,
    x: TensorInfo,
    mx: Span,
    y: TensorInfo,
    my: Span,
    A: number,
    R: number,
    C: number,
    out: TensorInfo,
  ): void {
    const p = this.block(0);
    const dv = this.dv(p);
    dv.setInt32(L.K_A * 8, A, true);
    dv.setInt32(L.K_ROWS * 8, R, true);
    dv.setInt32(L.K_C * 8, C, true);
    dv.setInt32(L.K_OP * 8, op, true);
    dv.setInt32(L.K_MODE_X * 8, mx, true);
    dv.setInt32(L.K_MODE_Y * 8, my, true);
    dv.setUint32(L.K_X * 8, this.ptr(x), true);
    dv.setUint32(L.K_Y * 8, this.ptr(y), true);
    dv.setUint32(L.K_OUT * 8, this.ptr(out), true);
    this.check(kernel, this.ex.mlBinary(p));
  }
}
