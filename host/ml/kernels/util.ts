/**
 * Plumbing shared by the kernels of the wasm training pack: access to the BackendWasm internals
 * (pinned to tfjs 4.22.0, see host/ml/backend.ts), calls into built-in wasm kernels, and the
 * copy of tensors between the tfjs-wasm heap and the assbkit core heap.
 */
import type * as TF from "@tensorflow/tfjs";
import type { TensorInfo, KernelConfig, NamedAttrMap } from "@tensorflow/tfjs";

/** The parts of BackendWasm (tfjs-backend-wasm 4.22.0, public in its .d.ts) the pack uses. */
export interface WasmBackend {
  wasm: { HEAPU8: Uint8Array; cwrap: unknown };
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: string } | undefined };
  makeOutput(shape: number[], dtype: "float32" | "int32" | "bool"): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs?: NamedAttrMap };

/** Built-in wasm kernels, captured (and set up) before the pack overrides any of them. */
export class Builtins {
  private readonly funcs = new Map<string, (a: KernelArgs) => TensorInfo>();
  constructor(
    private readonly tf: typeof TF,
    private readonly backend: WasmBackend,
  ) {}

  /** Captures a built-in kernel so it can be called after it has been unregistered. */
  capture(name: string): void {
    if (this.funcs.has(name)) return;
    const cfg = this.tf.getKernel(name, "wasm") as KernelConfig | undefined;
    if (!cfg)
      throw new Error(`ml pack: the wasm backend has no built-in '${name}' kernel (is @tensorflow/tfjs-backend-wasm exactly 4.22.0?)`);
    // Built-in kernels cwrap their C function in setupFunc, which the backend runs at init only
    // for kernels registered then; running it again here makes the captured kernelFunc callable
    // whatever the order of registration and initialisation.
    cfg.setupFunc?.(this.backend as never);
    this.funcs.set(name, cfg.kernelFunc as unknown as (a: KernelArgs) => TensorInfo);
  }

  has(name: string): boolean {
    return this.funcs.has(name);
  }

  call(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    let f = this.funcs.get(name);
    if (!f) {
      this.capture(name);
      f = this.funcs.get(name)!;
    }
    return f({ inputs, backend: this.backend, attrs });
  }

  dispose(t: TensorInfo): void {
    this.backend.disposeData(t.dataId);
  }
}

export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** 4-D NHWC checks with a clear message (the pack handles float32 channels-last only). */
export function assertNhwc(kernel: string, what: string, t: TensorInfo): void {
  if (t.shape.length !== 4) throw new Error(`ml pack ${kernel}: ${what} must be 4-D (NHWC), got shape [${t.shape}]`);
  if (t.dtype !== "float32") throw new Error(`ml pack ${kernel}: ${what} must be float32, got ${t.dtype}`);
}
