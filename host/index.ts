/**
 * assbkit library API (Node): everything of the browser entry (host/browser.ts) plus the file
 * helpers — case, packing, volume and parameter files in; results written atomically.
 */
export * from "./browser.js";
export { readConfigFile } from "./config/load.js";
export { writeFileAtomic, prepareOutDir, prepareOutFile, cleanTemporaries } from "./io/atomic.js";
export { loadDemCase, writeDemResult } from "./dem/node.js";
// the DEM on several threads of one packing (Node: worker threads over the shared-memory core)
export { loadSharedCore, type SharedDemKernels } from "./core/wasm.js";
export { startDemThreads, demThreading } from "./dem/threads.js";
export { readPacking, writePacking, readParticles, readSidecar, sidecarPath, type GeometryOverride } from "./pack/node.js";
export {
  runCompactToDir,
  writeStageOutputs,
  writeParticlesCsv,
  writeRestartFile,
  readRestartFile,
  readStageSummary,
  writeCompactSummary,
  findRestarts,
  caseIdentity,
  identityDifference,
  canonicalJson,
  stageTag,
  RESTART_FORMAT,
  type CaseIdentity,
  type CompactRestartFile,
  type StageSummary,
  type CompactSummary,
  type CompactToDirOptions,
  type CompactToDirResult,
} from "./dem/compact_io.js";
export { writeReportPlots } from "./plot/report_plots.js";
export {
  readVolume,
  writeVolume,
  probeVolume,
  volumeByteLimit,
  encodeTiff,
  decodeTiff,
  decodePng,
  type VolumeHeader,
  type ReadVolumeOptions,
} from "./transport/volume.js";
// grey-value scans (a TIFF stack, a folder of TIFF/PNG slices, raw + sidecar) read cropped, with their voxel
// size and its source; a segmentation's files (labels.tif for Fiji and assb transport, histogram.png, segment.json)
export {
  readGreyVolume,
  probeGreyVolume,
  checkGreyBytes,
  type GreyVolume,
  type GreyHeader,
  type ReadGreyOptions,
} from "./segment/grey_volume.js";
export { writeSegmentation, labelsVolume, segmentReport, SEGMENT_FORMAT } from "./segment/output.js";
export { solveImagesParallel, type PoolOptions } from "./transport/images_pool.js";
// a binary network past the 4 GiB of one wasm32 instance (or on both cores): in slabs along the transport axis
export { transportSlabs, solveSlabs, planSlabs, type SlabOptions, type SlabSolve } from "./transport/slabs.js";
export { keepSpanning } from "./transport/network.js";
// image batches as `assb transport-images` and `assb predict` read them (a PNG folder, a PNG, raw + sidecar, TIFF)
export { readPngFolder, readImageBatch } from "./transport/image_batch.js";
// the Node parameter loader reads OCV tables from files (the browser one refuses them)
export { loadCellParams, resolveCellParams, readOcvTable, cellDataDir } from "./cell/params.js";
export {
  writeCellResult,
  writeRatesResult,
  readCellResult,
  readRatesResult,
  CELL_RESULT_FORMAT,
  CELL_RATES_FORMAT,
  parseFormats,
  timeseriesCsv,
  snapshotsCsv,
} from "./cell/output.js";
export { encodePng, decodePngLabels } from "./io/png.js";
export { sweepParallel, sweepSerial } from "./cell/sweep.js";
export { writeMicroResult, microSummary, timeseriesCsv as microTimeseriesCsv, MICRO_SUMMARY_FORMAT } from "./micro/output.js";

// batch studies: a study file -> cases -> a worker pool -> a DuckDB results table (the store loads on first use)
export { parseStudy, loadStudy, columnName, StudySchema, type Study, type StudyInput, type Axis } from "./study/schema.js";
export { expandCases, samplePoints, caseId, caseSeed, type CaseSpec } from "./study/expand.js";
export { executeCase, readCaseRecord, type CaseRecord } from "./study/case.js";
export { localExecutor, type CaseExecutor } from "./study/pool.js";
export { loadKind, KIND_NAMES, type StudyKind, type KindName, type CaseOutput } from "./study/kinds.js";
// the image-dataset kinds' joins: the files `assb train` reads
export { grfStudyDataset } from "./study/grf_kind.js";
export { section2dLabels } from "./study/section2d_kind.js";
export {
  runStudy,
  studyStatus,
  openResults,
  readManifest,
  STORE_FILE,
  type RunStudyOptions,
  type StudyProgress,
  type StudySummary,
  type StudyStatus,
  type StudyManifest,
} from "./study/run.js";
export type { StudyStore, StudyMeta } from "./study/store.js";
// the same study on a BullMQ queue (Redis): bullmq and ioredis load on first use, not with the library
type QueueModule = typeof import("./study/queue/executor.js");
type WorkerModule = typeof import("./study/queue/worker.js");
export type { QueueOptions, QueueJobData } from "./study/queue/executor.js";
export type { WorkerOptions, RunningWorker } from "./study/queue/worker.js";
export const queueExecutor = async (...a: Parameters<QueueModule["queueExecutor"]>) =>
  (await import("./study/queue/executor.js")).queueExecutor(...a);
export const checkQueue = async (...a: Parameters<QueueModule["checkQueue"]>) =>
  (await import("./study/queue/executor.js")).checkQueue(...a);
export const startWorker = async (...a: Parameters<WorkerModule["startWorker"]>) =>
  (await import("./study/queue/worker.js")).startWorker(...a);

// the whole pipeline (pack -> compact -> voxelize -> transport -> cell) from one config; Node: it reads
// parameter sets and start files
export {
  parsePipelineConfig,
  PipelineConfigSchema,
  PIPELINE_STAGES,
  type PipelineConfig,
  type PipelineConfigInput,
  type PipelineStage,
} from "./pipeline/config.js";
export { runPipeline, type PipelineResult, type PipelineRunOptions, type PipelineCore } from "./pipeline/run.js";
export { pipelineInputs, type PipelineStart } from "./pipeline/inputs.js";
export { pipelineScalars, pipelineSummary, PIPELINE_RESULT_FORMAT } from "./pipeline/summary.js";
export { writePipelineResult, type PipelineOutputOptions } from "./pipeline/output.js";
export { PIPELINE_EXAMPLE_YAML } from "./pipeline/example.js";
// the multiscale model's training data (paper 001 eq 37-39) from micro runs or a micro study folder
export { datasetRows, collectDataset, DATASET_COLUMNS, type Dataset, type DatasetColumn } from "./multiscale/dataset.js";
// a surrogate folder trained by 'assb train' (model kind C) read once into the compute core's network (needs tfjs)
export { loadSurrogate, loadSurrogateSet, type SurrogateSet } from "./multiscale/surrogate.js";
