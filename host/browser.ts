/**
 * assbkit library API that runs in Node and in browsers: every stage from packing to cell, each a
 * function from a plain serializable object to another (Packing -> CompactResult.packing -> Volume ->
 * TransportResult -> cell parameters -> CellResult). File helpers are in the Node entry (host/index.ts);
 * machine learning in its own entries ("assbkit/ml", and "assbkit/ml/browser" for inference in a page).
 */
export { VERSION } from "./version.js";
export { loadCore, type Kernels, type LoadOptions } from "./core/wasm.js";
export { ArrayHeap, WasmHeap, type Heap } from "./core/heap.js";
export { Rng } from "./core/rng.js";
export { AssbError, ConfigError, NotConvergedError, inputError } from "./config/errors.js";
export { parseQuantity } from "./config/units.js";
export { parseCsv, toCsv, columnsToTable } from "./io/csv.js";

// packings (SPEC §1) and the packing hand-off
export { generatePacking, parsePackSpec, packingCsvTyped, PackSpecSchema, type GeneratedPacking, type PackSpec } from "./pack/pack.js";
export {
  checkPacking,
  packingCsv,
  packingSidecar,
  parseParticleTable,
  packingFromTable,
  checkSidecar,
  phaseOf,
  DEFAULT_TYPES,
  MAX_PARTICLES,
  type Packing,
  type PackingBox,
  type PackingParticles,
  type PackingSidecar,
  type Phase,
  type ParticleTable,
} from "./pack/packing.js";
export { caseFromPacking } from "./pack/to_case.js";

// DEM engine, protocols and reports (SPEC §2)
export { DemSystem, DemUnstableError, type SystemInit, type WallInit, type RestartState } from "./dem/system.js";
export { DemCaseSchema, parseDemCase, type DemCase, type DemCaseInput } from "./dem/case.js";
export { resolveCase, runCase, type DemResult, type ResolvedCase } from "./dem/run.js";
export {
  CONTACT_MODELS,
  buildPairTable,
  yEff,
  gEff,
  betaEff,
  rayleighTime,
  sphereMass,
  hertzContactRadius,
  type Material,
} from "./dem/materials.js";
export { demoCase } from "./dem/demo.js";
export { MATERIALS_COMPACTION, MATERIALS_PAPER000, PAIRS_COMPACTION } from "./dem/presets.js";
export {
  runUniaxial,
  runDisplacement,
  packingHeight,
  UNIAXIAL_DEFAULTS,
  type UniaxialOptions,
  type UniaxialResult,
  type Progress,
  type ReleaseOutcome,
  type CurvePoint,
} from "./dem/protocol.js";
export {
  runIsostatic,
  runCycle,
  servoBox,
  holdIsostatic,
  type IsostaticResult,
  type CycleState,
  type SettleOptions,
  type ServoLaw,
} from "./dem/isostatic.js";
export {
  runCompact,
  compactStages,
  parseCompact,
  CompactSchema,
  UniaxialStageSchema,
  IsostaticStageSchema,
  CycleStageSchema,
  Compress2dStageSchema,
  type CompactConfig,
  type CompactResult,
  type CompactStageResult,
  type UniaxialStageResult,
  type IsostaticStageResult,
  type CycleStageResult,
  type Compress2dStageResult,
  type StageDone,
  type CompactRunOptions,
} from "./dem/compact.js";
export { stateReport, stressProfile, type StateReport, type StressProfile, type BinnedStress } from "./dem/report.js";
export { demPacking, reportPacking, stateBox, materialPhases } from "./dem/packing.js";
export { packingStats, type PackingStats } from "./dem/analysis.js";

// images and voxels, transport (SPEC §3-4)
export { sectionImage, GRAY, type Section, type SectionOptions, type SectionParticles } from "./image/section.js";
export { type Volume, checkVolume } from "./transport/volume_type.js";
export { GridSolver, SOLVER_DEFAULTS, levelShapes, solverBytes, type SolverOptions, type GridSolve } from "./transport/solver.js";
export { transport, resultJson, type TransportRequest, type TransportResult } from "./transport/tortuosity.js";
export { resolveAxis, resolvePeriodic, axisNames, type VolumeShape } from "./transport/defaults.js";
export { solveImages, imageResultsTable, type ImageBatchOptions, type ImageResult } from "./transport/images.js";
export { voxelize, voxelizeSpheres, surfaceStats, type SurfaceStats, type VoxelizeOptions } from "./transport/voxelize.js";
// grey-value scans (CT, FIB-SEM) to phase codes: thresholds or multi-level Otsu; crops of a volume
export { segmentGrey, phaseNames, DEFAULT_PHASE_NAMES, type Segmentation, type SegmentOptions } from "./segment/segment.js";
export { greyHistogram, multiOtsu, type GreyHistogram, type OtsuResult } from "./segment/otsu.js";
export type { GreyArray, GreyDtype } from "./io/grey.js";
export { parseCrop, checkCrop, cropShape, type Crop } from "./io/crop.js";

