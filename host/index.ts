/**
 * assbkit library API (Node): everything of the browser entry (host/browser.ts) plus the file
 * helpers — case, packing, volume and parameter files in; results written atomically.
 */
export * from "./browser.js";
export { readConfigFile } from "./config/load.js";
export { writeFileAtomic, prepareOutDir, prepareOutFile, cleanTemporaries } from "./io/atomic.js";
export { loadDemCase, writeDemResult } from "./dem/node.js";
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
export { solveImagesParallel, type PoolOptions } from "./transport/images_pool.js";
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
