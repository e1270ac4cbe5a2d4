/**
 * A trained surrogate folder (`assb train` with model kind C: model.json, weights.bin, assb-model.json with
 * the scalers and column names) read once into the plain MlpWeights the compute core evaluates
 * (mlp.ts): TensorFlow.js loads the folder, its two dense layers' weights and the min-max scalers are copied,
 * and tfjs is not used again. Folders that are not such a network are refused in one line.
 */
import { ConfigError } from "../config/errors.js";
import { checkMlp, mlpFromLayers, type MlpWeights } from "./mlp.js";

/** Loads `dir` (needs the optional @tensorflow/tfjs); `expect` names the inputs and outputs a caller needs, in order. */
export async function loadSurrogate(dir: string, expect?: { inputs?: string[]; outputs?: string[] }): Promise<MlpWeights> {
  const { loadModel } = await import("../ml/index.js");
  const m = await loadModel(dir);
  const meta = m.meta;
  if (meta.model.kind !== "C")
    throw new ConfigError(`surrogate ${dir}: model kind ${meta.model.kind}: expected C (one hidden ReLU layer, 'assb train' model.kind C)`);
  const inS = meta.scalers.input,
    outS = meta.scalers.output;
  if (inS.kind !== "minmax") throw new ConfigError(`surrogate ${dir}: input scaler ${inS.kind}: expected minmax`);
  const li = outS.log10.findIndex(Boolean);
  if (li >= 0)
    throw new ConfigError(`surrogate ${dir}: output ${outS.names[li]} is log10-scaled: expected linear outputs (rates may be zero)`);
  for (const [what, want, got] of [
    ["inputs", expect?.inputs, meta.inputNames],
    ["outputs", expect?.outputs, meta.outputNames],
  ] as const)
    if (want && (want.length !== got.length || want.some((n, i) => n !== got[i])))
      throw new ConfigError(`surrogate ${dir}: ${what} ${got.join(", ")}: expected ${want.join(", ")} (in this order)`);
  const layers = m.model.layers.filter((l) => l.getWeights().length === 2);
  const w = mlpFromLayers(
    layers.map((l) => {
      const [k, b] = l.getWeights();
      return { kernel: k.dataSync() as Float32Array, bias: b.dataSync() as Float32Array };
    }),
    {
      inputs: meta.inputNames,
      outputs: meta.outputNames,
      outputRelu: meta.model.outputActivation === "relu",
      inputLog10: inS.log10,
      xMin: inS.min,
      xMax: inS.max.map((v, i) => (v > inS.min[i] ? v : inS.min[i] + 1)), // a constant column maps to 0, as the scaler does
      yMin: outS.min,
      yMax: outS.max.map((v, i) => (v > outS.min[i] ? v : outS.min[i] + 1)),
    },
  );
  m.model.dispose();
  checkMlp(w, `surrogate ${dir}`);
  return w;
}
