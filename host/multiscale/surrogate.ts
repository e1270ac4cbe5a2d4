/**
 * A trained surrogate folder (`assb train` with model kind C: model.json, weights.bin, assb-model.json with
 * the scalers and column names) read once into the plain MlpWeights the compute core evaluates (mlp.ts).
 * The folder is read directly — the tfjs layers format of a two-layer dense network is the topology's layer
 * list plus float32 weights concatenated in the manifest's order — so the multiscale cell runs without the
 * optional TensorFlow.js peer (the core library never needs it); test/multiscale/mlp.test.ts checks the result
 * against tfjs `loadLayersModel` + `predict` on the same folders. Folders that are not such a network are
 * refused in one line.
 */
import { ConfigError } from "../config/errors.js";
import { checkMlp, mlpFromLayers, type MlpWeights } from "./mlp.js";
import { netIndexFor } from "./particles.js";

interface ModelCMeta {
  model: { kind: string; outputActivation?: string };
  inputNames: string[];
  outputNames: string[];
  scalers: {
    input: { kind: string; names: string[]; log10: boolean[]; min: number[]; max: number[] };
    output: { kind: string; names: string[]; log10: boolean[]; min: number[]; max: number[] };
  };
}

/** Loads `dir`; `expect` names the inputs and outputs a caller needs, in order. */
export async function loadSurrogate(dir: string, expect?: { inputs?: string[]; outputs?: string[] }): Promise<MlpWeights> {
  const { existsSync, readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const who = `surrogate ${dir}`;
  for (const f of ["model.json", "weights.bin", "assb-model.json"])
    if (!existsSync(join(dir, f)))
      throw new ConfigError(`${who}: ${f} is missing: expected a model folder of 'assb train' (model.json, weights.bin, assb-model.json)`);
  const json = (f: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, f), "utf8"));
    } catch (e) {
      throw new ConfigError(`${who}: ${f}: ${(e as Error).message.split("\n")[0]}: expected JSON`);
    }
  };
  const meta = json("assb-model.json") as ModelCMeta;
  const mj = json("model.json") as {
    modelTopology?: {
      config?: { layers?: { class_name: string; config: { name: string; units?: number; activation?: string; use_bias?: boolean } }[] };
    };
    weightsManifest?: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  };
  if (meta?.model?.kind !== "C")
    throw new ConfigError(`${who}: model kind ${meta?.model?.kind}: expected C (one hidden ReLU layer, 'assb train' model.kind C)`);
  const inS = meta.scalers?.input,
    outS = meta.scalers?.output;
  if (inS?.kind !== "minmax") throw new ConfigError(`${who}: input scaler ${inS?.kind}: expected minmax`);
  const li = outS.log10.findIndex(Boolean);
  if (li >= 0) throw new ConfigError(`${who}: output ${outS.names[li]} is log10-scaled: expected linear outputs (rates may be zero)`);
  for (const [what, want, got] of [
    ["inputs", expect?.inputs, meta.inputNames],
    ["outputs", expect?.outputs, meta.outputNames],
  ] as const)
    if (want && (want.length !== got.length || want.some((n, i) => n !== got[i])))
      throw new ConfigError(`${who}: ${what} ${got.join(", ")}: expected ${want.join(", ")} (in this order)`);
  // the topology: Dense(hidden, relu) then Dense(outputs, relu | linear), biases on
  const dense = (mj.modelTopology?.config?.layers ?? []).filter((l) => l.class_name === "Dense");
  if (dense.length !== 2 || dense[0].config.activation !== "relu" || !dense.every((l) => l.config.use_bias !== false))
    throw new ConfigError(
      `${who}: model.json has ${dense.length} Dense layers (activations ${dense.map((l) => l.config.activation).join(", ")}): expected a hidden ReLU layer and an output layer, with biases`,
    );
  const outAct = dense[1].config.activation ?? "linear";
  if (outAct !== "relu" && outAct !== "linear") throw new ConfigError(`${who}: output activation ${outAct}: expected relu or linear`);
  // the weights: float32, little-endian, concatenated over the manifest's groups and files in order
  const groups = mj.weightsManifest ?? [];
  const bytes: Buffer[] = [];
  for (const g of groups)
    for (const f of g.paths) {
      if (f.includes("/") || f.includes("\\") || f.startsWith("."))
        throw new ConfigError(`${who}: weightsManifest path ${JSON.stringify(f)}: expected a file name in the model folder`);
      bytes.push(readFileSync(join(dir, f)));
    }
  const all = Buffer.concat(bytes);
  const specs = groups.flatMap((g) => g.weights);
  const byName = new Map<string, Float32Array>();
  let off = 0;
  for (const w of specs) {
    if (w.dtype !== "float32") throw new ConfigError(`${who}: weight ${w.name} is ${w.dtype}: expected float32`);
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (off + 4 * n > all.length)
      throw new ConfigError(
        `${who}: weights.bin has ${all.length} bytes: expected at least ${off + 4 * n} for the weights model.json lists`,
      );
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = all.readFloatLE(off + 4 * i);
    byName.set(w.name, a);
    off += 4 * n;
  }
  const get = (layer: string, part: "kernel" | "bias") => {
    // tfjs names weights "<layer>/<part>", sometimes under a model prefix ("sequential_1/<layer>/<part>")
    const a = byName.get(`${layer}/${part}`) ?? [...byName].find(([k]) => k.endsWith(`/${layer}/${part}`))?.[1];
    if (!a) throw new ConfigError(`${who}: model.json lists no weight ${layer}/${part}: expected the ${part} of Dense layer ${layer}`);
    return a;
  };
  const w = mlpFromLayers(
    dense.map((l) => ({ kernel: get(l.config.name, "kernel"), bias: get(l.config.name, "bias") })),
    {
      inputs: meta.inputNames,
      outputs: meta.outputNames,
      outputRelu: outAct === "relu",
      inputLog10: inS.log10,
      xMin: inS.min,
      xMax: inS.max.map((v, i) => (v > inS.min[i] ? v : inS.min[i] + 1)), // a constant column maps to 0, as the scaler does
      yMin: outS.min,
      yMax: outS.max.map((v, i) => (v > outS.min[i] ? v : outS.min[i] + 1)),
    },
  );
  checkMlp(w, who);
  return w;
}

