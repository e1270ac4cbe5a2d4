/**
 * assbkit/ml: the ML engine in Node — backend selection with the wasm training-kernel pack, models
 * A/B/C, datasets and scalers, the training loop, save/load, prediction, Grad-CAM. A separate entry
 * point so that `assbkit` itself does not load TensorFlow.js, an optional peer package: loading this
 * entry without it is a ConfigError that names the install command (host/ml/tf.ts). Inference in
 * browsers: assbkit/ml/browser (host/ml/browser.ts).
 */
export { initMl, describeBackend, type MlBackendInfo, type MlBackendName, type MlBackendRequest, type InitMlOptions } from "./backend.js";
export {
  buildModel,
  buildModelA,
  buildModelB,
  buildModelC,
  resolveModelOptions,
  countParams,
  MODEL_A_DEFAULTS,
  MODEL_B_DEFAULTS,
  MODEL_C_DEFAULTS,
  type ModelOptions,
  type ModelAOptions,
  type ModelBOptions,
  type ModelCOptions,
} from "./models.js";
export {
  tableDataset,
  imageDataset,
  readCsvDataset,
  readPngDataset,
  readRawDataset,
  readImages,
  readCodeImages,
  splitIndices,
  fitScalers,
  scaledRows,
  type Dataset,
  type Split,
} from "./data.js";
export { MinMaxScaler, ImageScaler, scalersToJSON, scalersFromJSON, type Scalers, type ScalersJson } from "./scalers.js";
export {
  train,
  fitDataset,
  evaluate,
  regressionMetrics,
  learningRateAt,
  predictScaled,
  requireCheckpoint,
  MIN_TEST_SAMPLES,
  TRAIN_DEFAULTS,
  type TrainOptions,
  type TrainProgress,
  type TrainRun,
  type EpochRecord,
  type OutputMetrics,
} from "./train.js";
export { saveModel, loadModel, predict, MODEL_FILES, type LoadedModel, type AssbModelMeta, type SaveInfo } from "./save.js";
export { gradCam, heatmapPng, lastConvLayer, type GradCam } from "./gradcam.js";
export { TrainConfigSchema, parseTrainConfig, runTrainConfig, type TrainConfig } from "./config.js";
export { safeFileName, parseBackend, ML_BACKENDS, type MlBackendChoice } from "./names.js";
