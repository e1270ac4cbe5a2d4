/**
 * Training (Node), one idea per file: the loop (loop.ts), Adam and the learning-rate schedule
 * (optimizer.ts), checkpoints (checkpoint.ts), scores (metrics.ts), and dataset -> fitted model
 * (fit.ts). This module gathers their exports.
 */
export { train, TRAIN_DEFAULTS, type TrainOptions, type TrainProgress, type EpochRecord, type TrainRun } from "./loop.js";
export { learningRateAt } from "./optimizer.js";
export { checkpointPath, requireCheckpoint } from "./checkpoint.js";
export { predictScaled, regressionMetrics, evaluate, type OutputMetrics, type Scaled } from "./metrics.js";
export { fitDataset, MIN_TEST_SAMPLES, type FitSpec, type TrainResult } from "./fit.js";