/** The manifest of a trained surrogate set (models/<name>/surrogate.json): one net per flux range. */
export interface SurrogateManifest {
  kind: "assbkit.multiscale.surrogate";
  format: 1;
  name: string;
  inputs: string[];
  outputs: string[];
  /** true: each net's outputs are the rates divided by J_s [m^2/mol]; the caller multiplies them by J_s */
  outputsPerFlux: boolean;
  particle?: Record<string, unknown>;
  trainedOn?: Record<string, unknown>;
  nets: { dir: string; flux_mol_m2_s: [number, number]; hidden?: number; test?: unknown; [k: string]: unknown }[];
  /** free text for readers (how to use the outputs, what the metrics mean) */
  note?: string;
}

export interface SurrogateSet {
  manifest: SurrogateManifest;
  /** sorted by range; contiguous: nets[i].lo = nets[i - 1].hi */
  nets: { lo: number; hi: number; weights: MlpWeights }[];
}

export const SURROGATE_KIND = "assbkit.multiscale.surrogate";
export const SURROGATE_FORMAT = 1;

/**
 * Reads `dir`/surrogate.json and every net it names (each a model folder of `assb train`, read by
 * loadSurrogate with the manifest's inputs and outputs as `expect`). Refuses in one line naming the file, the
 * field, its value and what was expected: a wrong kind or format, names that are not lists of strings, a net
 * whose folder is missing or whose inputs/outputs differ from the manifest's, flux ranges that are not
 * increasing or do not tile the flux range without gaps or overlaps.
 */
