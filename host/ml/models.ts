/**
 * The three model families of SPEC §6–§7, built with tf.layers so that they save and load in the
 * tfjs format and run in browsers. Every initializer gets its own seed drawn from the model seed,
 * so the same seed gives the same initial weights on every backend.
 *  A: paper 000 Table 2, a VGG-like stress CNN (224x224x1 by default).
 *  B: a compact EfficientNetV2-style regression net for 64x64x1 conductivity images.
 *  C: the paper 001 surrogate MLP (one hidden ReLU layer, ReLU output, L2).
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";
import { Rng } from "../core/rng.js";
import { ConfigError } from "../config/errors.js";

export interface ModelAOptions {
  kind: "A";
  /** square input edge [px] */
  inputSize: number;
  channels: number;
  /** filters of the five conv3x3 + maxpool2 blocks */
  filters: number[];
  /** hidden dense units */
  dense: number[];
  outputs: number;
}
export interface ModelBOptions {
  kind: "B";
  inputSize: number;
  channels: number;
  outputs: number;
  dropout: number;
  /** channels of the final conv1x1 before pooling */
  headChannels: number;
  /** batch-norm moving-average momentum (default 0.99 as in Keras; lower settles the inference statistics in fewer steps) */
  bnMomentum?: number;
}
export interface ModelCOptions {
  kind: "C";
  inputs: number;
  hidden: number;
  outputs: number;
  /** L2 factor on both kernels (loss += l2 * sum(w^2)) */
  l2: number;
  outputActivation: "relu" | "linear";
}
export type ModelOptions = ModelAOptions | ModelBOptions | ModelCOptions;

export const MODEL_A_DEFAULTS: Omit<ModelAOptions, "outputs"> = {
  kind: "A",
  inputSize: 224,
  channels: 1,
  filters: [32, 32, 32, 64, 64],
  dense: [128, 128],
};
export const MODEL_B_DEFAULTS: Omit<ModelBOptions, "outputs"> = { kind: "B", inputSize: 64, channels: 1, dropout: 0.2, headChannels: 256 };
export const MODEL_C_DEFAULTS: Omit<ModelCOptions, "inputs" | "outputs"> = { kind: "C", hidden: 128, l2: 1e-6, outputActivation: "relu" };

/** A seed stream for initializers (32-bit seeds from the project PRNG). */
function seeds(seed: number) {
  const r = new Rng(seed);
  return {
    glorot: () => tf.initializers.glorotUniform({ seed: r.u32() }),
    he: () => tf.initializers.heNormal({ seed: r.u32() }),
    next: () => r.u32(),
  };
}

