/**
 * `assb compact` killed mid-stage (SIGKILL) leaves no half-written files, and `--resume` continues from
 * the last restart file to exactly the state of an uninterrupted run.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { demoCase } from "../../host/dem/demo.js";

const cli = join(ROOT, "host/cli/main.ts");

function config(dir: string): string {
  const c = demoCase({ seed: 4, nx: 5, layers: 5 });
  c.walls![1].motion = { type: "fixed" };
  const cfg = { case: c, stages: [
    { type: "uniaxial", wall: "top", targetPressure_Pa: "50 MPa", speed_m_s: 10, releaseSpeed_m_s: 10, checkEvery: 200, holdSteps: 2000, relaxSteps: 2000 },
    { type: "isostatic", pressure_Pa: "3 MPa", maxSpeed_m_s: 1, checkEvery: 250, holdSteps: 150000 },
  ] };
  const f = join(dir, "compact.json");
  writeFileSync(f, JSON.stringify(cfg));
  return f;
}

test("killed mid-stage: no half-written files; --resume reproduces the uninterrupted result exactly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-resume-"));
  const cfg = config(dir);
  const full = join(dir, "full"), part = join(dir, "part");
  const r = spawnSync(process.execPath, ["--import", "tsx", cli, "compact", cfg, "-o", full], { encoding: "utf8", cwd: ROOT });
  assert.is(r.status, 0, r.stderr);

  // run again and kill it once stage 1 is done (stage 2 is running)
  const child = spawn(process.execPath, ["--import", "tsx", cli, "compact", cfg, "-o", part], { cwd: ROOT, stdio: "ignore" });
  const t0 = Date.now();
  while (!existsSync(join(part, "restart_stage1.json")) && Date.now() - t0 < 60000) await new Promise((ok) => setTimeout(ok, 5));
  await new Promise((ok) => setTimeout(ok, 150));
  child.kill("SIGKILL");
  await new Promise((ok) => child.on("exit", ok));
  const left = readdirSync(part);
  assert.ok(left.includes("restart_stage1.json"), left.join(","));
  assert.not.ok(left.includes("restart_stage2.json"), "killed before stage 2 finished");
  assert.not.ok(left.includes("summary.json"), "no summary of an unfinished run");
  assert.ok(left.every((f) => !f.endsWith(".tmp")), `temporary files left: ${left.join(",")}`);
  for (const f of left.filter((f) => f.endsWith(".json"))) JSON.parse(readFileSync(join(part, f), "utf8")); // every file complete

  const res = spawnSync(process.execPath, ["--import", "tsx", cli, "compact", cfg, "-o", part, "--resume"], { encoding: "utf8", cwd: ROOT });
  assert.is(res.status, 0, res.stderr);
  assert.match(res.stdout, /resuming after stage 1 \(uniaxial\)/);
  assert.is(readFileSync(join(part, "particles.csv"), "utf8"), readFileSync(join(full, "particles.csv"), "utf8"));
  assert.is(readFileSync(join(part, "stage2_isostatic_curve.csv"), "utf8"), readFileSync(join(full, "stage2_isostatic_curve.csv"), "utf8"));
});

test("--resume without restart files says so", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-resume-"));
  const r = spawnSync(process.execPath, ["--import", "tsx", cli, "compact", config(dir), "-o", join(dir, "none"), "--resume"], { encoding: "utf8", cwd: ROOT });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--resume: no restart_stageN\.json/);
});

test.run();
