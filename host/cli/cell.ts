/** `assb cell`, `assb cell-rates`: P2D half-cell discharges (host/cell) with PyBaMM-style experiments. */
import type { Command } from "commander";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { ConfigError } from "../config/errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import { toCsv } from "../io/csv.js";
import { loadCore } from "../core/wasm.js";
import { VERSION } from "../version.js";
import { renderPng } from "../plot/render.js";
import { loadCellParams, resolveCellParams } from "../cell/params.js";
import { runExperiment, CellSolveError, type CellNumerics } from "../cell/model.js";
import { writeCellResult, rateSpec, voltageCapacitySpec, parseFormats } from "../cell/output.js";
import { writeParquet } from "../io/parquet.js";
import { rateSweep } from "../cell/rates.js";

interface Common { nx: string; nr: string; bv?: string; set?: string[]; out: string }

function numerics(o: Common): Partial<CellNumerics> {
  const nx = Number(o.nx), nr = Number(o.nr);
  if (!Number.isInteger(nx) || nx < 2) throw new ConfigError(`--nx = ${o.nx}: expected an integer >= 2 [finite volumes across the cathode]`);
  if (!Number.isInteger(nr) || nr < 2) throw new ConfigError(`--nr = ${o.nr}: expected an integer >= 2 [shells per particle]`);
  return { nx, nr };
}

