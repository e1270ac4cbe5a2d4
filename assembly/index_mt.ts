// The shared-memory core (asconfig target "mt": imported shared memory, threads): every entry point of index.ts
// and the threaded DEM step. Built beside the plain core; the host loads it for runs on several threads.
export * from "./index";
export { demStepMT } from "./dem/step_mt";
