/** `assb micro` end to end on the coarsest mesh: the shipped configs run (exit 0, the six files), bad input
 *  exits 2, a stop rule not reached within the step budget and a step that does not converge exit 3 with
 *  where it happened, and neither writes a file. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, ROOT } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { NotConvergedError } from "../../host/config/errors.js";
import { runMicro } from "../../host/micro/model.js";
import { paperConfig } from "./setup.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const out = mkdtempSync(join(tmpdir(), "assb-micro-"));
const filesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

test("assb micro damage_gc5.97.yaml (resolution 1): exit 0, the six files, damage after onset, the bulk by mass balance", () => {
  const dir = join(out, "gc597");
  const r = assb("micro", fixture("micro/damage_gc5.97.yaml"), "--set", "resolution=1", "-o", dir);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /stop \(maxConcentrationNorm\) at t = [0-9.]+ s/);
  assert.equal(filesIn(dir), ["averages.png", "fields.png", "fields.vtk", "interface.vtk", "summary.json", "timeseries.csv"]);
  const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  assert.is(s.config.resolution, 1);
  assert.is(s.stop.reason, "maxConcentrationNorm");
  assert.ok(Math.abs(s.atStop.c_max_norm - 0.99) <= 1e-5, `max c~ at the stop ${s.atStop.c_max_norm}`);
  assert.ok(s.damageOnset_s > 0 && s.damageOnset_s < s.stop.t_s, `onset ${s.damageOnset_s} before the stop ${s.stop.t_s}`);
  assert.ok(s.atStop.damage_avg > 0.05 && s.atStop.damage_max <= 1, `<d> ${s.atStop.damage_avg}`);
  // mass balance: c_bulk = c0 + J t P_h / A_h, the inscribed 16-gon's P_h / A_h = 2 / (R cos(pi / 16))
  const bulk = 0.5 + (2 * 7.83e-4 * s.stop.t_s) / (1e-6 * Math.cos(Math.PI / 16) * 38320);
  assert.ok(Math.abs(s.atStop.c_bulk_norm - bulk) < 1e-9, `bulk ${s.atStop.c_bulk_norm} vs ${bulk}`);
});

test("assb micro diffusion_only.yaml and perfect_bonding.yaml run; bonded has no damage and no onset", () => {
  for (const name of ["diffusion_only", "perfect_bonding"]) {
    const dir = join(out, name);
    const r = assb("micro", fixture(`micro/${name}.yaml`), "--set", "resolution=1", "--no-plots", "-o", dir);
    assert.is(r.status, 0, r.stderr);
    const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    assert.is(s.damageOnset_s, null, name);
    assert.is(s.atStop.damage_max, 0, name);
    assert.equal(filesIn(dir), ["fields.vtk", "interface.vtk", "summary.json", "timeseries.csv"]);
  }
});

test("bad input exits 2 with one line naming the field (nu >= 0.5, negative J_s, Gc without (Y0, H), a mesh too coarse) and writes nothing", () => {
  const cases: [string[], RegExp][] = [
    [["--set", "am.poissonRatio=0.5"], /am\.poissonRatio = 0\.5: AM Poisson's ratio must lie in \(-1, 0\.5\)/],
    [["--set", "flux_mol_m2_s=-7.83e-4"], /flux_mol_m2_s = -0\.000783: pore-wall flux J_s/],
    [["--set", "fractureEnergy_J_m2=7"], /fractureEnergy_J_m2 = 7: expected one of paper 001 Table 2's/],
    [["--set", "resolution=0"], /resolution = 0: expected an integer from 1 \(the coarsest mesh that resolves the interface\)/],
  ];
  for (const [args, re] of cases) {
    const dir = join(out, `bad-${args[1].split("=")[0]}`);
    const r = assb("micro", fixture("micro/damage_gc5.97.yaml"), ...args, "-o", dir);
    assert.is(r.status, 2, `${args}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(filesIn(dir), [], `${args}: nothing written`);
  }
});

test("a stop rule not reached within stop.maxSteps exits 3 saying when and where, and writes nothing", () => {
  const dir = join(out, "budget");
  const r = assb("micro", fixture("micro/damage_gc5.97.yaml"), "--set", "resolution=1", "--set", "stop.maxSteps=5", "-o", dir);
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /no stop rule reached within stop\.maxSteps = 5 accepted steps \(t = [0-9.e-]+ s, max c\/c_max = 0\.[0-9]+/);
  assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.equal(filesIn(dir), []);
});

test("a step Newton cannot solve even at the smallest step is a NotConvergedError naming the time, the step and the residual", async () => {
  const core = await loadCore();
  try {
    // a Newton tolerance of 0 is never met: every step is cut until the smallest step, then refused
    runMicro(core, paperConfig({ resolution: 1 }), { solver: { newtonTol: 0 } });
    assert.unreachable("expected NotConvergedError");
  } catch (e) {
    assert.instance(e, NotConvergedError);
    assert.match((e as Error).message, /^micro: Newton did not converge at t = [0-9.e-]+ s, step 1 \(.*scaled residual [0-9.e+-]+/);
  }
});

test.run();
