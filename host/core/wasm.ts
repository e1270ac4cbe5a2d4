/**
 * Loads the compute core (build/assbkit.wasm) in Node and in browsers. One module instance per
 * call; its memory is the heap of everything built on it.
 */
import { WasmHeap, type Heap } from "./heap.js";
import {
  CELL_FNS,
  type CellFns,
  type CommonFns,
  DEM_FNS,
  type DemFns,
  MICRO_FNS,
  type MicroFns,
  MULTISCALE_FNS,
  type MultiscaleFns,
  type MlFns,
  TRANSPORT_FNS,
  type TransportFns,
} from "./exports.js";

/** Everything the compute core exports (the entry points are generated from assembly/index.ts). */
export interface CoreExports extends CommonFns, DemFns, TransportFns, MlFns, CellFns, MicroFns, MultiscaleFns {
  memory: WebAssembly.Memory;
}

/** A kernel family's entry points over a heap: the wasm core, or the plain-TS twin (host/<family>/twin.ts, tests). */
interface OnHeap {
  readonly name: "wasm" | "ts";
  readonly heap: Heap;
}
/** The DEM kernels (assembly/dem). */
export interface Kernels extends OnHeap, DemFns {}
/** The transport kernels (assembly/transport). */
export interface TransportKernels extends OnHeap, TransportFns {}
/** The P2D cell kernels (assembly/cell). */
export interface CellKernels extends OnHeap, CellFns {}
/** The micro chemo-mechanical kernels (assembly/micro). */
export interface MicroKernels extends OnHeap, MicroFns {}
/** The surrogate network kernel (assembly/multiscale). */
export interface MultiscaleKernels extends OnHeap, MultiscaleFns {}
export type { DemFns, TransportFns, CellFns, MicroFns, MultiscaleFns, MlFns };

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
export async function loadCore(
  opts: LoadOptions = {},
): Promise<Kernels & TransportKernels & CellKernels & MicroKernels & MultiscaleKernels & { exports: CoreExports }> {
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
  // every entry point of the DEM, transport, cell and micro families, by the generated name lists (host/core/exports.ts)
  const pick = <K extends keyof CoreExports>(names: readonly K[]) =>
    Object.fromEntries(names.map((n) => [n, ex[n]])) as Pick<CoreExports, K>;
  return {
    name: "wasm",
    heap,
    exports: ex,
    ...pick(DEM_FNS),
    ...pick(TRANSPORT_FNS),
    ...pick(CELL_FNS),
    ...pick(MICRO_FNS),
    ...pick(MULTISCALE_FNS),
  };
}

/** The shared-memory core: one memory that several instances (threads) run on. */
export interface SharedCore {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}
/** The DEM kernels of the shared-memory core, with the threaded step (assembly/dem/step_mt.ts). */
export interface SharedDemKernels extends Kernels {
  readonly shared: SharedCore;
  demStepMT(sys: number, t: number, T: number, nsteps: number): number;
}

let sharedModule: Promise<WebAssembly.Module> | undefined;

/** Imports of a shared-memory core instance. */
export function sharedImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`core: wasm abort at ${line}:${col}`);
      },
    },
  };
}

/**
 * Instantiates the shared-memory core (build/assbkit-mt.wasm: the same kernels over an imported shared memory, and
 * demStepMT) for DEM runs on several threads (host/dem/threads.ts). Needs SharedArrayBuffer (Node; a browser page
 * only when cross-origin isolated).
 */
export async function loadSharedCore(): Promise<SharedDemKernels> {
  sharedModule ??= compile(new URL("../../build/assbkit-mt.wasm", import.meta.url));
  const module = await sharedModule;
  // the module's memory import: 256 pages at least, 65536 at most (asconfig target "mt")
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared: true });
  const instance = await WebAssembly.instantiate(module, sharedImports(memory));
  const ex = instance.exports as unknown as CoreExports & { demStepMT: SharedDemKernels["demStepMT"] };
  const heap = new WasmHeap(memory, Math.ceil((ex.heapBase() >>> 0) / 64) * 64 + 64);
  const pick = <K extends keyof CoreExports>(names: readonly K[]) =>
    Object.fromEntries(names.map((n) => [n, ex[n]])) as Pick<CoreExports, K>;
  return { name: "wasm", heap, ...pick(DEM_FNS), demStepMT: ex.demStepMT, shared: { module, memory } };
}
