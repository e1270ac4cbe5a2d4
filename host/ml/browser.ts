/**
 * Machine learning in the browser, the `assbkit/ml/browser` entry (bundled as dist/browser/assbkit-ml.js):
 * load a model folder written by `saveModel` / `assb train` from a URL and predict with it (the same
 * scalers and outputs as in Node). Browser-safe: no Node imports. Kept out of the core entry so that
 * `assbkit` in a browser does not carry TensorFlow.js.
 */
import { tf } from "./tf.js";
import { importOptional } from "../core/optional.js";
import { ConfigError } from "../config/errors.js";
import { fromMeta, type AssbModelMeta, type LoadedModel } from "./predict.js";

export interface BrowserMlOptions {
  /** "wasm" (XNNPACK + SIMD; default) or "cpu" (pure JS). */
  backend?: "wasm" | "cpu";
  /** Folder URL (ending in "/") holding tfjs-backend-wasm's .wasm files, e.g. a copy of node_modules/@tensorflow/tfjs-backend-wasm/dist/. */
  wasmPaths?: string;
}

/** Activates a tfjs backend for inference in the browser; returns its name. */
export async function initMlBrowser(o: BrowserMlOptions = {}): Promise<string> {
  const backend = o.backend ?? "wasm";
  if (backend !== "wasm" && backend !== "cpu") throw new ConfigError(`ml: backend = ${JSON.stringify(backend)}: expected "wasm" or "cpu"`);
  if (backend === "wasm") {
    // importing the package registers the backend
    const wasm = await importOptional("ml", "@tensorflow/tfjs-backend-wasm", () => import("@tensorflow/tfjs-backend-wasm"));
    if (o.wasmPaths) wasm.setWasmPaths(o.wasmPaths);
  }
  if (!(await tf.setBackend(backend)))
    throw new Error(
      `ml: the tfjs '${backend}' backend failed to initialise${backend === "wasm" ? " (are its .wasm files served at wasmPaths?)" : ""}`,
    );
  await tf.ready();
  return tf.getBackend();
}

/** Loads `${url}/model.json` (+ weights) and `${url}/assb-model.json`. */
export async function loadModelFromUrl(url: string): Promise<LoadedModel> {
  const base = url.endsWith("/") ? url : `${url}/`;
  const res = await fetch(`${base}assb-model.json`);
  if (!res.ok) throw new ConfigError(`model ${base}: assb-model.json: HTTP ${res.status}`);
  const meta = (await res.json()) as AssbModelMeta;
  const model = await tf.loadLayersModel(`${base}model.json`);
  return fromMeta(model, meta);
}

export { predict, type LoadedModel, type AssbModelMeta } from "./predict.js";
