/**
 * `assb compact` killed with SIGKILL leaves a consistent folder, and `--resume` finishes it to the same
 * files as an uninterrupted run: killed during stage 2 (stage 1's outputs must all be on disk when its
 * restart file appears, and stay), and killed right after the last restart file (only the final
 * particles.csv and summary.json are missing; --resume writes them instead of refusing).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { demoCase } from "../../host/dem/demo.js";

const cli = join(ROOT, "host/cli/main.ts");
const dir = mkdtempSync(join(tmpdir(), "assb-resume-"));
const full = join(dir, "full");

function config(): string {
  const c = demoCase({ seed: 4, nx: 5, layers: 5 });
  c.walls![1].motion = { type: "fixed" };
  const cfg = {
    case: c,
    stages: [
      {
        type: "uniaxial",
        wall: "top",
        targetPressure_Pa: "50 MPa",
        speed_m_s: 10,
        releaseSpeed_m_s: 10,
        checkEvery: 200,
        holdSteps: 2000,
        relaxSteps: 2000,
      },
      { type: "isostatic", pressure_Pa: "3 MPa", maxSpeed_m_s: 1, checkEvery: 250, holdSteps: 150000 },
    ],
  };
  const f = join(dir, "compact.json");
  writeFileSync(f, JSON.stringify(cfg));
  return f;
}
const cfg = config();
const assb = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { encoding: "utf8", cwd: ROOT });

/** Starts `assb compact` into `out` and SIGKILLs it when `file` appears there (after `delay_ms`); returns the listing seen at that moment. */
async function killWhen(out: string, file: string, delay_ms: number): Promise<string[]> {
  rmSync(out, { recursive: true, force: true });
  const child = spawn(process.execPath, ["--import", "tsx", cli, "compact", cfg, "-o", out], { cwd: ROOT, stdio: "ignore" });
  const exited = new Promise((ok) => child.on("exit", ok));
  const t0 = Date.now();
  while (!existsSync(out) && Date.now() - t0 < 60000) await new Promise((ok) => setTimeout(ok, 2));
  let seen: string[] = [];
  await new Promise<void>((ok) => {
    const hit = () => {
      if (existsSync(join(out, file))) {
        seen = readdirSync(out);
        w.close();
        clearInterval(poll);
        ok();
      }
    };
    const w = watch(out, hit);
    const poll = setInterval(hit, 5);
    hit();
  });
  if (delay_ms > 0) await new Promise((ok) => setTimeout(ok, delay_ms));
  child.kill("SIGKILL");
  await exited;
  return seen;
}

/** JSON without the fields that measure time (they differ between any two runs). */
function untimed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untimed);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== "wallClock_s" && k !== "particleSteps_per_s")
        .map(([k, x]) => [k, untimed(x)]),
    );
  return v;
}

/** Every file of `a` equals the one in `b`: bytes for data and plots, JSON up to timings. */
function sameFolder(a: string, b: string): void {
  const fa = readdirSync(a).sort(),
    fb = readdirSync(b).sort();
  assert.equal(fa, fb, "same file list");
  for (const f of fa) {
    if (f.startsWith("restart_")) continue; // compared through the particles they continue to
    const x = readFileSync(join(a, f)),
      y = readFileSync(join(b, f));
    if (f.endsWith(".json")) assert.equal(untimed(JSON.parse(x.toString("utf8"))), untimed(JSON.parse(y.toString("utf8"))), f);
    else assert.ok(x.equals(y), `${f} differs`);
  }
}

test("uninterrupted run: one summary over both stages", () => {
  const r = assb("compact", cfg, "-o", full);
  assert.is(r.status, 0, r.stderr);
  const s = JSON.parse(readFileSync(join(full, "summary.json"), "utf8"));
  assert.equal(
    s.stages.map((x: { type: string }) => x.type),
    ["uniaxial", "isostatic"],
  );
});

