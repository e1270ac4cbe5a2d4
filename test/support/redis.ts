/**
 * A real Redis server for the queue tests: Debian's `redis-server` on 127.0.0.1 on a free port, no
 * persistence, stopped by `stop()`. npm cannot ship Redis, so when the program is missing the runner
 * provisions it itself where it can (root with apt-get: installs Debian's package once) and otherwise fails
 * with one line naming the package to install — never a skipped test.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"];

function findRedis(): string | undefined {
  const fromPath = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  return fromPath || CANDIDATES.find((p) => existsSync(p));
}

/** The redis-server binary, installing Debian's package when this process may (root, apt-get). */
export function redisServerBinary(): string {
  const found = findRedis();
  if (found) return found;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && existsSync("/usr/bin/apt-get")) {
    process.stderr.write("redis-server not found: installing Debian's package redis-server (once)\n");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const up = spawnSync("apt-get", ["update", "-qq"], { encoding: "utf8", env });
    const inst = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "redis-server"], { encoding: "utf8", env });
    const again = findRedis();
    if (again) return again;
    const why = (inst.stderr || up.stderr || "").trim().split("\n").pop();
    throw new Error(`redis-server: apt-get install redis-server failed (${why}); install Debian's package redis-server`);
  }
  throw new Error("redis-server not found: the queue tests need Debian's package redis-server (apt-get install redis-server)");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a throw-away Redis server; resolves once it accepts connections. */
export async function startRedis(): Promise<RedisHandle> {
  const bin = redisServerBinary();
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${log.trim().split("\n").pop()}`)), 10_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${log.trim().split("\n").pop()}`));
    });
  });
  child.stdout?.removeAllListeners("data");
  child.stderr?.removeAllListeners("data");
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
