/**
 * The worker's CNN task: a PNG cross-section through a model shipped in models/ (TensorFlow.js, the CPU backend:
 * the same numbers as `assb predict --backend cpu` to float32 round-off), with the Grad-CAM map of one output.
 * Loaded on demand (a dynamic import), so a page that never predicts never fetches TensorFlow.js.
 */
import { tf } from "../ml/tf.js";
import { fromMeta, predict, type AssbModelMeta, type LoadedModel } from "../ml/predict.js";
import { gradCam } from "../ml/gradcam.js";
import { decodePng } from "../io/png.js";
import { ConfigError } from "../config/errors.js";

/** The image models shipped with the package (static URLs: bundlers copy the files). */
const MODELS = {
  "cnn000-stress": {
    meta: new URL("../../models/cnn000-stress/assb-model.json", import.meta.url),
    topology: new URL("../../models/cnn000-stress/model.json", import.meta.url),
    weights: new URL("../../models/cnn000-stress/weights.bin", import.meta.url),
  },
} as const;
export type ShippedImageModel = keyof typeof MODELS;
export const SHIPPED_IMAGE_MODELS = Object.keys(MODELS) as ShippedImageModel[];

export interface PredictRequest {
  /** the PNG file's bytes */
  png: Uint8Array;
  /** a shipped model (default cnn000-stress: paper 000's stress and reaction-area CNN, 224 x 224 gray) */
  model?: ShippedImageModel;
  /** the output the Grad-CAM map explains (default the first) */
  gradcamOutput?: string;
}

export interface PredictResult {
  model: string;
  outputs: Record<string, number>;
  gradcam: { output: string; width: number; height: number; heat: Float32Array };
  /** the gray image the model saw (what the page draws under the map) */
  image: { width: number; height: number; gray: Uint8Array };
}

const loaded = new Map<string, Promise<LoadedModel>>();

async function fetchOk(url: URL): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new ConfigError(`model: ${url.href}: HTTP ${r.status}`);
  return r;
}

function load(name: ShippedImageModel): Promise<LoadedModel> {
  let p = loaded.get(name);
  if (!p) {
    const u = MODELS[name];
    p = (async () => {
      if (tf.getBackend() !== "cpu" && !(await tf.setBackend("cpu"))) throw new Error("ml: the tfjs cpu backend failed to initialise");
      await tf.ready();
      const [meta, topo, weights] = await Promise.all([
        fetchOk(u.meta).then((r) => r.json() as Promise<AssbModelMeta>),
        fetchOk(u.topology).then((r) => r.json()),
        fetchOk(u.weights).then((r) => r.arrayBuffer()),
      ]);
      // the weights from memory: a bundler renames weights.bin, so model.json's relative path would not resolve
      const weightSpecs = (topo.weightsManifest as { weights: unknown[] }[]).flatMap((g) => g.weights);
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: topo.modelTopology, weightSpecs, weightData: weights } as never),
      );
      return fromMeta(model, meta);
    })();
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}

export async function predictImage(req: PredictRequest): Promise<PredictResult> {
  const name = req.model ?? "cnn000-stress";
  if (!(name in MODELS))
    throw new ConfigError(`model: '${name}' is not a shipped image model (expected ${SHIPPED_IMAGE_MODELS.join(", ")})`);
  const im = decodePng(req.png, "the uploaded file");
  const m = await load(name);
  const [h, w] = m.meta.inputShape;
  if (im.height !== h || im.width !== w)
    throw new ConfigError(
      `image: the uploaded file is ${im.width} x ${im.height} px; the model takes ${w} x ${h} px cross-sections (paper 000's 224 x 224)`,
    );
  const names = m.meta.outputNames;
  const p = predict(m, im.gray);
  const k = req.gradcamOutput ? names.indexOf(req.gradcamOutput) : 0;
  if (k < 0) throw new ConfigError(`gradcamOutput: '${req.gradcamOutput}' is not an output of ${name} (${names.join(", ")})`);
  const cam = gradCam(m.model, m.scalers.input.transform(im.gray), k);
  return {
    model: name,
    outputs: Object.fromEntries(names.map((n, j) => [n, p[j]])),
    gradcam: { output: names[k], width: cam.width, height: cam.height, heat: cam.heat },
    image: { width: im.width, height: im.height, gray: im.gray },
  };
}
