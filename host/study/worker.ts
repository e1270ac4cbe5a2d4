/**
 * Worker thread of the local study pool (piscina): loads the compute core once, from the module the
 * coordinator compiled (every worker shares its machine code), and runs the cases it is handed. The heap is
 * rewound after each case, so a case starts from the same memory whichever cases ran before it.
 */
import { workerData } from "piscina";
import { loadCore } from "../core/wasm.js";
import { executeCase, type CaseRecord } from "./case.js";
import type { CaseSpec } from "./expand.js";
import type { Core } from "./kinds.js";

let core: Promise<Core> | undefined;

export default async function runTask(task: { spec: CaseSpec; casesDir: string }): Promise<CaseRecord> {
  core ??= loadCore({ module: (workerData as { module?: WebAssembly.Module } | undefined)?.module });
  const k = await core;
  const mark = k.heap.used;
  try {
    return await executeCase(k, task.spec, task.casesDir);
  } finally {
    k.heap.reset(mark);
  }
}
