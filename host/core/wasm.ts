/**
 * Loads the compute core (build/assbkit.wasm) in Node and in browsers. One module instance per
 * call; its memory is the heap of everything built on it.
 */
import { WasmHeap, type Heap } from "./heap.js";

export interface CoreExports extends TransportFns {
  memory: WebAssembly.Memory;
  heapBase(): number;
  demPrepare(sys: number): void;
  demSetup(sys: number): number;
  demStep(sys: number, nsteps: number): number;
  // ML training kernels (assembly/ml/kernels.ts): one parameter block (assembly/ml/layout.ts), status code
  mlMaxPoolGrad(params: number): number;
  mlBiasGrad(params: number): number;
  mlTile(params: number): number;
  mlDepthwiseBackpropInput(params: number): number;
  mlDepthwiseBackpropFilter(params: number): number;
  mlConvFilterGrad(params: number): number;
  mlReduceRows(params: number): number;
  mlBatchNorm(params: number): number;
  mlBinary(params: number): number;
  // P2D cell kernels (assembly/cell): one header block (assembly/cell/layout.ts), status code
  cellStep(sys: number): number;
  cellOcv(sys: number, x: number): number;
}

/** The P2D cell kernels (assembly/cell) over a heap: the wasm core or the TS twin (host/cell/twin.ts). */
export interface CellKernels {
  readonly name: "wasm" | "ts";
  readonly heap: Heap;
  cellStep(sys: number): number;
  cellOcv(sys: number, x: number): number;
}

/** The transport kernels (assembly/transport/grid.ts) over a heap: the wasm core or the TS twin (host/transport/twin.ts). */
export interface TransportKernels extends TransportFns {
  readonly name: "wasm" | "ts";
  readonly heap: Heap;
}

/** The transport kernels' entry points (the same in the wasm exports and the twin). */
export interface TransportFns {
  tpBuild(sys: number): void;
  tpPercolate(sys: number): number;
  tpDiag(lv: number): void;
  tpMask(sys: number): void;
  tpCoarsen(fine: number, coarse: number): void;
  tpComponentLevels(sys: number): number;
  tpInitGuess(sys: number): void;
  tpFlux(sys: number): void;
  tpSolveSOR(sys: number): number;
  tpSolvePCG(sys: number): number;
}

/** A set of kernels over a heap: the wasm core, or the plain-TypeScript twin (host/dem/twin.ts). */
export interface Kernels {
  readonly name: "wasm" | "ts";
  readonly heap: Heap;
  demPrepare(sys: number): void;
  demSetup(sys: number): number;
  demStep(sys: number, nsteps: number): number;
}

export interface LoadOptions {
  /** The module's bytes or where to fetch them (default: build/assbkit.wasm next to this package). */
  wasm?: BufferSource | URL | string;
  /** Use the debug build (assertions on). */
  debug?: boolean;
  /** An already compiled core (e.g. from `coreModule` in the parent of a worker thread: the workers share its machine code). */
  module?: WebAssembly.Module;
}

const isNode = typeof process !== "undefined" && process.versions != null && process.versions.node != null;

function defaultUrl(debug: boolean): URL {
  // host/core/ and dist/host/core/ both resolve this: postbuild copies build/ into dist/build/
  return new URL(`../../build/assbkit${debug ? ".debug" : ""}.wasm`, import.meta.url);
}

let cachedModule: Promise<WebAssembly.Module> | undefined;
let cachedKey = "";

async function compile(src: BufferSource | URL | string): Promise<WebAssembly.Module> {
  if (typeof src === "string" || src instanceof URL) {
    const url = typeof src === "string" ? new URL(src, isNode ? `file://${process.cwd()}/` : globalThis.location?.href) : src;
    if (isNode && url.protocol === "file:") {
      const fsName = "node:fs/promises";
      const fs = (await import(/* @vite-ignore */ fsName)) as typeof import("node:fs/promises");
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(url);
      } catch (e) {
        throw new Error(
          `core: cannot read ${url.pathname} (${(e as Error).message}); run 'npm run build' (npm ci does it) to compile the wasm core`,
        );
      }
      return WebAssembly.compile(bytes as BufferSource);
    }
    const res = await fetch(url);
    if (!res.ok) throw new Error(`core: fetching ${url.href} failed with HTTP ${res.status}`);
    return WebAssembly.compile(await res.arrayBuffer());
  }
  return WebAssembly.compile(src);
}

/** The compiled core (cached per source), e.g. to hand to worker threads (a Module can be posted to a worker). */
export function coreModule(opts: LoadOptions = {}): Promise<WebAssembly.Module> {
  if (opts.module) return Promise.resolve(opts.module);
  const src = opts.wasm ?? defaultUrl(opts.debug ?? false);
  const key = src instanceof URL || typeof src === "string" ? String(src) : "";
  if (!cachedModule || key === "" || key !== cachedKey) {
    cachedModule = compile(src);
    cachedKey = key;
  }
  return cachedModule;
}

/** Instantiates the compute core; the compiled module is cached, every call gets fresh memory. */
export async function loadCore(opts: LoadOptions = {}): Promise<Kernels & TransportKernels & CellKernels & { exports: CoreExports }> {
  const module = await coreModule(opts);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`core: wasm abort at ${line}:${col}`);
      },
    },
  });
  const ex = instance.exports as unknown as CoreExports;
  const heap = new WasmHeap(ex.memory, Math.ceil((ex.heapBase() >>> 0) / 64) * 64 + 64);
  return {
    name: "wasm",
    heap,
    exports: ex,
    demPrepare: (sys) => ex.demPrepare(sys),
    demSetup: (sys) => ex.demSetup(sys),
    demStep: (sys, n) => ex.demStep(sys, n),
    tpBuild: (sys) => ex.tpBuild(sys),
    tpPercolate: (sys) => ex.tpPercolate(sys),
    tpDiag: (lv) => ex.tpDiag(lv),
    tpCoarsen: (f, c) => ex.tpCoarsen(f, c),
    tpComponentLevels: (sys) => ex.tpComponentLevels(sys),
    tpInitGuess: (sys) => ex.tpInitGuess(sys),
    tpFlux: (sys) => ex.tpFlux(sys),
    tpMask: (sys) => ex.tpMask(sys),
    tpSolveSOR: (sys) => ex.tpSolveSOR(sys),
    tpSolvePCG: (sys) => ex.tpSolvePCG(sys),
    cellStep: (sys) => ex.cellStep(sys),
    cellOcv: (sys, x) => ex.cellOcv(sys, x),
  };
}
