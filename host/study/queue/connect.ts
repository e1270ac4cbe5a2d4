/**
 * The Redis connection of the distributed studies: a `redis://` or `rediss://` URL checked where it enters
 * (one line naming the option, the value and what was expected) and a server that must answer a PING
 * within a timeout — a study never hangs on a queue nobody serves.
 */
import { Redis } from "ioredis";
import { ConfigError } from "../../config/errors.js";

/** How long a queue URL may take to answer [ms] (`--queue-timeout`). */
export const DEFAULT_QUEUE_TIMEOUT_MS = 5000;

/** Parses and checks a queue URL (no connection yet). */
export function parseQueueUrl(url: string, option = "--queue"): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${option} = ${JSON.stringify(url)}: expected a Redis URL such as redis://host:6379`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new ConfigError(`${option} = ${JSON.stringify(url)}: expected a redis:// or rediss:// URL (got ${u.protocol}//)`);
  if (!u.hostname) throw new ConfigError(`${option} = ${JSON.stringify(url)}: expected a host, e.g. redis://127.0.0.1:6379`);
  return u;
}

/**
 * A connected client (BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on). Refuses a
 * server that does not answer a PING within `timeout_ms`, with the reason (refused, timed out, auth).
 */
export async function connectRedis(url: string, timeout_ms = DEFAULT_QUEUE_TIMEOUT_MS, option = "--queue"): Promise<Redis> {
  parseQueueUrl(url, option);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: timeout_ms, retryStrategy: () => null });
  let lastError = "";
  client.on("error", (e: NodeJS.ErrnoException) => {
    lastError = e.code ?? e.message;
  });
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(lastError || "timed out")), timeout_ms).unref());
  try {
    await Promise.race([client.connect().then(() => client.ping()), timer]);
  } catch (e) {
    client.disconnect();
    const why = lastError || (e as NodeJS.ErrnoException).code || (e as Error).message;
    throw new ConfigError(
      `${option} ${url}: no Redis server answered a PING within ${(timeout_ms / 1000).toPrecision(2)} s (${why}); expected a reachable Redis server`,
    );
  }
  // later reconnects (a server restart) are BullMQ's to retry
  client.options.retryStrategy = (times: number) => Math.min(times * 200, 2000);
  return client;
}
