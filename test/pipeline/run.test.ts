/**
 * `assb run` end to end on a tiny pipeline (80 particles, 1 um voxels, two C-rates): the stage folders,
 * result.json, a self-contained report.html (no external reference; its PNGs embedded and beside it),
 * sane scalars; then the same pipeline started from its own files (the initial packing, the pressed
 * packing, the voxel volume) gives the same transport and cell numbers, bit for bit.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { readRatesResult } from "../../host/cell/output.js";
import { parsePipelineConfig } from "../../host/pipeline/config.js";
import { runPipeline } from "../../host/pipeline/run.js";
import { pipelineScalars } from "../../host/pipeline/summary.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });

const TINY = `name: tiny
pack:
  kind: 3d
  seed: 3
  particles: 80
  amMassFraction: 0.6
  initialSolidFraction: 0.35
  am: { size: { dist: uniform, min_m: 4 um, max_m: 8 um }, density_kg_m3: 4750 }
  se: { size: { dist: uniform, min_m: 4 um, max_m: 7 um }, density_kg_m3: 1990 }
  box: { lx_m: 30 um, ly_m: 30 um }
compact:
  timestep: { dt_s: 2.5e-10 }
  stages:
    - { type: uniaxial, wall: top, targetPressure_Pa: 375 MPa, holdSteps: 1000, relaxSteps: 1000 }
voxelize: { voxelSize_m: 1 um }
cell: { params: Asheri2023, rates: [0.1, 0.5], cutoff_V: 3.0, numerics: { nx: 10, nr: 20 } }
`;

const dir = mkdtempSync(join(tmpdir(), "assb-pipeline-"));
const file = join(dir, "tiny.yaml");
writeFileSync(file, TINY);
const out = join(dir, "out");
const PNG = [137, 80, 78, 71, 13, 10, 26, 10];

test("assb run: stage folders, result.json (format 1) and sane scalars", () => {
  const r = assb("run", file, "-o", out);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /pipeline tiny: from pack/);
  for (const f of [
    "pack/particles.csv",
    "pack/particles.packing.json",
    "compact/particles.csv",
    "compact/particles.packing.json",
    "compact/summary.json",
    "compact/stage1_uniaxial_loaded_particles.csv",
    "voxels/volume.raw",
    "voxels/volume.json",
    "voxels/surface.json",
    "transport/se.json",
    "transport/am.json",
    "cell/rates.csv",
    "cell/rates.json",
    "cell/timeseries_0p1C.csv",
    "cell/timeseries_0p5C.csv",
  ])
    assert.ok(existsSync(join(out, f)), f);
  const res = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
  assert.is(res.kind, "assbkit.pipeline.result");
  assert.is(res.format, 1);
  assert.ok(res.files.includes("report.html") && res.files.includes("voxels/volume.raw"));
  const s = res.scalars as Record<string, number>;
  assert.is(s.pack_particles, 80);
  for (const k of ["se_eps", "am_eps", "voxels_AM_fraction", "voxels_SE_fraction", "compact_solidFraction_loaded"])
    assert.ok(s[k] > 0 && s[k] < 1, `${k} = ${s[k]}`);
  assert.ok(s.compact_solidFraction_loaded > s.pack_solidFraction, "pressing densifies");
  assert.ok(s.se_tauFactor >= 1 && s.am_tauFactor >= 1, `tau ${s.se_tauFactor}, ${s.am_tauFactor}`);
  assert.ok(s.dSca_m > 0 && Number.isFinite(s.dSca_m));
  assert.ok(s.cell_capacity_Ah_m2_at_0p1C > 0 && s.cell_capacity_Ah_m2_at_0p5C > 0);
  assert.ok(s.cell_capacity_Ah_m2_at_0p5C < s.cell_capacity_Ah_m2_at_0p1C, "capacity falls with C-rate");
  assert.is(s.cell_capacityRetention_at_0p1C, 1);
  // every scalar is a finite number under a name with no spaces or dots (a column name)
  for (const [k, v] of Object.entries(s)) {
    assert.ok(Number.isFinite(v), `${k} = ${v}`);
    assert.match(k, /^[A-Za-z][A-Za-z0-9_]*$/);
  }
  // the cell folder's rates.json is the layout assb cell-rates writes
  assert.is(readRatesResult(join(out, "cell/rates.json")).rows.length, 2);
});

test("report.html is self-contained: inline CSS, PNGs as data URIs (and beside it), no external reference", () => {
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.not.match(html, /https?:|file:|<script|<link|@import|url\(/i);
  const srcs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  assert.ok(srcs.length >= 5, `${srcs.length} images`);
  for (const src of srcs) {
    assert.ok(src.startsWith("data:image/png;base64,"), src.slice(0, 40));
    assert.equal(Array.from(Buffer.from(src.slice(22), "base64").subarray(0, 8)), PNG);
  }
  for (const f of ["section.png", "voxel_slice.png", "densification.png", "capacity_vs_rate.png", "voltage_capacity.png"]) {
    assert.equal(Array.from(readFileSync(join(out, f)).subarray(0, 8)), PNG, f);
    assert.ok(html.includes(`(${f})`), `${f} named in the report`);
  }
  assert.match(html, /<h2>1\. Microstructure<\/h2>/);
  assert.match(html, /<h2>4\. Cell: Asheri2023/);
});

test("started from its own files (initial packing, pressed packing, volume): the same transport and cell numbers", async () => {
  const core = await loadCore();
  const full = JSON.parse(readFileSync(join(out, "result.json"), "utf8")).scalars as Record<string, number>;
  const later = Object.keys(full).filter((k) => /^(se_|am_|dSca|amSe|voxels_|cell_)/.test(k));
  assert.ok(later.length > 20);
  for (const [stage, f] of [
    ["compact", "out/pack/particles.csv"],
    ["voxelize", "out/compact/particles.csv"],
    ["transport", "out/voxels/volume.json"],
  ] as const) {
    const raw = parse(TINY);
    raw.from = { stage, file: f };
    const r = runPipeline(core, parsePipelineConfig(raw, "tiny.yaml"), { baseDir: dir });
    assert.is(r.startedAt, stage);
    const s = pipelineScalars(r);
    for (const k of later) assert.is(s[k], full[k], `from ${stage}: ${k}`);
    if (stage === "compact") assert.is(s.compact_solidFraction_released, full.compact_solidFraction_released);
  }
});

test("assb run --threads: a bad count is one line naming the option, before the output folder is touched", () => {
  const bad = join(dir, "out-threads");
  const r = assb("run", file, "-o", bad, "--threads", "0");
  assert.is(r.status, 2);
  assert.is(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /--threads = "0": expected an integer 1-64/);
  assert.not.ok(existsSync(bad));
});

test.run();
