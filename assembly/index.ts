// assbkit compute core: stateless kernels over memory laid out by the host.
export { heapBase } from "./common/mem";
export { demPrepare } from "./dem/integrate";
export { demSetup, demStep, demForces, demBuild } from "./dem/step";
export { demWallLists } from "./dem/wall_list";
export {
  tpBuild, tpPercolate, tpDiag, tpMask, tpCoarsen, tpComponentLevels, tpInitGuess, tpFlux, tpSolveSOR,
  tpSolvePCG, tpSlabMask, tpSlabInit, tpSlabDirection, tpSlabAxpy, tpSlabPrecond,
  tpSlabFinish, tpSlabDot,
} from "./transport/entry";
export {
  mlMaxPoolGrad, mlBiasGrad, mlTile, mlDepthwiseBackpropInput, mlDepthwiseBackpropFilter, mlConvFilterGrad,
  mlReduceRows, mlBatchNorm, mlBinary,
} from "./ml/kernels";
export { cellStep, cellOcv } from "./cell/p2d";
export { microSetup, microAssemble, microUpdate, microStats } from "./micro/element";
export { microCohesive } from "./micro/cohesive";
export { microFactor, microSolve } from "./micro/lu";
export { microGmres } from "./micro/krylov";
export { mlpForward, mlpForwardGrad, mlpForwardGradCached } from "./multiscale/mlp_simd";
