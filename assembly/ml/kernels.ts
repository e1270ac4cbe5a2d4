// Training kernels for the tfjs 'wasm' backend's kernel pack (host/ml/kernels): the gradients that
// do not map onto an XNNPACK convolution. Stateless functions of one parameter block (layout.ts)
// over f32 NHWC tensors the host copies into this module's memory; no allocation, status codes.
// Channels are contiguous in NHWC and independent in every kernel here, so the inner loops run
// f32x4 over four channels at a time, with a scalar tail for C % 4 channels.
// Plain-TypeScript references of the same loops: host/ml/kernels/reference.ts. One file per kernel
// family (pool, reduce, tile, depthwise, conv_filter, elementwise; shared helpers in lanes.ts and
// window.ts); this entry gathers their exports.
// This file is also built on its own as build/assbkit-ml.wasm (asconfig target "ml": imported
// memory), an instance that runs on the tfjs-wasm heap in place (host/ml/kernels/inplace.ts). So:
// no globals, no static data (strings, constant arrays), no allocation; only the memory the
// parameter block points at is touched.
export { mlMaxPoolGrad } from "./pool";
export { mlBiasGrad, mlReduceRows } from "./reduce";
export { mlTile } from "./tile";
export { mlDepthwiseBackpropInput, mlDepthwiseBackpropFilter } from "./depthwise";
export { mlConvFilterGrad } from "./conv_filter";
export { mlBatchNorm, mlBinary } from "./elementwise";
