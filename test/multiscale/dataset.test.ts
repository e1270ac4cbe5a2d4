/**
 * The surrogate's training rows (paper 001 eq 37-39): from a micro run, each row's rates are the finite
 * differences of the run's series, stepping the old state by rate x dt lands on the next recorded state, the
 * bulk rate is the mass balance's J_s P_h / (A_h c_max); from a study folder (`assb dataset`) the rows are the
 * same numbers as from the runs in memory.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { ROOT } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { runMicro } from "../../host/micro/model.js";
import { parseMicroConfig } from "../../host/micro/config.js";
import { collectDataset, datasetRows, DATASET_COLUMNS } from "../../host/multiscale/dataset.js";
import { readParquet } from "../../host/io/parquet.js";
import { readFileSync } from "node:fs";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const base = { flux_mol_m2_s: 7.83e-4, fractureEnergy_J_m2: 5.97, resolution: 1 };

test("rows of a micro run: finite differences of its series, old + rate dt = new, the bulk rate by mass balance", async () => {
  const core = await loadCore();
  const r = runMicro(core, parseMicroConfig(base));
  const d = datasetRows(r);
  const s = r.series;
  assert.is(d.t_s.length, s.t_s.length - 1);
  const bulkRate = (2 * 7.83e-4) / (1e-6 * Math.cos(Math.PI / 16) * 38320); // J P_h / (A_h c_max), the 16-gon
  let damaged = 0;
  for (let k = 0; k < d.t_s.length; k++) {
    assert.is(d.fractureEnergy_J_m2[k], 5.97);
    assert.is(d.flux_mol_m2_s[k], 7.83e-4);
    assert.is(d.t_s[k], s.t_s[k]);
    assert.is(d.c_surf_norm_old[k], s.c_surf_norm[k]);
    assert.is(d.c_bulk_norm_old[k], s.c_bulk_norm[k]);
    const dt = d.dt_s[k];
    assert.ok(Math.abs(d.c_surf_norm_old[k] + d.dc_surf_norm_dt_per_s[k] * dt - s.c_surf_norm[k + 1]) < 1e-14, `surface, step ${k}`);
    assert.ok(Math.abs(d.c_bulk_norm_old[k] + d.dc_bulk_norm_dt_per_s[k] * dt - s.c_bulk_norm[k + 1]) < 1e-14, `bulk, step ${k}`);
    assert.ok(Math.abs(s.damage_avg[k] + d.ddamage_avg_dt_per_s[k] * dt - s.damage_avg[k + 1]) < 1e-14, `damage, step ${k}`);
    assert.ok(Math.abs(d.dc_bulk_norm_dt_per_s[k] / bulkRate - 1) < 1e-8, `bulk rate ${d.dc_bulk_norm_dt_per_s[k]} vs ${bulkRate}`);
    assert.ok(d.ddamage_avg_dt_per_s[k] >= 0, "damage never heals");
    if (d.ddamage_avg_dt_per_s[k] > 0) damaged++;
  }
  assert.ok(damaged > 5, `steps with growing damage: ${damaged}`);
});

test("assb dataset on a micro study: the rows of the runs in memory, as Parquet and CSV; an unfinished or non-micro folder is refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-dataset-"));
  const file = join(dir, "study.yaml");
  writeFileSync(
    file,
    stringify({
      name: "ds",
      seed: 1,
      base: { kind: "micro", config: base },
      axes: [
        { path: "flux_mol_m2_s", list: [2.61e-4, 7.83e-4] },
        { path: "fractureEnergy_J_m2", list: [4.21, 13.92] },
      ],
    }),
  );
  const st = join(dir, "st");
  assert.is(assb("dataset", st, "-o", join(dir, "none.parquet")).status, 2, "no study yet");
  const run = assb("study", "run", file, "-o", st, "--workers", "1");
  assert.is(run.status, 0, run.stderr);
  const r = assb("dataset", st, "-o", join(dir, "ds.parquet"));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /dataset: \d+ rows from 4 cases/);
  const core = await loadCore();
  const mem = collectDataset(st);
  // the same runs in this process, in the study's case order (first axis slowest): the same numbers, bit for bit
  let direct = datasetRows(runMicro(core, parseMicroConfig({ ...base, flux_mol_m2_s: 2.61e-4, fractureEnergy_J_m2: 4.21 })));
  for (const [J, gc] of [
    [2.61e-4, 13.92],
    [7.83e-4, 4.21],
    [7.83e-4, 13.92],
  ])
    direct = datasetRows(runMicro(core, parseMicroConfig({ ...base, flux_mol_m2_s: J, fractureEnergy_J_m2: gc })), direct);
  for (const c of DATASET_COLUMNS) assert.equal(mem.rows[c], direct[c], c);
  const pq = readParquet(readFileSync(join(dir, "ds.parquet")));
  assert.equal(
    pq.columns.map((c) => c.name),
    [...DATASET_COLUMNS],
  );
  for (const c of pq.columns) assert.equal(Array.from(c.values as number[]), mem.rows[c.name as (typeof DATASET_COLUMNS)[number]], c.name);
  const csv = assb("dataset", st, "-o", join(dir, "ds.csv"));
  assert.is(csv.status, 0, csv.stderr);
  assert.is(readFileSync(join(dir, "ds.csv"), "utf8").split("\n")[0], DATASET_COLUMNS.join(","));
  const bad = assb("dataset", st, "-o", join(dir, "ds.txt"));
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /-o = "[^"]*ds\.txt": expected a file ending in \.parquet or \.csv/);
});

test.run();
