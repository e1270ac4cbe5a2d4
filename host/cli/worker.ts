/** `assb worker <redis-url>`: serve the cases of studies run with `assb study run --queue <redis-url>`. */
import type { Command } from "commander";
import { inputError } from "../config/errors.js";

export function register(program: Command): void {
  program
    .command("worker")
    .description(
      "run study cases from a Redis queue (BullMQ) that 'assb study run --queue <url>' fills; start any number, on any machine that sees the study folder",
    )
    .argument("<url>", "the queue's Redis server, e.g. redis://host:6379")
    .option("--queue-name <name>", "the queue to serve", "assbkit-cases")
    .option("--lock-s <seconds>", "a job's lock: a worker that dies loses its case to another worker after this long", "30")
    .option("--timeout-s <seconds>", "how long the Redis server may take to answer", "5")
    .action(async (url: string, o: { queueName: string; lockS: string; timeoutS: string }) => {
      const lock = Number(o.lockS),
        timeout = Number(o.timeoutS);
      if (!(lock > 0)) throw inputError("--lock-s", o.lockS, "a positive number", "s");
      if (!(timeout > 0)) throw inputError("--timeout-s", o.timeoutS, "a positive number", "s");
      const { startWorker } = await import("../study/queue/worker.js");
      // one JSON line per event: the worker is usually a service whose log is read by machines
      const log = (o: object) => process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), ...o })}\n`);
      const w = await startWorker(url, {
        queueName: o.queueName,
        lock_ms: lock * 1000,
        timeout_ms: timeout * 1000,
        onEvent: (e) => log(e),
      });
      log({ event: "ready", queue: o.queueName, pid: process.pid });
      const stop = () => void w.close();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      await w.closed;
      log({ event: "closed" });
    });
}
