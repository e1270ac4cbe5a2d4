/**
 * How cases run: a CaseExecutor takes a case spec and resolves with its CaseRecord once the case folder is
 * sealed (or rejects when the machinery running it failed, not the case). The coordinator (run.ts) does the
 * bookkeeping and only sees this interface; the local executor here is a piscina pool of worker threads.
 */
import { Piscina } from "piscina";
import { coreModule } from "../core/wasm.js";
import type { CaseRecord } from "./case.js";
import type { CaseSpec } from "./expand.js";

export interface CaseExecutor {
  run(spec: CaseSpec): Promise<CaseRecord>;
  close(): Promise<void>;
}

/** The worker script beside this module: the compiled .js, or from the sources a bootstrap that registers tsx first. */
const WORKER = new URL(import.meta.url.endsWith(".ts") ? "./worker_dev.mjs" : "./worker.js", import.meta.url).href;

/** `workers` threads, each loading the compute core once from the module compiled here (they share its machine code). */
export async function localExecutor(casesDir: string, workers: number): Promise<CaseExecutor> {
  const pool = new Piscina({
    filename: WORKER,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    workerData: { module: await coreModule() },
  });
  return {
    run: (spec) => pool.run({ spec, casesDir }),
    close: () => pool.destroy(),
  };
}
