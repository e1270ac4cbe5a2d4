/**
 * TensorFlow.js backend selection for training and inference.
 *
 * Order for `backend: "auto"`:
 *   1. @tensorflow/tfjs-node-gpu, when it loads and libtensorflow sees a CUDA device;
 *   2. @tensorflow/tfjs-node (native libtensorflow on the CPU), when it is installed;
 *   3. 'wasm' (@tensorflow/tfjs-backend-wasm, XNNPACK + SIMD, one thread in Node) with the
 *      project's training-kernel pack (host/ml/kernels) registered, which adds the gradient
 *      kernels the stock backend lacks and replaces the ones that are too slow to train with.
 * 'cpu' (pure JS) is only chosen when asked for: it is the reference oracle of the parity tests
 * and 100-300x slower than 'wasm' + pack for CNN training.
 *
 * The native packages are optional peers that assbkit does not install: each one's install script
 * downloads libtensorflow from storage.googleapis.com, so it is installed by hand where that works,
 * and without it we fall back. Each candidate that was not used is recorded with the reason, so `assb ml info`
 * can say plainly why training runs where it runs.
 */
import { tf, type Tf } from "./tf.js";
import { importOptional, OPTIONAL_PACKAGES } from "../core/optional.js";
import { registerWasmPack, type PackInfo } from "./kernels/index.js";
import { ConfigError } from "../config/errors.js";
import { parseBackend } from "./names.js";

export type MlBackendName = "tensorflow" | "wasm" | "cpu";
export type MlBackendRequest = "auto" | MlBackendName;

export interface MlCandidate {
  /** Package or backend name, e.g. "@tensorflow/tfjs-node-gpu". */
  name: string;
  /** Why it was not used. */
  reason: string;
}

export interface MlBackendInfo {
  /** What was asked for. */
  requested: MlBackendRequest;
  /** The tfjs backend now active. */
  backend: MlBackendName;
  /** The package that supplies it. */
  package: string;
  /** True when the backend computes on a GPU. */
  gpu: boolean;
  /** Candidates of the auto order that were tried or skipped, with the reason each was not used. */
  notUsed: MlCandidate[];
  /** tfjs versions ({ tfjs, "tfjs-core", ... }). */
  versions: Record<string, string>;
  /** 'wasm' only: SIMD build loaded. */
  simd?: boolean;
  /** Threads the backend computes with (wasm in Node: 1, see tfjs issue #3830). */
  threads?: number;
  /** 'wasm' only: kernels of the project's pack registered for 'wasm' (name and implementation). */
  packKernels?: PackInfo["kernels"];
  /** 'wasm' only: gradient functions the pack replaced (global in tfjs). */
  packGradients?: PackInfo["gradients"];
}

export interface InitMlOptions {
  backend?: MlBackendRequest;
}

export type { Tf };

const isNode = typeof process !== "undefined" && process.versions?.node != null;

/** First line of an error message, trimmed (native-addon errors are long). */
function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0].trim().slice(0, 300);
}

function isNotInstalled(e: unknown, pkg: string): boolean {
  const code = (e as { code?: string })?.code;
  const msg = e instanceof Error ? e.message : String(e);
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && msg.includes(pkg);
}

/** Imports a package by a name held in a variable, so neither tsc nor esbuild require it to exist. */
async function importByName(pkg: string): Promise<unknown> {
  return import(/* @vite-ignore */ pkg);
}

interface NativeProbe {
  ok: boolean;
  gpu: boolean;
  reason?: string;
}

/** Loads a tfjs-node package (it registers the 'tensorflow' backend on import) and checks for a GPU. */
async function probeNative(pkg: string, whyMissing: string): Promise<NativeProbe> {
  if (!isNode) return { ok: false, gpu: false, reason: "not available in browsers" };
  try {
    await importByName(pkg);
  } catch (e) {
    if (isNotInstalled(e, pkg)) return { ok: false, gpu: false, reason: `not installed (${whyMissing})` };
    return { ok: false, gpu: false, reason: `installed but fails to load: ${firstLine(e)}` };
  }
  if (!tf.findBackendFactory("tensorflow")) {
    return { ok: false, gpu: false, reason: "loaded, but registered no 'tensorflow' backend (a second copy of @tensorflow/tfjs-core?)" };
  }
  try {
    if (!(await tf.setBackend("tensorflow"))) return { ok: false, gpu: false, reason: "its 'tensorflow' backend failed to initialise" };
  } catch (e) {
    return { ok: false, gpu: false, reason: `its 'tensorflow' backend failed to initialise: ${firstLine(e)}` };
  }
  // NodeJSBackend sets isUsingGpuDevice from the binding (libtensorflow found a CUDA device)
  const gpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
  return { ok: true, gpu };
}

const GPU_PKG = "@tensorflow/tfjs-node-gpu";
const NODE_PKG = "@tensorflow/tfjs-node";
const TFJS_VERSION = OPTIONAL_PACKAGES.ml.packages["@tensorflow/tfjs"];
const GPU_MISSING = `an optional peer of assbkit; \`npm install ${GPU_PKG}@${TFJS_VERSION}\` on a machine with CUDA where its install script can download libtensorflow`;
const NODE_MISSING = `an optional peer of assbkit; \`npm install ${NODE_PKG}@${TFJS_VERSION}\` where its install script can download libtensorflow`;

let wasmReady: Promise<PackInfo> | undefined;