export async function loadSurrogateSet(dir: string): Promise<SurrogateSet> {
  const { existsSync, readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const file = join(dir, "surrogate.json");
  if (!existsSync(file))
    throw new ConfigError(
      `${file}: not found: expected a surrogate folder with surrogate.json and its nets (e.g. models/surrogate-001-damage)`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message.split("\n")[0]}: expected a surrogate manifest (JSON)`);
  }
  const bad = (field: string, value: unknown, expected: string) =>
    new ConfigError(`${file}: ${field} = ${JSON.stringify(value)}: expected ${expected}`);
  const m = raw as SurrogateManifest;
  if (!m || typeof m !== "object") throw bad("(top level)", raw, "an object");
  if (m.kind !== SURROGATE_KIND) throw bad("kind", m.kind, `"${SURROGATE_KIND}"`);
  if (m.format !== SURROGATE_FORMAT) throw bad("format", m.format, String(SURROGATE_FORMAT));
  for (const f of ["inputs", "outputs"] as const)
    if (!Array.isArray(m[f]) || m[f].length === 0 || m[f].some((s) => typeof s !== "string" || !s))
      throw bad(f, m[f], "a non-empty list of column names");
  if (typeof m.outputsPerFlux !== "boolean") throw bad("outputsPerFlux", m.outputsPerFlux, "true or false");
  if (!m.inputs.includes("flux_mol_m2_s")) throw bad("inputs", m.inputs, "a list naming flux_mol_m2_s (the nets are picked by it)");
  if (!Array.isArray(m.nets) || m.nets.length === 0) throw bad("nets", m.nets, "a non-empty list of {dir, flux_mol_m2_s: [lo, hi]}");
  const ranged = m.nets.map((n, i) => {
    const r = n?.flux_mol_m2_s;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === "number" && Number.isFinite(v)) || !(r[0] > 0 && r[1] > r[0]))
      throw bad(`nets[${i}].flux_mol_m2_s`, r, "[lo, hi] with 0 < lo < hi [mol/(m^2 s)]");
    if (typeof n.dir !== "string" || !n.dir) throw bad(`nets[${i}].dir`, n.dir, "a model folder inside the surrogate folder");
    return { i, n, lo: r[0], hi: r[1] };
  });
  ranged.sort((a, b) => a.lo - b.lo);
  for (let k = 1; k < ranged.length; k++) {
    const prev = ranged[k - 1],
      cur = ranged[k];
    if (Math.abs(cur.lo - prev.hi) > 1e-9 * prev.hi)
      throw bad(
        `nets[${cur.i}].flux_mol_m2_s`,
        cur.n.flux_mol_m2_s,
        `lo = ${prev.hi}, the hi of nets[${prev.i}] (ranges must tile the flux range: ${cur.lo > prev.hi ? "a gap" : "an overlap"})`,
      );
  }
  const nets: SurrogateSet["nets"] = [];
  for (const r of ranged) {
    const sub = join(dir, r.n.dir);
    if (!existsSync(join(sub, "model.json")) || !existsSync(join(sub, "assb-model.json")))
      throw bad(`nets[${r.i}].dir`, r.n.dir, `a model folder of 'assb train' (model.json, assb-model.json) in ${dir}`);
    let weights: MlpWeights;
    try {
      weights = await loadSurrogate(sub, { inputs: m.inputs, outputs: m.outputs });
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${file}: nets[${r.i}].dir = ${JSON.stringify(r.n.dir)}: ${e.message}`);
      throw e;
    }
    if (r.n.hidden !== undefined && r.n.hidden !== weights.hidden)
      throw bad(`nets[${r.i}].hidden`, r.n.hidden, `${weights.hidden}, the hidden units of the net in ${r.n.dir}`);
    nets.push({ lo: r.lo, hi: r.hi, weights });
  }
  return { manifest: m, nets };
}

/** The net whose range holds `flux` (below the first range: the first; above the last: the last). */
export function surrogateNetFor(set: SurrogateSet, flux: number): SurrogateSet["nets"][number] {
  return set.nets[
    netIndexFor(
      set.nets.map((n) => n.hi),
      flux,
    )
  ];
}