export function buildModelA(o: Partial<ModelAOptions> & { outputs: number }, seed: number): TF.Sequential {
  const opt = { ...MODEL_A_DEFAULTS, ...o };
  if (opt.filters.length !== 5)
    throw new ConfigError(`model A: filters = ${JSON.stringify(opt.filters)}: expected 5 values (one per conv block)`);
  if (opt.inputSize % 32 !== 0)
    throw new ConfigError(`model A: inputSize = ${opt.inputSize}: expected a multiple of 32 (five 2x2 max-pools)`);
  const s = seeds(seed);
  const m = tf.sequential({ name: "modelA" });
  opt.filters.forEach((f, i) => {
    m.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [opt.inputSize, opt.inputSize, opt.channels] } : {}),
        filters: f,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: s.glorot(),
        name: `conv${i + 1}`,
      }),
    );
    m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${i + 1}` }));
  });
  m.add(tf.layers.flatten({ name: "flatten" }));
  opt.dense.forEach((u, i) =>
    m.add(tf.layers.dense({ units: u, activation: "relu", kernelInitializer: s.glorot(), name: `dense${i + 1}` })),
  );
  m.add(tf.layers.dense({ units: opt.outputs, activation: "linear", kernelInitializer: s.glorot(), name: "out" }));
  return m;
}

export function buildModelB(o: Partial<ModelBOptions> & { outputs?: number }, seed: number): TF.LayersModel {
  const opt = { ...MODEL_B_DEFAULTS, outputs: 1, ...o };
  const s = seeds(seed);
  let n = 0;
  const nm = (p: string) => `${p}_${++n}`;
  const bn = (x: TF.SymbolicTensor) =>
    tf.layers.batchNormalization({ momentum: opt.bnMomentum ?? 0.99, epsilon: 1e-3, name: nm("bn") }).apply(x) as TF.SymbolicTensor;
  const act = (x: TF.SymbolicTensor) => tf.layers.activation({ activation: "swish", name: nm("swish") }).apply(x) as TF.SymbolicTensor;
  const conv = (x: TF.SymbolicTensor, filters: number, k: number, strides = 1) =>
    tf.layers
      .conv2d({ filters, kernelSize: k, strides, padding: "same", useBias: false, kernelInitializer: s.he(), name: nm("conv") })
      .apply(x) as TF.SymbolicTensor;
  const channels = (x: TF.SymbolicTensor) => x.shape[x.shape.length - 1] as number;

  const fusedMb = (x: TF.SymbolicTensor, out: number, expand: number, strides: number) => {
    const cin = channels(x);
    let y = act(bn(conv(x, expand === 1 ? out : cin * expand, 3, strides)));
    if (expand !== 1) y = bn(conv(y, out, 1));
    return strides === 1 && cin === out ? (tf.layers.add({ name: nm("add") }).apply([x, y]) as TF.SymbolicTensor) : y;
  };
  const squeezeExcite = (x: TF.SymbolicTensor, squeeze: number) => {
    const c = channels(x);
    let e = tf.layers.globalAveragePooling2d({ name: nm("se_gap") }).apply(x) as TF.SymbolicTensor;
    e = tf.layers.reshape({ targetShape: [1, 1, c], name: nm("se_reshape") }).apply(e) as TF.SymbolicTensor;
    e = tf.layers
      .dense({ units: Math.max(1, squeeze), activation: "swish", kernelInitializer: s.glorot(), name: nm("se_reduce") })
      .apply(e) as TF.SymbolicTensor;
    e = tf.layers
      .dense({ units: c, activation: "sigmoid", kernelInitializer: s.glorot(), name: nm("se_expand") })
      .apply(e) as TF.SymbolicTensor;
    return tf.layers.multiply({ name: nm("se_scale") }).apply([x, e]) as TF.SymbolicTensor;
  };
  const mb = (x: TF.SymbolicTensor, out: number, expand: number, strides: number) => {
    const cin = channels(x);
    let y = act(bn(conv(x, cin * expand, 1)));
    y = tf.layers
      .depthwiseConv2d({ kernelSize: 3, strides, padding: "same", useBias: false, depthwiseInitializer: s.he(), name: nm("dwconv") })
      .apply(y) as TF.SymbolicTensor;
    y = act(bn(y));
    y = squeezeExcite(y, Math.round(cin * 0.25));
    y = bn(conv(y, out, 1));
    return strides === 1 && cin === out ? (tf.layers.add({ name: nm("add") }).apply([x, y]) as TF.SymbolicTensor) : y;
  };

  const input = tf.input({ shape: [opt.inputSize, opt.inputSize, opt.channels], name: "image" });
  let x = act(bn(conv(input, 24, 3, 2))); // stem: /2
  x = fusedMb(x, 24, 1, 1); // Fused-MBConv 1, residual
  x = fusedMb(x, 48, 4, 2); // Fused-MBConv 4, /4
  x = fusedMb(x, 48, 4, 1); // Fused-MBConv 4, residual
  x = mb(x, 64, 4, 2); // MBConv 4 + SE, /8
  x = mb(x, 64, 4, 1); // residual
  x = mb(x, 96, 6, 2); // MBConv 6 + SE, /16
  x = mb(x, 96, 6, 1); // residual
  x = act(bn(conv(x, opt.headChannels, 1)));
  x = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(x) as TF.SymbolicTensor;
  if (opt.dropout > 0) x = tf.layers.dropout({ rate: opt.dropout, seed: s.next(), name: "dropout" }).apply(x) as TF.SymbolicTensor;
  const out = tf.layers
    .dense({ units: opt.outputs, activation: "linear", kernelInitializer: s.glorot(), name: "out" })
    .apply(x) as TF.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "modelB" });
}

export function buildModelC(o: Partial<ModelCOptions> & { inputs: number; outputs: number }, seed: number): TF.Sequential {
  const opt = { ...MODEL_C_DEFAULTS, ...o };
  const s = seeds(seed);
  const reg = opt.l2 > 0 ? { kernelRegularizer: tf.regularizers.l2({ l2: opt.l2 }) } : {};
  const m = tf.sequential({ name: "modelC" });
  m.add(
    tf.layers.dense({
      inputShape: [opt.inputs],
      units: opt.hidden,
      activation: "relu",
      kernelInitializer: s.glorot(),
      ...reg,
      name: "hidden",
    }),
  );
  // a ReLU output starts at mid-range of the [0, 1]-scaled targets, so that no output starts dead
  const bias = opt.outputActivation === "relu" ? { biasInitializer: tf.initializers.constant({ value: 0.5 }) } : {};
  m.add(
    tf.layers.dense({ units: opt.outputs, activation: opt.outputActivation, kernelInitializer: s.glorot(), ...bias, ...reg, name: "out" }),
  );
  return m;
}

/** Builds any model from its resolved options. */
export function buildModel(o: ModelOptions, seed: number): TF.LayersModel {
  switch (o.kind) {
    case "A":
      return buildModelA(o, seed);
    case "B":
      return buildModelB(o, seed);
    case "C":
      return buildModelC(o, seed);
  }
}

/** Resolves partial options with the defaults of their kind (what goes into result files). */
export function resolveModelOptions(
  o: Partial<ModelOptions> & { kind: ModelOptions["kind"] },
  shape: { inputs?: number; outputs: number; inputSize?: number },
): ModelOptions {
  switch (o.kind) {
    case "A":
      return {
        ...MODEL_A_DEFAULTS,
        ...(shape.inputSize ? { inputSize: shape.inputSize } : {}),
        ...(o as Partial<ModelAOptions>),
        outputs: shape.outputs,
        kind: "A",
      };
    case "B":
      return {
        ...MODEL_B_DEFAULTS,
        ...(shape.inputSize ? { inputSize: shape.inputSize } : {}),
        ...(o as Partial<ModelBOptions>),
        outputs: shape.outputs,
        kind: "B",
      };
    case "C":
      return {
        ...MODEL_C_DEFAULTS,
        ...(o as Partial<ModelCOptions>),
        inputs: shape.inputs ?? (o as ModelCOptions).inputs,
        outputs: shape.outputs,
        kind: "C",
      };
  }
}

export function countParams(m: TF.LayersModel): number {
  return m.weights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0);
}