/** Registers and initialises the 'wasm' backend and the kernel pack (once per process). */
async function initWasm(): Promise<PackInfo> {
  wasmReady ??= (async () => {
    const wasm = await importOptional("ml", "@tensorflow/tfjs-backend-wasm", () => import("@tensorflow/tfjs-backend-wasm"));
    if (isNode) {
      // The Emscripten loader finds the .wasm files next to its own script in Node; set the
      // directory explicitly anyway so bundled copies of this module still find them.
      // module names in variables keep browser bundlers (esbuild) from trying to resolve them
      const modName = "node:module",
        pathName = "node:path";
      const { createRequire } = (await import(/* @vite-ignore */ modName)) as typeof import("node:module");
      const { dirname, join } = (await import(/* @vite-ignore */ pathName)) as typeof import("node:path");
      const req = createRequire(import.meta.url);
      const dir = dirname(req.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
      wasm.setWasmPaths(join(dir, "dist") + "/");
    }
    if (!(await tf.setBackend("wasm")))
      throw new Error("ml: the tfjs 'wasm' backend failed to initialise (its .wasm files were not found or did not compile)");
    return registerWasmPack(tf);
  })();
  return wasmReady;
}

const cache = new Map<MlBackendRequest, { tf: Tf; info: MlBackendInfo }>();
let pending: Promise<unknown> = Promise.resolve();

async function select(requested: MlBackendRequest): Promise<{ tf: Tf; info: MlBackendInfo }> {
  const notUsed: MlCandidate[] = [];
  const base = { requested, notUsed, versions: { ...tf.version } as Record<string, string> };
  if (requested === "auto" || requested === "tensorflow") {
    const g = await probeNative(GPU_PKG, GPU_MISSING);
    if (g.ok && g.gpu) return { tf, info: { ...base, backend: "tensorflow", package: GPU_PKG, gpu: true } };
    if (g.ok && requested === "tensorflow") return { tf, info: { ...base, backend: "tensorflow", package: GPU_PKG, gpu: false } };
    notUsed.push({ name: GPU_PKG, reason: g.ok ? "loaded, but libtensorflow sees no CUDA GPU" : g.reason! });
    const n = g.ok
      ? { ok: false, gpu: false, reason: `skipped: ${GPU_PKG} already registered the 'tensorflow' backend (CPU build of libtensorflow)` }
      : await probeNative(NODE_PKG, NODE_MISSING);
    if (n.ok) return { tf, info: { ...base, backend: "tensorflow", package: NODE_PKG, gpu: n.gpu } };
    notUsed.push({ name: NODE_PKG, reason: n.reason! });
    if (requested === "tensorflow") {
      throw new ConfigError(
        `ml: backend 'tensorflow' requested but unavailable: ${notUsed.map((c) => `${c.name}: ${c.reason}`).join("; ")}`,
      );
    }
  }
  if (requested === "cpu") {
    // a dependency of @tensorflow/tfjs, so there when tfjs is
    await importOptional("ml", "@tensorflow/tfjs-backend-cpu", () => import("@tensorflow/tfjs-backend-cpu"));
    if (!(await tf.setBackend("cpu"))) throw new Error("ml: the tfjs 'cpu' backend failed to initialise");
    // the cpu backend greets its first tensor in Node with advice to install tfjs-node; here it is
    // the deliberate test reference and the native backends were already considered above
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    return { tf, info: { ...base, backend: "cpu", package: "@tensorflow/tfjs-backend-cpu", gpu: false, threads: 1 } };
  }
  const pack = await initWasm();
  if (requested === "auto") notUsed.push({ name: "cpu", reason: "pure-JS reference backend, used only when asked for (tests)" });
  return {
    tf,
    info: {
      ...base,
      backend: "wasm",
      package: "@tensorflow/tfjs-backend-wasm",
      gpu: false,
      simd: pack.simd,
      threads: pack.threads,
      packKernels: pack.kernels,
      packGradients: pack.gradients,
    },
  };
}

/**
 * Selects, initialises and activates the tfjs backend; returns tfjs and what was chosen.
 * Idempotent: a repeated call with the same request returns the same objects (and re-activates
 * that backend if something switched away from it). Calls are serialised, since backend
 * switching is global state.
 */
export async function initMl(opts: InitMlOptions = {}): Promise<{ tf: Tf; info: MlBackendInfo }> {
  const requested = opts.backend ?? "auto";
  parseBackend(requested, "ml: backend");
  const run = pending.then(async () => {
    let r = cache.get(requested);
    if (!r) {
      r = await select(requested);
      cache.set(requested, r);
    }
    if (tf.getBackend() !== r.info.backend && !(await tf.setBackend(r.info.backend))) {
      throw new Error(`ml: could not re-activate the '${r.info.backend}' backend`);
    }
    await tf.ready();
    return r;
  });
  pending = run.catch(() => undefined);
  return run;
}

/** Human-readable lines for `assb ml info` and logs. */
export function describeBackend(info: MlBackendInfo): string[] {
  const lines = [
    `backend: ${info.backend} (${info.package})${info.gpu ? " on GPU" : ""}${info.requested !== "auto" ? ` [requested: ${info.requested}]` : ""}`,
  ];
  for (const c of info.notUsed) lines.push(`  not used: ${c.name}: ${c.reason}`);
  lines.push(`tfjs: ${info.versions.tfjs ?? info.versions["tfjs-core"]}`);
  if (info.simd !== undefined) lines.push(`simd: ${info.simd ? "on" : "off"}`);
  if (info.threads !== undefined) lines.push(`threads: ${info.threads}`);
  if (info.packKernels) {
    lines.push(`kernel pack (${info.packKernels.length} kernels for 'wasm'):`);
    for (const k of info.packKernels) lines.push(`  ${k.name.padEnd(38)} ${k.impl}`);
    for (const g of info.packGradients ?? []) lines.push(`  ${`${g.name} (gradient)`.padEnd(38)} ${g.impl}`);
  }
  return lines;
}
