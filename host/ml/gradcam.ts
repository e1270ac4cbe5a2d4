/**
 * Grad-CAM (Selvaraju et al. 2017) for the image CNNs' regression outputs: the gradient of one
 * output with respect to the feature maps of the last convolution, channel weights = the spatial
 * mean of that gradient, heat = ReLU of the weighted sum of the feature maps, bilinearly upsampled
 * to the input size and normalised to [0, 1]. The PNG shows the heat (jet colours) over the image.
 * Works for models whose layers after the last conv form a chain (model A).
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";
import { encodePng } from "../io/png.js";
import { ConfigError } from "../config/errors.js";

export interface GradCam {
  width: number;
  height: number;
  /** height x width values in [0, 1], row-major from the top */
  heat: Float32Array;
  /** the model output (scaled) the map explains */
  output: number;
  /** max of the raw (un-normalised) map; 0 means the output has no positive evidence */
  rawMax: number;
  layer: string;
}

/** Name of the last Conv2D layer (the Grad-CAM layer by default). */
export function lastConvLayer(model: TF.LayersModel): string {
  const convs = model.layers.filter((l) => l.getClassName() === "Conv2D");
  if (!convs.length) throw new ConfigError("gradcam: the model has no Conv2D layer");
  return convs[convs.length - 1].name;
}

/**
 * Grad-CAM of output `index` for one image: `image` holds h*w*c scaled inputs (what the model
 * takes, row-major, channels last).
 */
export function gradCam(model: TF.LayersModel, image: Float32Array, index = 0, layerName = lastConvLayer(model)): GradCam {
  const shape = (model.inputs[0].shape as (number | null)[]).slice(1) as number[];
  const [h, w] = shape;
  if (image.length !== shape.reduce((a, b) => a * b, 1))
    throw new ConfigError(`gradcam: image has ${image.length} values, the model takes ${shape.join("x")}`);
  const li = model.layers.findIndex((l) => l.name === layerName);
  if (li < 0) throw new ConfigError(`gradcam: no layer '${layerName}'`);
  const nOut = (model.outputs[0].shape as number[])[1];
  if (!(index >= 0 && index < nOut)) throw new ConfigError(`gradcam: output ${index} does not exist (the model has ${nOut})`);
  const extractor = tf.model({ inputs: model.inputs, outputs: model.layers[li].output as TF.SymbolicTensor });
  const head = model.layers.slice(li + 1);
  const res = tf.tidy(() => {
    const fm = extractor.predict(tf.tensor(image, [1, ...shape])) as TF.Tensor4D;
    const f = (x: TF.Tensor) => {
      let t = x;
      for (const l of head) t = l.apply(t) as TF.Tensor;
      return t.slice([0, index], [1, 1]).sum() as TF.Scalar;
    };
    const { value, grad } = tf.valueAndGrad(f)(fm);
    const weights = grad.mean([1, 2], true); // [1, 1, 1, C]
    const cam = tf.relu(tf.sum(tf.mul(fm, weights), -1, true)) as TF.Tensor4D; // [1, h', w', 1]
    const rawMax = cam.max();
    const up = tf.image.resizeBilinear(cam, [h, w], false);
    const norm = tf.div(up, tf.maximum(up.max(), 1e-12));
    return { heat: norm.dataSync() as Float32Array, output: value.dataSync()[0], rawMax: rawMax.dataSync()[0] };
  });
  return { width: w, height: h, heat: res.heat, output: res.output, rawMax: res.rawMax, layer: layerName };
}

/** Jet colour map: 0 blue, 0.5 green, 1 red. */
function jet(v: number): [number, number, number] {
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * v - 3)), c(1.5 - Math.abs(4 * v - 2)), c(1.5 - Math.abs(4 * v - 1))];
}

/** RGB PNG of the heat map blended over a gray image (uint8, h*w); alpha grows with the heat. */
export function heatmapPng(cam: GradCam, gray: Uint8Array, alpha = 0.5): Uint8Array {
  const { width: w, height: h } = cam;
  if (gray.length !== w * h) throw new ConfigError(`gradcam: gray image has ${gray.length} pixels, the map ${w}x${h}`);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const v = cam.heat[i],
      a = alpha * (0.3 + 0.7 * v);
    const [r, g, b] = jet(v);
    rgb[3 * i] = Math.round((1 - a) * gray[i] + a * r);
    rgb[3 * i + 1] = Math.round((1 - a) * gray[i] + a * g);
    rgb[3 * i + 2] = Math.round((1 - a) * gray[i] + a * b);
  }
  return encodePng(rgb, w, h, 3);
}