test("killed during stage 2: stage 1's outputs are complete when its restart file appears; --resume gives the uninterrupted run's files, bit-identical particles", async () => {
  const part = join(dir, "part");
  const seen = await killWhen(part, "restart_stage1.json", 150);
  const stage1 = JSON.parse(readFileSync(join(full, "stage1_summary.json"), "utf8")).files as string[];
  assert.ok(stage1.length >= 18, `${stage1.length} files of stage 1`);
  for (const f of [...stage1, "stage1_summary.json"]) assert.ok(seen.includes(f), `${f} on disk before restart_stage1.json`);
  const left = readdirSync(part);
  assert.not.ok(left.includes("restart_stage2.json"), "killed before stage 2 finished");
  assert.not.ok(left.includes("summary.json"), "no summary of an unfinished run");
  assert.ok(
    left.every((f) => !f.endsWith(".tmp")),
    `temporary files left: ${left.join(",")}`,
  );
  for (const f of left.filter((f) => f.endsWith(".json"))) JSON.parse(readFileSync(join(part, f), "utf8")); // every file complete

  const res = assb("compact", cfg, "-o", part, "--resume");
  assert.is(res.status, 0, res.stderr);
  assert.match(res.stdout, /resuming after stage 1 \(uniaxial\)/);
  assert.match(res.stdout, /kept 21 files of stages 1-1/);
  assert.is(readFileSync(join(part, "particles.csv"), "utf8"), readFileSync(join(full, "particles.csv"), "utf8"));
  sameFolder(part, full);
});

test("killed right after the last restart file: --resume writes the final particles.csv and summary.json instead of refusing", async () => {
  // a real kill the moment restart_stage2.json appears (only particles.csv and summary.json follow it)
  const late = join(dir, "late");
  await killWhen(late, "restart_stage2.json", 0);
  const left = readdirSync(late);
  assert.ok(left.includes("restart_stage2.json"));
  // the same folder state made exactly: the uninterrupted run without the two files written after the last restart
  const made = join(dir, "made");
  cpSync(full, made, { recursive: true });
  rmSync(join(made, "particles.csv"));
  rmSync(join(made, "summary.json"));
  for (const out of [late, made]) {
    const res = assb("compact", cfg, "-o", out, "--resume");
    assert.is(res.status, 0, res.stderr);
    assert.match(res.stdout, /resuming after stage 2 \(isostatic\) .*: all stages had finished; writing the final particles and summary/);
    sameFolder(out, full);
  }
});

test("killed while stage 2's outputs are being written: --resume reruns stage 2 and rewrites them; temporary files are cleaned", async () => {
  const mid = join(dir, "mid");
  await killWhen(mid, "stage2_isostatic_curve.csv", 0);
  const left = readdirSync(mid);
  assert.not.ok(left.includes("restart_stage2.json"), "killed before the restart after stage 2");
  const res = assb("compact", cfg, "-o", mid, "--resume");
  assert.is(res.status, 0, res.stderr);
  assert.match(res.stdout, /resuming after stage 1 \(uniaxial\)/);
  sameFolder(mid, full);
});

test("--resume refuses a truncated restart file and an edited config with exit 2, naming the file", () => {
  const bad = join(dir, "bad");
  cpSync(full, bad, { recursive: true });
  const f = join(bad, "restart_stage2.json");
  writeFileSync(f, readFileSync(f, "utf8").slice(0, 1000));
  let r = assb("compact", cfg, "-o", bad, "--resume");
  assert.is(r.status, 2);
  assert.match(r.stderr, /^assb: error: .*restart_stage2\.json: not a complete restart file \(truncated or corrupt JSON/);
  assert.is(r.stderr.trim().split("\n").length, 1);
  const edited = join(dir, "edited.json");
  const c = JSON.parse(readFileSync(cfg, "utf8"));
  c.stages[1].pressure_Pa = "4 MPa";
  writeFileSync(edited, JSON.stringify(c));
  cpSync(join(full, "restart_stage2.json"), f);
  r = assb("compact", edited, "-o", bad, "--resume");
  assert.is(r.status, 2);
  assert.match(r.stderr, /restart_stage2\.json: written for another case: stage 2 \(isostatic\) was edited since; rerun without --resume/);
});

test("--resume without restart files says so", () => {
  const r = assb("compact", cfg, "-o", join(dir, "none"), "--resume");
  assert.is(r.status, 2);
  assert.match(r.stderr, /--resume: no restart_stageN\.json/);
});

test.run();
