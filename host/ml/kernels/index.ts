/**
 * The training-kernel pack for the tfjs 'wasm' backend (tfjs-backend-wasm 4.22.0, pinned):
 * kernels the backend lacks (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input) and
 * ones too slow to train with (Conv2DBackpropInput, MaxPoolGrad, Tile, and the reductions,
 * BatchNorm and broadcast arithmetic of elementwise.ts).
 * tfjs-core's gradient functions call kernels by name, so registering them is all it takes.
 */
import type * as TF from "@tensorflow/tfjs";
import type { KernelFunc } from "@tensorflow/tfjs";
import { Builtins, type WasmBackend } from "./util.js";
import { conv2DBackpropFilter, conv2DBackpropInput } from "./conv.js";
import { coreKernels, CoreMlKernels } from "./core.js";
import { elementwiseKernels, meanGradConfig, ELEMENTWISE_OVERRIDES } from "./elementwise.js";
import { InPlaceMl } from "./inplace.js";

export interface PackInfo {
  simd: boolean;
  threads: number;
  kernels: { name: string; impl: string }[];
  /** Gradient functions the pack replaces (global in tfjs: they serve every backend). */
  gradients: { name: string; impl: string }[];
}

/** Built-in wasm kernels the pack replaces; captured first, since some fall back to them. */
const OVERRIDDEN = ["Conv2DBackpropInput", "MaxPoolGrad", "Tile", ...ELEMENTWISE_OVERRIDES];

let registered: Promise<PackInfo> | undefined;

/**
 * Registers the pack for backendName 'wasm'. Call with 'wasm' active and initialised
 * (tf.setBackend('wasm')); later calls return the first result.
 */
export function registerWasmPack(tf: typeof TF): Promise<PackInfo> {
  registered ??= (async () => {
    if (tf.getBackend() !== "wasm")
      throw new Error(`ml pack: activate the 'wasm' backend before registering the pack (active: ${tf.getBackend()})`);
    const backend = tf.backend() as unknown as WasmBackend;
    const b = new Builtins(tf, backend);
    // capture every built-in the pack calls or replaces before anything is unregistered
    for (const k of ["Conv2D", "Transpose", "Reverse", "BatchMatMul", ...OVERRIDDEN]) b.capture(k);
    // load the core (build/assbkit.wasm) before touching the registry: a missing build fails cleanly
    const core = await CoreMlKernels.load();
    const fromCore = coreKernels(tf, b, backend, core);
    // build/assbkit-ml.wasm on the tfjs heap itself (elementwise kernels, where copies would not pay)
    const inPlace = await InPlaceMl.load(backend);
    const elementwise = elementwiseKernels(tf, b, backend, inPlace);
    const kernels: PackInfo["kernels"] = [];
    const put = (name: string, kernelFunc: KernelFunc, impl: string) => {
      if (tf.getKernel(name, "wasm")) tf.unregisterKernel(name, "wasm");
      tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc });
      kernels.push({ name, impl });
    };
    put(
      "Conv2DBackpropInput",
      conv2DBackpropInput(tf, b),
      "stride 1: XNNPACK Conv2D of dy with the flipped filter; strided: XNNPACK BatchMatMul + col2im",
    );
    put(
      "Conv2DBackpropFilter",
      conv2DBackpropFilter(tf, b, core),
      "O <= 32 or few taps: assbkit core mlConvFilterGrad (f32x4); else im2row of x^T + XNNPACK BatchMatMul per chunk of images",
    );
    for (const k of [...fromCore, ...elementwise]) put(k.name, k.kernelFunc, k.impl);
    tf.registerGradient(meanGradConfig(tf));
    const gradients = [{ name: "Mean", impl: "broadcastTo(dy / n) instead of dy * ones(x.shape) / n: same values, no full-size JS array" }];
    return {
      simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT") as boolean,
      // flags_wasm.js forces WASM_HAS_MULTITHREAD_SUPPORT off in Node (tfjs issue #3830)
      threads: tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? (await import("@tensorflow/tfjs-backend-wasm")).getThreadsCount() : 1,
      kernels,
      gradients,
    };
  })();
  return registered;
}
