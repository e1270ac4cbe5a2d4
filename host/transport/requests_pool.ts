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
import { planSlabs, transportSlabs } from "./slabs.js";
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
  /**
   * Solve every request in this many slabs (slabs.ts) on the `workers`; a request past the 4 GiB of one wasm32
   * instance is solved in slabs without being asked (as few as fit).
   */
  slabs?: number;
}

/**
 * Checks one request against the volume (axis, phase, sigma) and returns the bytes its solve needs in one compute
 * core (the set-up's estimate), or "slabs" where that passes the 4 GiB of a wasm32 instance and the request can be
 * solved in slabs (slabs.ts: one conducting phase, pcg); refuses the others, in the caller, before any worker starts.
 */
function checkRequest(v: Volume, req: TransportRequest, slabs: number | undefined, workers: number): number | "slabs" {
  const { axis } = resolveAxis(v, "volume", req.axis, "transport: axis");
  const { mode } = validateRequest(v, { ...req, axis });
  const opts = userSolverOptions(req.solver);
  const shape = gridOrder(v.shape, axis).shape3;
  const need = solverBytes(shape, opts.method);
  if (need <= MAX_HEAP_BYTES && slabs === undefined) return need;
  if (mode === "binary" && opts.method === "pcg") {
    planSlabs(shape, { slabs, workers });
    return "slabs";
  }
  throw new ConfigError(
    `transport: ${v.shape.join("x")} voxels need about ${(need / 2 ** 30).toFixed(1)} GiB for the ${opts.method} solver, more than the 4 GiB one wasm32 instance can address, and only one conducting phase solved with pcg can be split into slabs: crop the volume or use a coarser voxel size`,
  );
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
  const want = o.workers ?? 1;
  if (!Number.isInteger(want) || want < 1) throw inputError("transport: workers", want, "a positive integer", "threads");
  const checked = requests.map((req) => checkRequest(volume, req, o.slabs, want));
  const out: TransportResult[] = new Array(requests.length);
  // requests past one instance: in slabs, one after the other, each on all the workers
  const big = checked.flatMap((c, i) => (c === "slabs" ? [i] : []));
  if (big.length > 0) {
    for (const i of big) {
      out[i] = await transportSlabs(volume, requests[i], { workers: want, slabs: o.slabs });
      o.onDone?.(i, out[i]);
    }
    const rest = checked.flatMap((c, i) => (c === "slabs" ? [] : [i]));
    if (rest.length > 0) {
      const small = await transportRequests(
        k,
        volume,
        rest.map((i) => requests[i]),
        { workers: want, onDone: (j, r) => o.onDone?.(rest[j], r) },
      );
      rest.forEach((i, j) => (out[i] = small[j]));
    }
    return out;
  }
  const need = checked as number[];
  const byMemory = Math.max(1, Math.floor((0.8 * freemem()) / Math.max(...need)));
  const nw = Math.min(want, requests.length, byMemory);
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
