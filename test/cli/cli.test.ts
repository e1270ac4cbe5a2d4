/** The `assb` CLI end to end: help, a DEM case written atomically with its summary, bad input. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, fixture } from "../helpers.js";
import { VERSION } from "../../host/version.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });

test("--help lists the subcommands", () => {
  const r = assb("--help");
  assert.is(r.status, 0);
  assert.match(r.stdout, /demo/);
  assert.match(r.stdout, /dem \[options\] <case>/);
});

test("assb dem writes the time series, particles, contacts and a summary with config, version and seed", () => {
  const out = mkdtempSync(join(tmpdir(), "assb-"));
  const r = assb("dem", fixture("dem/collision_equal.yaml"), "-o", out, "-q");
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(out).sort(), [
    "contacts.csv",
    "particles.csv",
    "particles.packing.json",
    "particles.vtk",
    "summary.json",
    "timeseries.csv",
  ]);
  const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  assert.is(s.version, VERSION);
  assert.is(s.seed, 1);
  assert.is(s.config.name, "collision_equal");
  assert.is(s.summary.steps, 600);
  const ts = readFileSync(join(out, "timeseries.csv"), "utf8").trim().split("\n");
  assert.is(ts.length, 601);
  assert.ok(ts[0].startsWith("step,time_s,p1_x_m"));
});

test("a bad case exits with code 2 and a one-line error naming the field", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-"));
  const bad = readFileSync(fixture("dem/collision_equal.yaml"), "utf8").replace("poissonRatio: 0.32", "poissonRatio: 0.6");
  writeFileSync(join(dir, "bad.yaml"), bad);
  const r = assb("dem", join(dir, "bad.yaml"), "-o", join(dir, "out"));
  assert.is(r.status, 2);
  const lines = r.stderr.trim().split("\n");
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /^assb: error: .*materials\.LCO\.poissonRatio = 0\.6/);
  assert.equal(readdirSync(dir), ["bad.yaml"], "nothing written");
});

test("a missing case file is reported plainly", () => {
  const r = assb("dem", "no/such/case.yaml");
  assert.is(r.status, 2);
  assert.match(r.stderr, /no\/such\/case\.yaml: cannot read the file \(ENOENT\)/);
});

test("assb demo runs the example pipeline (3D) and the 2D structure: report, stage folders, sections and plots as valid PNGs", () => {
  const out = mkdtempSync(join(tmpdir(), "assb-demo-"));
  const r = assb("demo", "-o", out);
  assert.is(r.status, 0, r.stderr);
  const p = join(out, "pipeline"),
    d2 = readdirSync(join(out, "2d"));
  for (const f of [
    "report.html",
    "result.json",
    "section.png",
    "capacity_vs_rate.png",
    "compact/stage1_uniaxial_loaded_particles.csv",
    "compact/stage1_uniaxial_loaded_particles.vtk",
    "compact/stage1_uniaxial_loaded_stress_histogram.png",
    "compact/stage1_uniaxial_curve.png",
    "compact/stage1_uniaxial_released_analysis.json",
    "voxels/volume.json",
    "transport/se.json",
    "cell/rates.csv",
  ])
    assert.ok(existsSync(join(p, f)), `pipeline/${f}`);
  for (const f of ["section_224.png", "section_224_labels.csv", "compressed_particles.vtk", "compressed_pressure_histogram.png"])
    assert.ok(d2.includes(f), `2d/${f}`);
  for (const f of [join(p, "compact", "stage1_uniaxial_loaded_stress_histogram.png"), join(out, "2d", "section_224.png")]) {
    const b = readFileSync(f);
    assert.equal(Array.from(b.subarray(0, 8)), [137, 80, 78, 71, 13, 10, 26, 10], f);
  }
  assert.is(readFileSync(join(out, "2d", "section_224.png")).readUInt32BE(16), 224);
  assert.match(r.stdout, /compact: \d+ MPa, solid fraction 0\.\d+ loaded/);
  assert.match(r.stdout, /0\.05C: [\d.]+ Ah\/m2/);
});

// (the twins-current check is its own step of npm test: scripts/test.mjs)
test("the package version and host/version.ts agree", () => {
  assert.is(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version, VERSION);
});

test.run();