/** --set "Key [unit]=value" (repeatable); values are JSON or plain strings. */
function overrides(o: Common): Record<string, unknown> {
  const ov: Record<string, unknown> = {};
  for (const s of o.set ?? []) {
    const i = s.indexOf("=");
    if (i < 1) throw new ConfigError(`--set ${s}: expected "Key [unit]=value"`);
    const v = s.slice(i + 1).trim();
    try { ov[s.slice(0, i).trim()] = JSON.parse(v); } catch { ov[s.slice(0, i).trim()] = v; }
  }
  if (o.bv) ov["Butler-Volmer form"] = o.bv;
  return ov;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function guard<A extends any[]>(f: (...a: A) => Promise<void>) {
  return async (...a: A) => {
    try { await f(...a); } catch (e) {
      if (e instanceof CellSolveError) { console.error(`assb: error: ${e.message}`); process.exit(1); }
      throw e;
    }
  };
}

export function register(program: Command): void {
  program
    .command("cell")
    .description("P2D discharge/charge of a Li | SE | composite-cathode half cell (paper 001 model); writes timeseries.csv/.parquet (with the overpotential breakdown), snapshots.csv/.parquet, result.json, voltage_capacity.png")
    .argument("<params>", "parameter set (Asheri2023, NCA_LPS_2023) or a JSON/YAML file with the same keys")
    .requiredOption("-e, --experiment <steps>", "PyBaMM-style steps separated by ';', e.g. \"Discharge at 1C until 3.0 V; Rest for 10 minutes\"")
    .option("--nx <n>", "finite volumes across the cathode", "20")
    .option("--nr <n>", "shells per particle", "10")
    .option("--bv <form>", "Butler-Volmer form: symmetric | asheri2023")
    .option("--set <key=value>", "override a parameter, e.g. --set \"Active material volume fraction=0.4\" (repeatable)", collect)
    .option("--format <list>", "result formats, comma separated: csv, json, parquet", "csv,json,parquet")
    .option("-o, --out <dir>", "output folder", "cell-out")
    .action(guard(async (params: string, o: Common & { experiment: string; format: string }) => {
      const formats = parseFormats(o.format);
      const rp = resolveCellParams(loadCellParams(params, overrides(o)));
      const k = await loadCore();
      const r = runExperiment(k, rp, o.experiment, { numerics: numerics(o) });
      const files = await writeCellResult(o.out, r, true, formats);
      for (const s of r.steps) console.log(`step ${s.index} "${s.text}": ${s.termination} after ${(s.end_s - s.start_s).toFixed(1)} s, ${s.capacity_Ah_m2.toFixed(4)} Ah/m2, ${s.start_V.toFixed(4)} -> ${s.end_V.toFixed(4)} V`);
      console.log(`capacity ${r.capacity_Ah_m2.at(-1)!.toFixed(4)} Ah/m2 = ${r.capacity_mAh_g.at(-1)!.toFixed(2)} mAh/g (AM), ${r.stats.steps} steps in ${r.stats.wall_ms.toFixed(1)} ms; wrote ${files.join(", ")}`);
    }));

  program
    .command("cell-rates")
    .description("discharge capacity vs C-rate: one discharge per rate to the lower cut-off; writes rates.csv, rates.parquet, rates.json, capacity_vs_rate.png, voltage_capacity.png")
    .argument("<params>", "parameter set (Asheri2023, NCA_LPS_2023) or a JSON/YAML file")
    .option("--rates <list>", "C-rates, comma separated", "0.1,1,2,5")
    .option("--cutoff <V>", "lower cut-off voltage [V] (default: the set's 'Lower voltage cut-off [V]')")
    .option("--nx <n>", "finite volumes across the cathode", "20")
    .option("--nr <n>", "shells per particle", "10")
    .option("--bv <form>", "Butler-Volmer form: symmetric | asheri2023")
    .option("--set <key=value>", "override a parameter (repeatable)", collect)
    .option("-o, --out <dir>", "output folder", "cell-rates")
    .action(guard(async (params: string, o: Common & { rates: string; cutoff?: string }) => {
      const rates = o.rates.split(",").map((s) => Number(s.trim()));
      for (const [i, c] of rates.entries()) if (!(c > 0)) throw new ConfigError(`--rates: entry ${i + 1} = '${o.rates.split(",")[i]}': expected a positive C-rate [1/h]`);
      const rp = resolveCellParams(loadCellParams(params, overrides(o)));
      const cutoff = o.cutoff !== undefined ? Number(o.cutoff) : rp.vmin;
      if (!(cutoff > 0)) throw new ConfigError(`--cutoff = ${o.cutoff}: expected a voltage > 0 [V]`);
      const k = await loadCore();
      const { rows, results } = rateSweep(k, rp, rates, cutoff, numerics(o));
      mkdirSync(o.out, { recursive: true });
      const table = { columns: ["c_rate", "current_A_m2", "capacity_Ah_m2", "capacity_mAh_g", "time_s", "termination"], rows: rows.map((r) => [r.cRate, r.current_A_m2, r.capacity_Ah_m2, r.capacity_mAh_g, r.time_s, r.termination]) };
      writeFileAtomic(join(o.out, "rates.csv"), toCsv(table));
      writeFileAtomic(join(o.out, "rates.parquet"), writeParquet([
        { name: "c_rate", type: "double", values: rows.map((r) => r.cRate) }, { name: "current_A_m2", type: "double", values: rows.map((r) => r.current_A_m2) },
        { name: "capacity_Ah_m2", type: "double", values: rows.map((r) => r.capacity_Ah_m2) }, { name: "capacity_mAh_g", type: "double", values: rows.map((r) => r.capacity_mAh_g) },
        { name: "time_s", type: "double", values: rows.map((r) => r.time_s) }, { name: "termination", type: "string", values: rows.map((r) => r.termination) },
      ], { keyValue: { "assbkit.version": VERSION, "assbkit.parameter_set": rp.params.name, "assbkit.cutoff_V": String(cutoff) } }));
      writeFileAtomic(join(o.out, "rates.json"), JSON.stringify({ version: VERSION, seed: null, params: rp.params, cutoff_V: cutoff, numerics: results[0].numerics, rows }, null, 1));
      writeFileAtomic(join(o.out, "capacity_vs_rate.png"), await renderPng(rateSpec(rows, `${rp.params.name}: discharge capacity to ${cutoff} V vs C-rate`)));
      writeFileAtomic(join(o.out, "voltage_capacity.png"), await renderPng(voltageCapacitySpec(results.map((r, i) => ({ label: `${rates[i]}C`, r })), `${rp.params.name}: discharge curves`)));
      console.log(`${rp.params.name}: discharge capacity to ${cutoff} V (${numerics(o).nx} x ${numerics(o).nr})`);
      console.log("  C-rate   I [A/m2]   Ah/m2      mAh/g     t [s]");
      for (const r of rows) console.log(`  ${String(r.cRate).padEnd(7)}  ${r.current_A_m2.toFixed(3).padStart(8)}  ${r.capacity_Ah_m2.toFixed(4).padStart(8)}  ${r.capacity_mAh_g.toFixed(2).padStart(8)}  ${r.time_s.toFixed(1).padStart(8)}  ${r.termination}`);
      console.log(`wrote ${["rates.csv", "rates.parquet", "rates.json", "capacity_vs_rate.png", "voltage_capacity.png"].map((f) => join(o.out, f)).join(", ")}`);
    }));
}
