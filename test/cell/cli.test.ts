/** `assb cell` and `assb cell-rates` end to end on a small grid: files written (CSV, Parquet, JSON, PNG),
 *  exit codes (0 ok, 2 bad input) and the error text. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { parseCsv } from "../../host/io/csv.js";
import { readParquet } from "../../host/io/parquet.js";
import { readCellResult, readRatesResult } from "../../host/cell/output.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const out = mkdtempSync(join(tmpdir(), "assb-cell-"));
const isPng = (f: string) =>
  readFileSync(f)
    .subarray(0, 8)
    .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

test("assb cell: discharge + rest on 8 x 4 writes CSV, Parquet (same numbers), JSON and the PNG; exit 0", () => {
  const dir = join(out, "run");
  const r = assb("cell", "Asheri2023", "-e", "Discharge at 2C until 3.2 V; Rest for 5 minutes", "--nx", "8", "--nr", "4", "-o", dir);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /step 1 "Discharge at 2C until 3.2 V": cut-off 3.2 V after/);
  assert.match(r.stdout, /step 2 "Rest for 5 minutes": duration after 300\.0 s/);
  assert.equal(readdirSync(dir).sort(), [
    "result.json",
    "snapshots.csv",
    "snapshots.parquet",
    "timeseries.csv",
    "timeseries.parquet",
    "voltage_capacity.png",
  ]);
  const csv = parseCsv(readFileSync(join(dir, "timeseries.csv"), "utf8"));
  assert.equal(csv.columns, [
    "t_s",
    "voltage_V",
    "current_A_m2",
    "capacity_Ah_m2",
    "capacity_mAh_g",
    "step",
    "ocv_V",
    "concentration_V",
    "reaction_V",
    "li_metal_V",
    "separator_ohmic_V",
    "electrode_ionic_V",
    "electrode_electronic_V",
  ]);
  const pq = readParquet(readFileSync(join(dir, "timeseries.parquet")));
  assert.equal(
    pq.columns.map((c) => c.name),
    csv.columns,
  );
  assert.is(pq.numRows, csv.rows.length);
  assert.is(pq.columns[5].type, "int64");
  pq.columns.forEach((c, k) => (c.values as number[]).forEach((v, i) => assert.is(v, Number(csv.rows[i][k]), `${c.name} row ${i}`)));
  assert.is(pq.keyValue["assbkit.experiment"], "Discharge at 2C until 3.2 V; Rest for 5 minutes");
  const res = readCellResult(join(dir, "result.json"));
  assert.is(res.format, 1, "result.json carries its format");
  assert.is(res.numerics.nx, 8);
  assert.is(res.steps.length, 2);
  const snaps = readParquet(readFileSync(join(dir, "snapshots.parquet")));
  assert.is(snaps.numRows, res.snapshots.length * 8 * 4);
  assert.ok(isPng(join(dir, "voltage_capacity.png")));
});

test("assb cell --format parquet writes only the Parquet files (and the plot)", () => {
  const dir = join(out, "pq");
  const r = assb("cell", "Asheri2023", "-e", "Discharge at 1C for 10 minutes", "--nx", "6", "--nr", "3", "--format", "parquet", "-o", dir);
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(dir).sort(), ["snapshots.parquet", "timeseries.parquet", "voltage_capacity.png"]);
});

test("assb cell-rates on 8 x 4: table on stdout, rates.csv / .parquet / .json and both plots; exit 0", () => {
  const dir = join(out, "rates");
  const r = assb("cell-rates", "Asheri2023", "--rates", "0.5,2", "--nx", "8", "--nr", "4", "-o", dir);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /Asheri2023: discharge capacity to 3 V \(8 x 4\)/);
  assert.match(r.stdout, /\n {2}0\.5 .* cut-off 3 V\n {2}2 .* cut-off 3 V\n/);
  assert.equal(readdirSync(dir).sort(), ["capacity_vs_rate.png", "rates.csv", "rates.json", "rates.parquet", "voltage_capacity.png"]);
  const csv = parseCsv(readFileSync(join(dir, "rates.csv"), "utf8"));
  assert.is(csv.rows.length, 2);
  const pq = readParquet(readFileSync(join(dir, "rates.parquet")));
  assert.equal(pq.columns[0].values, [0.5, 2]);
  assert.equal(pq.columns[5].values, ["cut-off 3 V", "cut-off 3 V"]);
  const cap = pq.columns[2].values as number[];
  assert.ok(cap[0] > cap[1] && cap[1] > 0, `capacity falls with the rate: ${cap}`);
  assert.is(Number(csv.rows[1][2]), cap[1]);
  assert.ok(isPng(join(dir, "capacity_vs_rate.png")) && isPng(join(dir, "voltage_capacity.png")));
  const json = readRatesResult(join(dir, "rates.json"));
  assert.equal([json.format, json.cutoff_V, json.rows.map((r) => r.capacity_Ah_m2)], [1, 3, cap]);
});

test("assb cell: --tol-v / --tol-theta validated and recorded; --area for absolute currents (refused without it); --termination stops cycling", () => {
  const dir = join(out, "opts");
  let r = assb(
    "cell",
    "Asheri2023",
    "-e",
    "Discharge at 1C for 5 minutes",
    "--nx",
    "6",
    "--nr",
    "3",
    "--tol-v",
    "1e-6",
    "--tol-theta",
    "2e-6",
    "--format",
    "json",
    "-o",
    dir,
  );
  assert.is(r.status, 0, r.stderr);
  const res = readCellResult(join(dir, "result.json"));
  assert.equal([res.numerics.tolV, res.numerics.tolTheta], [1e-6, 2e-6]);
  r = assb("cell", "Asheri2023", "-e", "Rest for 1 s", "--tol-v", "0", "-o", join(out, "x"));
  assert.is(r.status, 2);
  assert.match(r.stderr, /^assb: error: --tol-v = "0": expected a local error tolerance per step in \(0, 0\.1\] \[V\]\n$/);
  r = assb("cell", "Asheri2023", "-e", "Rest for 1 s", "--tol-theta", "fine", "-o", join(out, "x"));
  assert.is(r.status, 2);
  assert.match(r.stderr, /--tol-theta = "fine": expected a local error tolerance per step in \(0, 0\.1\] \[stoichiometry\]/);
  // absolute currents: 1.17 mA on 1 cm2 is the 1C current density of the set
  const a = join(out, "area");
  r = assb(
    "cell",
    "Asheri2023",
    "-e",
    "Discharge at 1.17 mA for 10 minutes; Hold at 3.6 V until 0.1 mA",
    "--area",
    "1 cm2",
    "--nx",
    "6",
    "--nr",
    "3",
    "--format",
    "json",
    "-o",
    a,
  );
  assert.is(r.status, 0, r.stderr);
  const ra = readCellResult(join(a, "result.json"));
  assert.ok(Math.abs(ra.current_A_m2[1] - 11.7) <= 1e-9);
  assert.is(ra.params["Electrode area [m2]"], 1e-4);
  assert.match(r.stdout, /step 2 "Hold at 3\.6 V until 0\.1 mA": current limit 1 A\/m2 after/);
  r = assb("cell", "Asheri2023", "-e", "Charge at 1 A until 4.1 V", "-o", join(out, "x"));
  assert.is(r.status, 2);
  assert.match(r.stderr, /absolute currents need an electrode area \(--area or 'Electrode area \[m2\]'\)\n$/);
  r = assb("cell", "Asheri2023", "-e", "Charge at 1 A until 4.1 V", "--area", "-2", "-o", join(out, "x"));
  assert.is(r.status, 2);
  assert.match(r.stderr, /--area = "-2": expected a positive electrode area/);
  // experiment-level termination
  r = assb(
    "cell",
    "Asheri2023",
    "-e",
    "(Discharge at 1C until 3.0 V; Charge at 1C for 20 minutes) x 5",
    "--termination",
    "80% capacity",
    "--nx",
    "6",
    "--nr",
    "3",
    "--format",
    "json",
    "-o",
    join(out, "term"),
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /experiment stopped \(termination "80% capacity"\): cycle 2: discharge capacity [\d.]+ Ah\/m2 is below 80% of the first discharge/,
  );
  assert.is(readCellResult(join(out, "term", "result.json")).steps.length, 4);
  r = assb("cell", "Asheri2023", "-e", "Rest for 1 s", "--termination", "soon", "-o", join(out, "x"));
  assert.is(r.status, 2);
  assert.match(r.stderr, /--termination = "soon": 'soon' is not a termination/);
  // the grammar help lists the units
  r = assb("cell", "--help");
  assert.match(r.stdout, /\(<duration> period\)[^]*mA\/cm2[^]*<x> A \| <x> mA[^]*hr\|hrs\|hour\|hours/);
});

test("assb cell: a failed step exits 3 with one line and keeps the solution up to it (result.json records the failure)", () => {
  const dir = join(out, "fail");
  // a voltage tolerance no step can meet: the hold (whose error is measured on the current) runs, the
  // discharge after it fails once the step size falls below 1e-10 of its nominal duration
  const r = assb(
    "cell",
    "Asheri2023",
    "-e",
    "Hold at 3.6 V for 10 minutes; Discharge at 1C for 3 hours",
    "--tol-v",
    "1e-300",
    "--nx",
    "8",
    "--nr",
    "4",
    "-o",
    dir,
  );
  assert.is(r.status, 3, r.stderr);
  assert.match(
    r.stderr,
    /^assb: error: cell: step 2 "Discharge at 1C for 3 hours": the local error tolerance \(tolV 1e-300 V, tolTheta 0\.000005\) is not met even at this step .* at t = [\d.]+ s .*; the solution up to it is in .*fail\n$/,
  );
  assert.match(r.stdout, /step 1 "Hold at 3\.6 V for 10 minutes": duration after 600\.0 s/);
  assert.match(r.stdout, /step 2 "Discharge at 1C for 3 hours": failed: /);
  assert.equal(readdirSync(dir).sort(), [
    "result.json",
    "snapshots.csv",
    "snapshots.parquet",
    "timeseries.csv",
    "timeseries.parquet",
    "voltage_capacity.png",
  ]);
  const res = readCellResult(join(dir, "result.json"));
  assert.equal([res.failure?.step, res.failure?.text], [2, "Discharge at 1C for 3 hours"]);
  assert.ok(res.failure!.t_s > 600);
  const csv = parseCsv(readFileSync(join(dir, "timeseries.csv"), "utf8"));
  assert.ok(
    csv.rows.some((row) => Number(row[5]) === 2),
    "the failed step's accepted points are in the time series",
  );
});

test("bad input exits 2 with the field, value and expectation named; nothing written", () => {
  const dir = join(out, "bad");
  let r = assb("cell", "Asheri2023", "-e", "Drain at 1C", "-o", dir);
  assert.is(r.status, 2);
  assert.match(r.stderr, /cannot read "Drain at 1C" \(unknown phrase\); accepted grammar:[^]*Discharge at <rate>/);
  r = assb("cell", "Asheri2023", "-e", "Discharge at 1C until 3.0 V", "--set", "Cathode thickness [m]=-6e-5", "-o", dir);
  assert.is(r.status, 2);
  assert.match(r.stderr, /Cathode thickness \[m\] = -0\.00006: cathode thickness must lie in \(0, inf\) m/);
  r = assb("cell", "Asheri2023", "-e", "Rest for 1 s", "--format", "xlsx", "-o", dir);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--format = 'xlsx': 'xlsx' is not a format; expected a comma-separated list of csv, json, parquet/);
  r = assb("cell-rates", "Asheri2023", "--rates", "1,-2", "-o", dir);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--rates: entry 2 = '-2': expected a positive C-rate \[1\/h\]/);
  r = assb("cell-rates", "Asheri2023", "--cutoff", "2.5", "-o", dir);
  assert.is(r.status, 2);
  assert.match(
    r.stderr,
    /--cutoff = "2\.5": expected a voltage within the set's safety limits \[3, 4\.3\] \(to go lower: --set "Lower voltage cut-off \[V\]=2\.5"\) \[V\]/,
  );
  r = assb("cell-rates", "Asheri2023", "--nx", "1", "-o", dir);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--nx = 1: expected an integer >= 2/);
  assert.not.ok(readdirSync(out).includes("bad"), "no output folder for failed runs");
  // found only when the run starts (after the output folder is prepared): exit 2, no result files
  const late = join(out, "late");
  r = assb("cell", "Asheri2023", "-e", "Discharge at 1C until 3.6 V", "--nx", "6", "--nr", "3", "-o", late);
  assert.is(r.status, 2);
  assert.match(r.stderr, /cut-off 3\.6 V is at or above the voltage at the start of the step/);
  assert.equal(readdirSync(late), [], "nothing written");
});

test.run();
