/** The pipeline file: the shipped example (assb run --example = fixtures/pipeline/example.yaml, and it parses),
 *  one-line errors naming the field (exit 2 from the CLI), and `--set` paths through lists. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT, expectConfigError, fixture } from "../helpers.js";
import { PIPELINE_EXAMPLE_YAML } from "../../host/pipeline/example.js";
import { parsePipelineConfig } from "../../host/pipeline/config.js";
import { applyOverrides } from "../../host/config/overrides.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });

test("assb run --example prints fixtures/pipeline/example.yaml byte for byte, and it parses with units resolved", () => {
  const r = assb("run", "--example");
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, readFileSync(fixture("pipeline/example.yaml"), "utf8"));
  assert.is(r.stdout, PIPELINE_EXAMPLE_YAML);
  const c = parsePipelineConfig(parse(PIPELINE_EXAMPLE_YAML), "example.yaml");
  assert.is(c.pack?.kind, "3d");
  assert.is(c.compact?.stages[0].type, "uniaxial");
  assert.is((c.compact!.stages[0] as { targetPressure_Pa: number }).targetPressure_Pa, 375e6);
  assert.is(c.voxelize.voxelSize_m, 0.75e-6);
  assert.equal(c.transport.phases, ["SE", "AM"]);
  assert.equal(c.cell?.rates, [0.05, 0.1, 0.2, 0.5]);
});

const example = () => parse(PIPELINE_EXAMPLE_YAML) as Record<string, Record<string, unknown>>;

test("parsePipelineConfig: one line naming the field for unknown keys, bad values and missing sections", () => {
  const bad = (edit: (c: Record<string, Record<string, unknown>>) => void, re: RegExp) => {
    const c = example();
    edit(c);
    expectConfigError(() => parsePipelineConfig(c, "p.yaml"), re);
  };
  bad((c) => (c.cell.rate = 1), /^p\.yaml: cell\.rate = 1: unknown key/);
  bad((c) => (c.extra = {}), /^p\.yaml: extra = \{\}: unknown key/);
  bad((c) => (c.voxelize.voxelSize_m = -1), /^p\.yaml: voxelize\.voxelSize_m = -1: voxel edge must lie in \(0, inf\) m/);
  bad((c) => (c.voxelize.voxelSize_m = "1 kPa"), /voxelize\.voxelSize_m = "1 kPa": .*kPa is a unit of Pa, not of m/);
  bad((c) => (c.cell.rates = []), /cell\.rates = \[\]: expected at least one C-rate/);
  bad(
    (c) => ((c.compact.stages as Record<string, unknown>[])[0].wall = "left"),
    /compact\.stages\.0\.wall = "left": expected top or bottom/,
  );
  bad((c) => delete (c as Record<string, unknown>).pack, /pack = missing: required: a pack spec/);
  bad((c) => (c.from = { stage: "cell", file: "x" } as never), /from\.stage = "cell": expected compact or voxelize/);
  bad((c) => (c.transport.phases = ["SE"]), /transport\.phases = \["SE"\]: expected both SE and AM/);
});

test("--set paths walk mappings and lists (stages[0] or stages.0) and refuse indices out of range", () => {
  const c = applyOverrides(example(), ["compact.stages[0].targetPressure_Pa=200 MPa", "cell.rates=[0.1,1]", "pack.seed=7"]);
  const p = parsePipelineConfig(c);
  assert.is((p.compact!.stages[0] as { targetPressure_Pa: number }).targetPressure_Pa, 200e6);
  assert.equal(p.cell?.rates, [0.1, 1]);
  assert.is(p.pack?.seed, 7);
  expectConfigError(
    () => applyOverrides(example(), ["compact.stages.3.wall=top"]),
    /--set = .*: expected an index in \[0, 0\] of the list compact\.stages/,
  );
  expectConfigError(() => applyOverrides(example(), ["name.x=1"]), /a path through mappings and lists \(name is a value\)/);
});

test("assb run, bad input: exit 2, one line naming the field, nothing written", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-pipeline-bad-"));
  const file = join(dir, "p.yaml");
  writeFileSync(file, PIPELINE_EXAMPLE_YAML);
  const out = join(dir, "out");
  const cases: [string[], RegExp][] = [
    [["--set", "cell.rate=1"], /^assb: error: .*p\.yaml: cell\.rate = 1: unknown key/],
    [["--set", "voxelize.voxelSize_m=-1e-6"], /^assb: error: .*p\.yaml: voxelize\.voxelSize_m = -0\.000001: voxel edge must lie in/],
    [
      ["--set", "from.stage=voxelize", "--set", "from.file=no/such/particles.csv"],
      /^assb: error: from\.file = "no\/such\/particles\.csv": expected an existing particles CSV with its \.packing\.json sidecar/,
    ],
    [["--set", "from.stage=transport", "--set", "from.file=p.yaml"], /^assb: error: from\.file: /],
  ];
  for (const [args, re] of cases) {
    const r = assb("run", file, "-o", out, ...args);
    assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0], re);
  }
  assert.equal(readdirSync(dir), ["p.yaml"], "nothing written");
  const r = assb("run", "-o", out);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^assb: error: run: <pipeline> = missing: expected a pipeline file/);
});

test.run();
