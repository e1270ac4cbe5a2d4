/**
 * A study on a real BullMQ queue: Debian's redis-server on 127.0.0.1 on a free port (provisioned by
 * test/support/redis.ts), two `assb worker` processes, one killed with SIGKILL in the middle of a case. The
 * study completes with every case exactly once, the killed worker's case taken over by the other worker,
 * and the same rows as a local run. A queue URL nobody serves is refused in one line before anything runs.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { ROOT } from "../helpers.js";
import { startRedis, type RedisHandle } from "../support/redis.js";
import { assb, rows, studyFile, tmp } from "./util.js";

const ARGS = ["--import", "tsx", join(ROOT, "host/cli/main.ts")];

/** 6 micro cases of ~0.5 s each (resolution 3), long enough for a kill to land inside one. */
const STUDY = {
  name: "queue_micro",
  seed: 11,
  base: { kind: "micro", config: { flux_mol_m2_s: 7.83e-4, fractureEnergy_J_m2: 5.97, resolution: 3 } },
  axes: [
    { path: "flux_mol_m2_s", list: [2.61e-4, 7.83e-4, 1.305e-3] },
    { path: "fractureEnergy_J_m2", list: [4.21, 13.92] },
  ],
};

interface WorkerProc {
  p: ChildProcess;
  events: { event: string; case_id?: string }[];
}

/** `assb worker url --lock-s 2`: a killed worker's case goes to another worker within ~2-3 s. */
function worker(url: string): Promise<WorkerProc> {
  const p = spawn(process.execPath, [...ARGS, "worker", url, "--lock-s", "2"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const w: WorkerProc = { p, events: [] };
  let buf = "";
  let err = "";
  p.stderr?.on("data", (b: Buffer) => {
    err += b.toString();
  });
  return new Promise((resolve, reject) => {
    p.stdout?.on("data", (b: Buffer) => {
      buf += b.toString();
      let i = buf.indexOf("\n");
      while (i >= 0) {
        const e = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        w.events.push(e);
        if (e.event === "ready") resolve(w);
        i = buf.indexOf("\n");
      }
    });
    p.once("exit", (code) => reject(new Error(`worker exited with ${code}: ${err.trim()}`)));
  });
}

const until = async (cond: () => boolean, ms: number, what: string) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

let redis: RedisHandle | undefined;
const workers: WorkerProc[] = [];
test.after(async () => {
  for (const w of workers) if (w.p.exitCode === null) w.p.kill("SIGKILL");
  await redis?.stop();
});

test("a study on the queue with two workers, one killed mid-case: every case exactly once, the same rows as a local run", async () => {
  redis = await startRedis();
  const dir = tmp("queue");
  const file = studyFile(dir, "study.yaml", STUDY);
  const local = assb("study", "run", file, "-o", join(dir, "local"), "--workers", "1");
  assert.is(local.status, 0, local.stderr);

  const a = await worker(redis.url);
  workers.push(a);
  // the coordinator fills the queue; only worker a serves it until it has started a case
  const out = join(dir, "queued");
  const coord = spawn(process.execPath, [...ARGS, "study", "run", file, "-o", out, "--queue", redis.url], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let coordErr = "";
  coord.stderr?.on("data", (b: Buffer) => {
    coordErr += b.toString();
  });
  const coordDone = new Promise<number | null>((res) => coord.once("exit", (code) => res(code)));
  await until(() => a.events.some((e) => e.event === "started"), 30_000, "worker a to start a case");
  a.p.kill("SIGKILL");
  const killedCase = a.events.filter((e) => e.event === "started").at(-1)?.case_id as string;
  const finishedByA = new Set(a.events.filter((e) => e.event === "finished").map((e) => e.case_id));
  assert.not.ok(finishedByA.has(killedCase), "the kill landed inside a case");
  const b = await worker(redis.url);
  workers.push(b);
  const code = await coordDone;
  assert.is(code, 0, coordErr);

  // the killed case was taken over by b once a's lock expired
  assert.ok(
    b.events.some((e) => e.event === "started" && e.case_id === killedCase),
    `worker b ran ${killedCase}: ${JSON.stringify(b.events)}`,
  );
  // every case exactly once: one row and one sealed folder per case, no leftovers
  const mine = await rows(out);
  const ref = await rows(join(dir, "local"));
  assert.is(mine.size, 6);
  assert.equal([...mine.keys()].sort(), [...ref.keys()].sort());
  for (const [id, row] of ref) assert.equal(mine.get(id), row, `case ${id}: queue vs local`);
  const folders = readdirSync(join(out, "cases"));
  assert.equal(folders.sort(), [...ref.keys()].sort(), "one sealed folder per case, no .tmp left");
  // each case finished once across the workers that lived (a's finished cases plus b's)
  const finishes = [...a.events, ...b.events].filter((e) => e.event === "finished").map((e) => e.case_id);
  assert.equal(finishes.slice().sort(), [...ref.keys()].sort(), `finish events ${finishes}`);
  b.p.kill("SIGTERM");
});

test("a queue URL that does not answer within the timeout is one line, exit 2, and no study folder", async () => {
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const dir = tmp("noqueue");
  const file = studyFile(dir, "study.yaml", STUDY);
  const out = join(dir, "out");
  const r = assb("study", "run", file, "-o", out, "--queue", `redis://127.0.0.1:${port}`, "--queue-timeout-s", "1");
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`--queue redis://127\\.0\\.0\\.1:${port}: no Redis server answered a PING within 1\\.0 s \\(ECONNREFUSED\\)`),
  );
  assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.not.ok(existsSync(out), "nothing written");
  const bad = assb("study", "run", file, "-o", out, "--queue", "http://127.0.0.1:6379");
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--queue = "http:\/\/127\.0\.0\.1:6379": expected a redis:\/\/ or rediss:\/\/ URL/);
});

test.run();
