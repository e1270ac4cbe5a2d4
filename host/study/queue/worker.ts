/**
 * `assb worker <redis-url>`: a BullMQ worker that runs study cases from the queue (executor.ts) with one
 * compute core per process, any number per machine, on any machine that sees the study folders. A case
 * whose folder is already sealed (a worker that died after sealing it, before the job was acknowledged) is
 * returned from its case.json, not run again: each case's result is written once.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "bullmq";
import { loadCore } from "../../core/wasm.js";
import { executeCase, readCaseRecord, type CaseRecord } from "../case.js";
import { connectRedis, DEFAULT_QUEUE_TIMEOUT_MS } from "./connect.js";
import { DEFAULT_QUEUE_NAME, type QueueJobData } from "./executor.js";

export interface WorkerOptions {
  queueName?: string;
  /** a job's lock [ms]: a worker that stops renewing it (killed) loses the job after this long */
  lock_ms?: number;
  timeout_ms?: number;
  /** one call when a case starts and one when it ends */
  onEvent?: (e: { event: "started" | "finished"; case_id: string; status?: string; wall_s?: number; reused?: boolean }) => void;
}

export interface RunningWorker {
  close(): Promise<void>;
  /** resolves when the worker has closed */
  closed: Promise<void>;
}

export async function startWorker(url: string, opts: WorkerOptions = {}): Promise<RunningWorker> {
  const connection = await connectRedis(url, opts.timeout_ms ?? DEFAULT_QUEUE_TIMEOUT_MS, "worker");
  const core = await loadCore();
  const lock = opts.lock_ms ?? 30_000;
  const worker = new Worker<QueueJobData, CaseRecord>(
    opts.queueName ?? DEFAULT_QUEUE_NAME,
    async (job) => {
      const { spec, casesDir } = job.data;
      const sealed = join(casesDir, spec.id);
      if (existsSync(join(sealed, "case.json"))) {
        const rec = readCaseRecord(sealed);
        if (rec) {
          opts.onEvent?.({ event: "finished", case_id: spec.id, status: rec.status, wall_s: rec.wall_s, reused: true });
          return rec;
        }
      }
      opts.onEvent?.({ event: "started", case_id: spec.id });
      const mark = core.heap.used;
      try {
        const rec = await executeCase(core, spec, casesDir);
        opts.onEvent?.({ event: "finished", case_id: spec.id, status: rec.status, wall_s: rec.wall_s });
        return rec;
      } finally {
        core.heap.reset(mark);
      }
    },
    {
      connection,
      // one case at a time: the cases of a process share one compute core and its heap (start more processes
      // for more cores)
      concurrency: 1,
      lockDuration: lock,
      stalledInterval: Math.max(500, Math.floor(lock / 2)),
      maxStalledCount: 3,
    },
  );
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= worker.close().then(() => connection.disconnect());
    return closing;
  };
  const closed = new Promise<void>((res) => worker.on("closed", () => res()));
  return { close, closed };
}
