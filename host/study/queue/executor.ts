/**
 * The coordinator's side of a study on a BullMQ queue: each pending case becomes one job whose id is the
 * study folder's and the case's (adding it again is a no-op, so a restarted coordinator never duplicates a
 * case), and the coordinator waits for the job's CaseRecord. Workers (`assb worker`, worker.ts) anywhere that
 * sees the study folder run the jobs; the coordinator alone writes the results store.
 *
 * Retries: a job whose worker threw (not a failing case: that is a CaseRecord with status "failed") is tried
 * again with exponential backoff; a job whose worker died (SIGKILL, a lost machine) is "stalled" once its
 * lock expires and another worker takes it over (BullMQ's stalled-job check).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import type { CaseRecord } from "../case.js";
import type { CaseSpec } from "../expand.js";
import type { CaseExecutor } from "../pool.js";
import { connectRedis, DEFAULT_QUEUE_TIMEOUT_MS } from "./connect.js";

/** The queue every `assb worker` serves unless told otherwise. */
export const DEFAULT_QUEUE_NAME = "assbkit-cases";

/** What a job carries: the case and the absolute path of the study's cases folder. */
export interface QueueJobData {
  spec: CaseSpec;
  casesDir: string;
}

export interface QueueOptions {
  queueName?: string;
  /** how long the queue URL may take to answer [ms] */
  timeout_ms?: number;
  /** tries of a job whose worker threw (default 3) */
  attempts?: number;
  /** first retry delay [ms], doubled each time (default 1000) */
  backoff_ms?: number;
}

/** Refuses (one line) a queue URL that is malformed or where no Redis server answers within `timeout_ms`. */
export async function checkQueue(url: string, timeout_ms = DEFAULT_QUEUE_TIMEOUT_MS): Promise<void> {
  (await connectRedis(url, timeout_ms)).disconnect();
}

/** The job id of a case: stable for a study folder and a case. */
export function jobId(casesDir: string, caseId: string): string {
  return `${createHash("sha256").update(resolve(casesDir)).digest("hex").slice(0, 12)}-${caseId}`;
}

/** Connects to the queue at `url` (refused in one line when nothing answers) and returns the executor. */
export async function queueExecutor(url: string, casesDir: string, opts: QueueOptions = {}): Promise<CaseExecutor> {
  const name = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const timeout = opts.timeout_ms ?? DEFAULT_QUEUE_TIMEOUT_MS;
  const connection = await connectRedis(url, timeout);
  const eventsConnection = await connectRedis(url, timeout);
  const queue = new Queue<QueueJobData, CaseRecord>(name, { connection });
  const events = new QueueEvents(name, { connection: eventsConnection });
  // every pending case waits on these emitters: thousands of listeners are expected, not a leak
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  await events.waitUntilReady();
  const dir = resolve(casesDir);
  return {
    async run(spec: CaseSpec) {
      for (let k = 0; ; k++) {
        const job = await queue.add(
          "case",
          { spec, casesDir: dir },
          {
            jobId: jobId(dir, spec.id),
            attempts: opts.attempts ?? 3,
            backoff: { type: "exponential", delay: opts.backoff_ms ?? 1000 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        );
        // resolves at once for a job finished before (a restarted coordinator), else when a worker finishes it
        const rec = (await job.waitUntilFinished(events)) as CaseRecord;
        if (existsSync(join(dir, spec.id, "case.json")) || k > 0) return rec;
        // finished for an earlier study folder at this path that has since been removed: run it again
        await queue.remove(job.id as string);
      }
    },
    async close() {
      await events.close();
      await queue.close();
      connection.disconnect();
      eventsConnection.disconnect();
    },
  };
}
