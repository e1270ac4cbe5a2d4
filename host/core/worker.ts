/**
 * Starts a worker-thread script that lives next to the calling module (Node): the compiled .js under
 * dist/, or, when running from source under tsx (whose loader workers do not inherit), the .ts file
 * after registering tsx inside the worker.
 */
import { Worker } from "node:worker_threads";

/** `moduleUrl`: the caller's import.meta.url; `name`: the script's base name without extension. */
export function startWorker(moduleUrl: string, name: string, workerData: unknown): Worker {
  if (!moduleUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, moduleUrl), { workerData });
  const src = JSON.stringify(new URL(`./${name}.ts`, moduleUrl).href);
  return new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${src}); });`, { eval: true, workerData });
}