// P2D cell (SPEC §5)
export {
  runExperiment,
  CellSim,
  CellSolveError,
  DEFAULT_NUMERICS,
  validateNumerics,
  rateToCurrent,
  OVERPOTENTIAL_KEYS,
  GALVANOSTATIC_CAP_HOURS_PER_C,
  HOLD_CAP_S,
  type CellNumerics,
  type CellResult,
  type RunOptions,
  type StepSummary,
  type CycleSummary,
  type Snapshot,
  type OverpotentialSeries,
} from "./cell/model.js";
export {
  parseExperiment,
  parseStep,
  parseRate,
  parseDuration,
  parseTermination,
  fmt,
  EXPERIMENT_GRAMMAR,
  DURATION_UNITS,
  MAX_EXPANDED_STEPS,
  type ExperimentStep,
  type ExperimentTermination,
  type Rate,
} from "./cell/experiment.js";
export {
  CellParamsSchema,
  parseCellParams,
  resolveCellParams,
  monotoneTable,
  PARAMETER_SETS,
  FARADAY,
  GAS_CONSTANT,
  type CellParams,
  type CellParamsInput,
  type ResolvedCellParams,
} from "./cell/params_core.js";
export {
  FiniteVolumeParticles,
  UniformParticles,
  type ParticleModel,
  type ParticleModelFactory,
  type ParticleContext,
  type ParticleStep,
  type SurfaceResponse,
} from "./cell/particle.js";
export { fromMicrostructure, type MicrostructureInput, type MicrostructureOverrides } from "./cell/microstructure.js";
export { voltageCapacitySpec, rateSpec } from "./cell/plots.js";
export { rateSweep, type RateRow } from "./cell/rates.js";

// micro-scale chemo-mechanics with cohesive interface damage (paper 001 §2.1.2; SPEC §6)
export {
  runMicro,
  MicroSim,
  MIN_RESOLUTION,
  MAX_RESOLUTION,
  meshSizes,
  type RunMicroOptions,
  type MicroSolverOptions,
  type NewtonOutcome,
} from "./micro/model.js";
export { parseMicroConfig, applyOverrides, MICRO_DEFAULTS, TABLE2_COHESIVE } from "./micro/config.js";
export type { MicroConfig, MicroResult } from "./micro/types.js";
export { averagesSpec, fieldsSpec } from "./micro/plots.js";

// the multiscale surrogate network in the compute core (paper 001 §2.2.2)
export { MlpKernel, mlpFromLayers, checkMlp, MLP_FORMAT, type MlpWeights } from "./multiscale/mlp.js";
// the multiscale cell: a micro surrogate (or the micro FE model) at every macro node (paper 001 §2.2, §3)
export {
  runMultiscaleCell,
  runConcurrentCell,
  cellSurrogate,
  multiscaleParams,
  microConfigForCell,
  type MultiscaleOptions,
  type MultiscaleInfo,
} from "./multiscale/cell.js";
export {
  SurrogateParticles,
  SURROGATE_INPUTS,
  SURROGATE_OUTPUTS,
  type CellSurrogateManifest,
  type SurrogateParticle,
  type SurrogateSetLike,
  type SurrogateParticleOptions,
} from "./multiscale/particles.js";
export { MicroFeParticles } from "./multiscale/concurrent.js";

// the whole pipeline in one call (the same code as `assb run`; cell parameters from a CellSource), and the
// compute worker of a page: createWorker().run({ kind: "pipeline", yaml }) with progress and cancel (browser/)
export { runPipelineWith, type CellSource, type PipelineResult, type PipelineRunOptions, type PipelineStart } from "./pipeline/engine.js";
export { parsePipelineConfig, PIPELINE_STAGES, type PipelineConfig, type PipelineStage } from "./pipeline/config.js";
export { PIPELINE_EXAMPLE_YAML } from "./pipeline/example.js";
export { pipelineScalars, pipelineSummary } from "./pipeline/summary.js";
export { browserCellSource } from "./browser/cell_sets.js";
export { createWorker, WorkerTaskError, type AssbWorker, type RunOptions as WorkerRunOptions } from "./browser/client.js";
export type { WorkerTask, TaskResults, WorkerProgress } from "./browser/protocol.js";
export { perfProbe, type PerfOptions, type PerfReport } from "./browser/perf.js";
