/** Result files carry a format number: result.json and rates.json are written with it, read back by
 *  readCellResult / readRatesResult, and refused with the format found and the one expected otherwise. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCore } from "../../host/core/wasm.js";
import { ConfigError } from "../../host/config/errors.js";
import { VERSION } from "../../host/version.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { runExperiment } from "../../host/cell/model.js";
import { rateSweep } from "../../host/cell/rates.js";
import {
  CELL_RESULT_FORMAT,
  CELL_RATES_FORMAT,
  readCellResult,
  readRatesResult,
  writeCellResult,
  writeRatesResult,
} from "../../host/cell/output.js";

const k = await loadCore();
const rp = resolveCellParams(loadCellParams("Asheri2023"));
const out = mkdtempSync(join(tmpdir(), "assb-cell-output-"));
const numerics = { nx: 6, nr: 3 };

const refuses = (f: () => unknown, re: RegExp) => {
  try {
    f();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, re);
    assert.not.match((e as Error).message, /\n/);
    return;
  }
  assert.unreachable("no error");
};
/** a copy of `path` with `edit` applied to its JSON */
const edited = (path: string, name: string, edit: (o: Record<string, unknown>) => void): string => {
  const o = JSON.parse(readFileSync(path, "utf8"));
  edit(o);
  const p = join(out, name);
  writeFileSync(p, JSON.stringify(o));
  return p;
};

test("result.json: format is the first field; readCellResult gives back the result", async () => {
  assert.is(CELL_RESULT_FORMAT, 1);
  const r = runExperiment(k, rp, "Discharge at 2C until 3.2 V; Rest for 5 minutes", { numerics });
  const dir = join(out, "run");
  await writeCellResult(dir, r, false, ["json"]);
  const path = join(dir, "result.json");
  const raw = JSON.parse(readFileSync(path, "utf8"));
  assert.is(Object.keys(raw)[0], "format");
  assert.is(raw.format, CELL_RESULT_FORMAT);
  const back = readCellResult(path);
  const { format, ...rest } = back;
  assert.is(format, CELL_RESULT_FORMAT);
  assert.equal(rest, JSON.parse(JSON.stringify(r)), "everything else as the run returned it");
});

test("rates.json: format first; readRatesResult gives back the rows", async () => {
  assert.is(CELL_RATES_FORMAT, 1);
  const { rows, results } = rateSweep(k, rp, [0.5, 2], 3.0, numerics);
  const dir = join(out, "rates");
  const files = await writeRatesResult(dir, rp, 3.0, rows, results);
  assert.equal(
    files.map((f) => f.slice(dir.length + 1)),
    ["rates.csv", "rates.parquet", "rates.json", "capacity_vs_rate.png", "voltage_capacity.png"],
  );
  const raw = JSON.parse(readFileSync(join(dir, "rates.json"), "utf8"));
  assert.is(Object.keys(raw)[0], "format");
  const back = readRatesResult(join(dir, "rates.json"));
  assert.equal([back.format, back.version, back.cutoff_V, back.numerics.nx], [CELL_RATES_FORMAT, VERSION, 3.0, 6]);
  assert.equal(back.rows, rows);
});

test("readers refuse a missing, newer, older or malformed format, a truncated file and the other kind of file, naming the file", async () => {
  const r = runExperiment(k, rp, "Discharge at 1C for 5 minutes", { numerics });
  const dir = join(out, "refuse");
  await writeCellResult(dir, r, false, ["json"]);
  const good = join(dir, "result.json");
  // written before result files carried a format
  const old = edited(good, "old.json", (o) => delete o.format);
  refuses(
    () => readCellResult(old),
    new RegExp(
      `old\\.json: no format field \\(assbkit ${VERSION.replaceAll(".", "\\.")}\\): not a cell result file, or one written before these files carried a format; this assbkit .* reads format 1: rerun the simulation$`,
    ),
  );
  const newer = edited(good, "newer.json", (o) => (o.format = 2));
  refuses(
    () => readCellResult(newer),
    /newer\.json: cell result file format 2 \(assbkit .*\); this assbkit .* reads format 1: read it with a newer assbkit$/,
  );
  const older = edited(good, "older.json", (o) => (o.format = 0));
  refuses(() => readCellResult(older), /older\.json: cell result file format 0 .* reads format 1: rerun the simulation$/);
  const text = edited(good, "text.json", (o) => (o.format = "1"));
  refuses(() => readCellResult(text), /text\.json: cell result file format "1" /);
  const cut = join(out, "cut.json");
  writeFileSync(cut, readFileSync(good, "utf8").slice(0, 200));
  refuses(() => readCellResult(cut), /cut\.json: not a complete cell result file \(truncated or corrupt JSON/);
  refuses(() => readCellResult(join(out, "none.json")), /none\.json/);
  refuses(() => readRatesResult(good), /result\.json: not a cell rates file \(rows or cutoff_V missing\)/);
  const { rows, results } = rateSweep(k, rp, [1], 3.0, numerics);
  await writeRatesResult(join(out, "r1"), rp, 3.0, rows, results);
  refuses(() => readCellResult(join(out, "r1", "rates.json")), /rates\.json: not a cell result file/);
  const oldRates = edited(join(out, "r1", "rates.json"), "old_rates.json", (o) => delete o.format);
  refuses(() => readRatesResult(oldRates), /old_rates\.json: no format field .*not a cell rates file/);
});

test.run();
