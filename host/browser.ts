/** assbkit library API that runs in Node and in browsers. */
export { VERSION } from "./version.js";
export { loadCore, type Kernels, type LoadOptions } from "./core/wasm.js";
export { ArrayHeap, WasmHeap, type Heap } from "./core/heap.js";
export { Rng } from "./core/rng.js";
export { ConfigError } from "./config/errors.js";
export { parseQuantity } from "./config/units.js";
export { createTwin } from "./dem/twin.js";
export { DemSystem, DemUnstableError, type SystemInit, type WallInit } from "./dem/system.js";
export { DemCaseSchema, parseDemCase, type DemCase, type DemCaseInput } from "./dem/case.js";
export { resolveCase, runCase, type DemResult, type ResolvedCase } from "./dem/run.js";
export { CONTACT_MODELS, buildPairTable, yEff, gEff, betaEff, rayleighTime, sphereMass, hertzContactRadius, type Material } from "./dem/materials.js";
export { demoCase } from "./dem/demo.js";
export { parseCsv, toCsv, columnsToTable } from "./io/csv.js";
export { generatePacking, parsePackSpec, packingCsv, PackSpecSchema, type Packing, type PackSpec } from "./pack/pack.js";
export { runUniaxial, UNIAXIAL_DEFAULTS, type UniaxialOptions, type UniaxialResult } from "./dem/protocol.js";
export { packingStats, type PackingStats } from "./dem/analysis.js";
