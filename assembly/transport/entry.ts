// The transport family's entry points (assembly/index.ts exports them; host/core/wasm.ts TransportFns), in
// the order the host calls them per solve (host/transport/solver.ts; phases in layout.ts).
export { tpBuild, tpDiag, tpMask, tpInitGuess, tpFlux } from "./build";
export { tpPercolate } from "./percolate";
export { tpCoarsen, tpComponentLevels } from "./galerkin";
export { tpSolveSOR } from "./sor";
export { tpSolvePCG } from "./krylov";
export { tpSlabMask, tpSlabInit, tpSlabDirection, tpSlabAxpy, tpSlabPrecond, tpSlabFinish, tpSlabDot } from "./slab";
