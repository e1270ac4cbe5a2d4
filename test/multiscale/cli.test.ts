/**
 * `assb cell --micro`: the command with the shipped damage surrogate end to end (files, ⟨d⟩ reported),
 * damage off, the concurrent micro FE reference on a short run, and bad input as one line with exit 2 and no
 * files (an unknown --micro, a damage value, multiscale options without --micro, a surrogate folder whose inputs
 * do not match its nets, a parameter set without Gc, a charge step).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { parseCsv } from "../../host/io/csv.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const out = mkdtempSync(join(tmpdir(), "assb-multiscale-"));
const DAMAGE = "surrogate:models/surrogate-001-damage";

test("assb cell Asheri2023_multiscale --micro surrogate:models/surrogate-001-damage: 1C to 3.0 V, <d> reported, fields written", () => {
  const dir = join(out, "on");
  const r = assb("cell", "Asheri2023_multiscale", "--micro", DAMAGE, "--experiment", "Discharge at 1C until 3.0 V", "-o", dir);
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stdout + r.stderr, /TensorFlow/, "no tfjs banner: the surrogate is read without tfjs");
  assert.match(r.stdout, /step 1 "Discharge at 1C until 3.0 V": cut-off 3 V after/);
  assert.match(r.stdout, /interface damage <d> at the end: mean 0\.\d+, max 0\.\d+ at x = [\d.]+ um from the separator/);
  for (const f of ["fields.csv", "fields.parquet", "damage.png", "result.json", "timeseries.csv", "voltage_capacity.png"])
    assert.ok(readdirSync(dir).includes(f), f);
  const res = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
  assert.equal(res.multiscale, {
    surrogate: "surrogate-001-damage",
    geometry: "cylinder",
    fractureEnergy_J_m2: 5.97,
    damage: true,
    microFlux: "reacting-area",
    surfacePerVolume_1_m: res.multiscale.surfacePerVolume_1_m,
  });
  assert.ok(Math.abs(res.multiscale.surfacePerVolume_1_m * 1e-6 - 2 / Math.cos(Math.PI / 32)) < 0.02, "S/V of the micro mesh");
  assert.is(res.numerics.tolV, 1e-4, "the multiscale default tolerance");
  const csv = parseCsv(readFileSync(join(dir, "fields.csv"), "utf8"));
  assert.equal(csv.columns, ["point", "t_s", "x_m", "c_surf_norm", "c_bulk_norm", "damage_avg"]);
  const d = csv.columns.indexOf("damage_avg");
  const last = csv.rows.slice(-20).map((row) => Number(row[d]));
  assert.ok(
    last.every((x) => x > 0.1 && x < 1),
    `<d> at the cut-off ${last.join(", ")}`,
  );
  // damage off: the full reaction area, more capacity
  const off = assb(
    "cell",
    "Asheri2023_multiscale",
    "--micro",
    DAMAGE,
    "--set",
    "damage=off",
    "-e",
    "Discharge at 1C until 3.0 V",
    "-o",
    join(out, "off"),
  );
  assert.is(off.status, 0, off.stderr);
  const ro = JSON.parse(readFileSync(join(out, "off", "result.json"), "utf8"));
  assert.is(ro.multiscale.damage, false);
  assert.ok(ro.capacity_Ah_m2.at(-1) > res.capacity_Ah_m2.at(-1), "damage lowers the capacity");
  assert.ok(ro.fields.damage_avg.at(-1).every((x: number) => x === 0));
});

test("assb cell --micro concurrent: the micro FE model at every node on a short run", () => {
  const dir = join(out, "conc");
  const r = assb("cell", "Asheri2023_multiscale", "--micro", "concurrent", "--nx", "3", "-e", "Discharge at 2C for 2 minutes", "-o", dir);
  assert.is(r.status, 0, r.stderr);
  const res = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
  assert.is(res.particleModel, "micro-fe:r1");
  assert.is(res.fields.c_surf_norm.at(-1).length, 3);
});

test("bad input: one line, exit 2, no output folder", () => {
  const folder = mkdtempSync(join(tmpdir(), "assb-bad-surrogate-"));
  cpSync(join(ROOT, "models/surrogate-001-diffusion"), folder, { recursive: true });
  const m = JSON.parse(readFileSync(join(folder, "surrogate.json"), "utf8"));
  m.inputs = ["flux_mol_m2_s", "c_bulk_norm_old", "c_surf_norm_old"];
  writeFileSync(join(folder, "surrogate.json"), JSON.stringify(m));
  const cases: [string[], RegExp][] = [
    [["--micro", "bogus"], /--micro = "bogus": expected surrogate:<folder> .* or concurrent\[:<mesh resolution 1-12>\]/],
    [["--micro", DAMAGE, "--set", "damage=maybe"], /--set damage = "maybe": expected on or off/],
    [["--set", "damage=off"], /--set damage=off: a multiscale option: expected it with --micro/],
    [["--micro", DAMAGE, "--set", "microFlux=half"], /--set microFlux = "half": expected reacting-area .* or particle-average/],
    [
      ["--micro", `surrogate:${folder}`],
      /surrogate\.json: nets\[0\]\.dir = "range-1": surrogate .*: inputs flux_mol_m2_s, c_surf_norm_old, c_bulk_norm_old: expected flux_mol_m2_s, c_bulk_norm_old, c_surf_norm_old/,
    ],
    [
      ["--micro", "surrogate:/no/such/folder"],
      /\/no\/such\/folder\/surrogate\.json: not found: expected a surrogate folder with surrogate\.json/,
    ],
  ];
  for (const [args, re] of cases) {
    const dir = join(out, `bad-${cases.findIndex((c) => c[0] === args)}`);
    const r = assb("cell", "Asheri2023_multiscale", "-e", "Discharge at 1C until 3.0 V", ...args, "-o", dir);
    assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
    assert.is(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
    assert.not.ok(existsSync(dir), `no output for ${args.join(" ")}`);
  }
  const noGc = assb("cell", "Asheri2023", "--micro", DAMAGE, "-e", "Discharge at 1C until 3.0 V", "-o", join(out, "nogc"));
  assert.is(noGc.status, 2);
  assert.match(noGc.stderr, /"Fracture energy \[J\.m-2\]" is missing: expected the interfacial fracture energy Gc in J\/m\^2/);
  const charge = assb("cell", "Asheri2023_multiscale", "--micro", DAMAGE, "-e", "Charge at 1C until 4.2 V", "-o", join(out, "charge"));
  assert.is(charge.status, 2);
  assert.match(charge.stderr, /a charge step: expected discharge steps only/);
});

test.run();
