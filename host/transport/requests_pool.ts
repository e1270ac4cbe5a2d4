/**
 * Several transport problems of one volume (networks, axes) on worker threads (Node): each worker has its
 * own compute core, so each solve has its own 4 GiB of wasm32 memory, and the volume is shared with the
 * workers (SharedArrayBuffer), not copied: a volume's SE and AM networks (what the cell model needs, paper
 * 004) or its three axes. Each result is identical to `transport()` on the same request in this thread
 * (every solve is independent).
 */
import type { Worker } from "node:worker_threads";
import { freemem } from "node:os";
import { startWorker } from "../core/worker.js";
import { coreModule, type TransportKernels } from "../core/wasm.js";
import { MAX_HEAP_BYTES } from "../core/heap.js";
import { ConfigError, inputError } from "../config/errors.js";
import { resolveAxis } from "./defaults.js";
import { gridOrder, transport, validateRequest, type TransportRequest, type TransportResult } from "./tortuosity.js";
import { solverBytes, userSolverOptions } from "./solver.js";
import { checkVolume, type Volume } from "./volume_type.js";

export interface RequestsPoolOptions {
  /**
   * Worker threads (at most one per request; default 1 = in this thread). Side by side pays where solves are small:
   * at 300^3 two networks on 2 workers took 0.85-0.91x the time of one after the other in this thread
   * (bench/transport.ts: each fresh instance first touches its 3.3 GiB, ~1.5 s, and the solves share the memory
   * bandwidth they are bound by).
   */
  workers?: number;
  /** Called as each request finishes (index into the requests). */
  onDone?: (index: number, r: TransportResult) => void;
}

/**
 * Checks one request against the volume (axis, phase, sigma) and returns the bytes its solve needs (the
 * set-up's estimate), refusing one past the 4 GiB of a wasm32 instance: in the caller, before any worker starts.
 */
function checkRequest(v: Volume, req: TransportRequest): number {
  const { axis } = resolveAxis(v, "volume", req.axis, "transport: axis");
  validateRequest(v, { ...req, axis });
  const opts = userSolverOptions(req.solver);
  const need = solverBytes(gridOrder(v.shape, axis).shape3, opts.method);
  if (need > MAX_HEAP_BYTES)
    throw new ConfigError(
      `transport: ${v.shape.join("x")} voxels need about ${(need / 2 ** 30).toFixed(1)} GiB for the ${opts.method} solver, more than the 4 GiB one wasm32 instance can address: crop the volume or use a coarser voxel size`,
    );
  return need;
}

/**
 * Solves `requests` on `volume`, up to `workers` at a time (each in its own worker and wasm instance; fewer
 * when the machine's free memory does not hold that many workspaces). Results in request order.
 */
export async function transportRequests(
  k: TransportKernels,
  volume: Volume,
  requests: TransportRequest[],
  o: RequestsPoolOptions = {},
): Promise<TransportResult[]> {
  checkVolume(volume);
  if (requests.length === 0) return [];
  const need = requests.map((req) => checkRequest(volume, req));
  const want = o.workers ?? 1;
  if (!Number.isInteger(want) || want < 1) throw inputError("transport: workers", want, "a positive integer", "threads");
  const byMemory = Math.max(1, Math.floor((0.8 * freemem()) / Math.max(...need)));
  const nw = Math.min(want, requests.length, byMemory);
  const out: TransportResult[] = new Array(requests.length);
  if (nw <= 1) {
    requests.forEach((req, i) => {
      out[i] = transport(k, volume, req);
      o.onDone?.(i, out[i]);
    });
    return out;
  }
  const module = await coreModule();
  const shared = new SharedArrayBuffer(volume.data.length);
  new Uint8Array(shared).set(volume.data);
  const vol = { shape: volume.shape, phases: volume.phases, meta: volume.meta, voxelSize_m: volume.voxelSize_m };
  let next = 0,
    done = 0;
  const workers = new Set<Worker>();
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: Error) => {
        if (!settled) {
          settled = true;
          reject(e);
        }
      };
      for (let w = 0; w < nw; w++) {
        const worker = startWorker(import.meta.url, "requests_worker", { volume: vol, data: shared, module });
        workers.add(worker);
        let job = -1,
          lastError = "";
        const give = () => {
          job = next < requests.length ? next++ : -1;
          if (job >= 0) worker.postMessage({ index: job, request: requests[job] });
          else {
            workers.delete(worker);
            void worker.terminate();
          }
        };
        worker.on("message", (m: { ready?: boolean; index?: number; result?: TransportResult }) => {
          if (m.result && m.index !== undefined) {
            out[m.index] = m.result;
            o.onDone?.(m.index, m.result);
            if (++done === requests.length) {
              settled = true;
              resolve();
              return;
            }
          }
          give();
        });
        worker.on("error", (e) => {
          lastError = e instanceof Error ? e.message : String(e);
        });
        worker.on("exit", (code) => {
          workers.delete(worker);
          if (job >= 0 && !settled)
            fail(
              new ConfigError(
                `transport: the worker solving request ${job + 1} of ${requests.length} stopped (exit code ${code}${lastError ? `: ${lastError.split("\n")[0]}` : ""}); run with --workers 1 to solve in this thread`,
              ),
            );
        });
      }
    });
  } finally {
    for (const w of workers) void w.terminate();
  }
  return out;
}
