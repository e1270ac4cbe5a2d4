/** `assb cell`, `assb cell-rates`: P2D half-cell discharges (host/cell) with PyBaMM-style experiments. */
import type { Command } from "commander";
import { ConfigError, inputError } from "../config/errors.js";
import { prepareOutDir } from "../io/atomic.js";
import { requirePlotting } from "../plot/render.js";
import { loadCore } from "../core/wasm.js";
import { loadCellParams, resolveCellParams } from "../cell/params.js";
import { runExperiment, validateNumerics, CellSolveError, DEFAULT_NUMERICS, type CellNumerics, type CellResult } from "../cell/model.js";
import { EXPERIMENT_GRAMMAR, fmt, parseExperiment, parseTermination } from "../cell/experiment.js";
import { writeCellResult, writeRatesResult, parseFormats } from "../cell/output.js";
import { rateSweep } from "../cell/rates.js";

interface Common {
  nx: string;
  nr: string;
  tolV?: string;
  tolTheta?: string;
  bv?: string;
  set?: string[];
  area?: string;
  micro?: string;
  out: string;
}

const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?\s*$/i;

function numerics(o: Common): Partial<CellNumerics> {
  const nx = Number(o.nx),
    nr = Number(o.nr);
  if (!Number.isInteger(nx) || nx < 2)
    throw new ConfigError(`--nx = ${o.nx}: expected an integer >= 2 [finite volumes across the cathode]`);
  if (!Number.isInteger(nr) || nr < 2) throw new ConfigError(`--nr = ${o.nr}: expected an integer >= 2 [shells per particle]`);
  const tol = (s: string | undefined, opt: string, unit: string): number | undefined => {
    if (s === undefined) return undefined;
    const x = NUMBER.test(s) ? Number(s) : NaN;
    if (!(x > 0 && x <= 0.1)) throw inputError(opt, s, "a local error tolerance per step in (0, 0.1]", unit);
    return x;
  };
  const num: Partial<CellNumerics> = { nx, nr };
  const tv = tol(o.tolV, "--tol-v", "V"),
    tt = tol(o.tolTheta, "--tol-theta", "stoichiometry");
  if (tv !== undefined) num.tolV = tv;
  if (tt !== undefined) num.tolTheta = tt;
  validateNumerics({ ...DEFAULT_NUMERICS, ...num });
  return num;
}

const AREA_UNITS: Record<string, number> = { "": 1, m2: 1, "m^2": 1, cm2: 1e-4, "cm^2": 1e-4, mm2: 1e-6, "mm^2": 1e-6 };

/** --area: "2 cm2", "1.5e-4 m2", "150 mm^2" or a plain number in m^2. */
function parseArea(s: string): number {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z^0-9]*)\s*$/i.exec(s);
  const f = m ? AREA_UNITS[m[2]] : undefined;
  const x = m && f !== undefined ? Number(m[1]) * f : NaN;
  if (!(x > 0 && Number.isFinite(x)))
    throw inputError("--area", s, "a positive electrode area, a number in m^2 or with a unit (m2, cm2, mm2)", "m^2");
  return x;
}

/** --set "Key [unit]=value" (repeatable); values are JSON or plain strings. */
function overrides(o: Common): Record<string, unknown> {
  const ov: Record<string, unknown> = {};
  for (const s of o.set ?? []) {
    const i = s.indexOf("=");
    if (i < 1) throw new ConfigError(`--set ${s}: expected "Key [unit]=value"`);
    const v = s.slice(i + 1).trim();
    try {
      ov[s.slice(0, i).trim()] = JSON.parse(v);
    } catch {
      ov[s.slice(0, i).trim()] = v;
    }
  }
  if (o.bv) ov["Butler-Volmer form"] = o.bv;
  if (o.area !== undefined) ov["Electrode area [m2]"] = parseArea(o.area);
  return ov;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

type MicroSpec = { kind: "surrogate"; dir: string } | { kind: "concurrent"; resolution: number };

/** --micro surrogate:<folder> | concurrent[:<resolution>] */
function parseMicro(s: string): MicroSpec {
  const m = /^(surrogate|concurrent)(?::(.*))?$/.exec(s.trim());
  if (m?.[1] === "surrogate" && m[2]) return { kind: "surrogate", dir: m[2] };
  if (m?.[1] === "concurrent") {
    const r = m[2] === undefined ? 1 : Number(m[2]);
    if (Number.isInteger(r) && r >= 1 && r <= 12) return { kind: "concurrent", resolution: r };
  }
  throw inputError(
    "--micro",
    s,
    "surrogate:<folder> (a trained micro surrogate, e.g. surrogate:models/surrogate-001-damage) or concurrent[:<mesh resolution 1-12>] (the micro FE model at every node)",
  );
}

/** --set damage=on|off, --set microFlux=reacting-area|particle-average: the multiscale cell's options, removed
 *  from the parameter overrides. */
function takeMultiscale(
  ov: Record<string, unknown>,
  micro: MicroSpec | undefined,
): { damage: boolean; microFlux: "reacting-area" | "particle-average" } {
  const out = { damage: true, microFlux: "reacting-area" as "reacting-area" | "particle-average" };
  for (const key of ["damage", "microFlux"] as const) {
    if (!(key in ov)) continue;
    const v = ov[key];
    delete ov[key];
    if (!micro) throw new ConfigError(`--set ${key}=${v}: a multiscale option: expected it with --micro`);
    if (key === "damage") {
      if (v === "on" || v === true) out.damage = true;
      else if (v === "off" || v === false) out.damage = false;
      else throw inputError("--set damage", v, "on or off");
    } else if (v === "reacting-area" || v === "particle-average") out.microFlux = v;
    else
      throw inputError(
        "--set microFlux",
        v,
        "reacting-area (paper 001: the micro state takes up J_s over its whole surface) or particle-average ((1 - <d>) J_s: lithium conserved)",
      );
  }
  return out;
}

/** ⟨d⟩ at the end of a multiscale run, one line. */
function damageLine(r: CellResult): string | null {
  const d = r.fields?.damage_avg?.at(-1);
  if (!d) return null;
  let jmax = 0;
  d.forEach((v, j) => {
    if (v > d[jmax]) jmax = j;
  });
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  return `interface damage <d> at the end: mean ${fmt(mean)}, max ${fmt(d[jmax])} at x = ${(r.x_m[jmax] * 1e6).toFixed(1)} um from the separator`;
}

function printSteps(r: CellResult): void {
  for (const s of r.steps)
    console.log(
      `step ${s.index} "${s.text}": ${s.termination} after ${(s.end_s - s.start_s).toFixed(1)} s, ${fmt(s.capacity_Ah_m2)} Ah/m2, ${fmt(s.start_V)} -> ${fmt(s.end_V)} V`,
    );
  for (const w of r.warnings) console.log(`warning: ${w}`);
  if (r.experimentTermination)
    console.log(`experiment stopped (termination "${r.experimentTermination.condition}"): ${r.experimentTermination.reason}`);
}

export function register(program: Command): void {
  program
    .command("cell")
    .description(
      "P2D discharge/charge of a Li | SE | composite-cathode half cell (paper 001 model); writes timeseries.csv/.parquet (with the overpotential breakdown), snapshots.csv/.parquet, result.json, voltage_capacity.png; a failed step keeps the results before it (exit 3)",
    )
    .argument("<params>", "parameter set (Asheri2023, NCA_LPS_2023) or a JSON/YAML file with the same keys")
    .requiredOption(
      "-e, --experiment <steps>",
      `PyBaMM-style steps separated by ';', e.g. "Discharge at 1C until 3.0 V; Rest for 10 minutes". Grammar:\n  ${EXPERIMENT_GRAMMAR}\nEvery discharge/charge/rest also ends at the set's 'Lower/Upper voltage cut-off [V]'; a step with only 'until' ends at its time cap (2 h / C-rate; holds 24 h)`,
    )
    .option("--nx <n>", "finite volumes across the cathode", "20")
    .option("--nr <n>", "shells per particle", "10")
    .option("--tol-v <V>", `local error tolerance of the time stepper on the voltage per step [V] (default ${DEFAULT_NUMERICS.tolV})`)
    .option("--tol-theta <x>", `local error tolerance on the surface stoichiometries per step (default ${DEFAULT_NUMERICS.tolTheta})`)
    .option("--bv <form>", "Butler-Volmer form: symmetric | asheri2023")
    .option(
      "--area <m2>",
      "electrode area for absolute currents ('1 A', '50 mA'): a number in m^2 or with a unit, e.g. 2cm2 (sets 'Electrode area [m2]')",
    )
    .option(
      "--termination <cond>",
      'stop the experiment after a cycle: "80% capacity" (discharge capacity below 80% of the first cycle\'s), "3.0 V" (a cycle\'s minimum voltage at or below it), or both comma separated',
    )
    .option(
      "--set <key=value>",
      'override a parameter, e.g. --set "Active material volume fraction=0.4" (repeatable); with --micro also damage=on|off (off: <d> held at 0, paper 001 Fig 9 blue), microFlux=reacting-area|particle-average and "Fracture energy [J.m-2]=5"',
      collect,
    )
    .option(
      "--micro <model>",
      "the multiscale cell (paper 001 §2.2): a micro model at every macro node, surrogate:<folder> (a trained surrogate, e.g. surrogate:models/surrogate-001-damage) or concurrent[:<resolution>] (the micro FE model itself at every node: the slow reference); writes fields.csv/.parquet (c~_s, c~_b, <d> per node and output point) and damage.png",
    )
    .option("--format <list>", "result formats, comma separated: csv, json, parquet", "csv,json,parquet")
    .option("-o, --out <dir>", "output folder", "cell-out")
    .action(async (params: string, o: Common & { experiment: string; format: string; termination?: string }) => {
      const formats = parseFormats(o.format);
      const num = numerics(o);
      const micro = o.micro !== undefined ? parseMicro(o.micro) : undefined;
      const ov = overrides(o);
      const { damage, microFlux } = takeMultiscale(ov, micro);
      const rp = resolveCellParams(loadCellParams(params, ov));
      const steps = parseExperiment(o.experiment);
      const termination = o.termination !== undefined ? parseTermination(o.termination) : undefined;
      const ms = micro ? await import("../multiscale/cell.js") : null;
      const set =
        micro?.kind === "surrogate"
          ? ms!.cellSurrogate(await (await import("../multiscale/surrogate.js")).loadSurrogateSet(micro.dir), `${micro.dir}/surrogate.json`)
          : null;
      await requirePlotting(); // voltage_capacity.png: missing plot packages stop the run before it starts
      prepareOutDir(o.out);
      const k = await loadCore();
      let r: CellResult;
      try {
        if (micro?.kind === "surrogate") r = ms!.runMultiscaleCell(k, rp, steps, set!, { numerics: num, termination, damage, microFlux });
        else if (micro?.kind === "concurrent")
          r = ms!.runConcurrentCell(k, rp, steps, ms!.microConfigForCell(rp, { resolution: micro.resolution }), {
            numerics: num,
            termination,
            damage,
            microFlux,
          });
        else r = runExperiment(k, rp, steps, { numerics: num, termination });
      } catch (e) {
        if (!(e instanceof CellSolveError) || !e.partial) throw e;
        // as PyBaMM: keep the solution up to the failed step (result.json records the failure), exit 3
        const files = await writeCellResult(o.out, e.partial, true, formats);
        printSteps(e.partial);
        e.message = `${e.message}; the solution up to it is in ${files.length ? o.out : "(no output point yet)"}`;
        throw e;
      }
      const files = await writeCellResult(o.out, r, true, formats);
      printSteps(r);
      const dl = damageLine(r);
      if (dl) console.log(dl);
      console.log(
        `capacity ${fmt(r.capacity_Ah_m2.at(-1)!)} Ah/m2 = ${fmt(r.capacity_mAh_g.at(-1)!)} mAh/g (AM), ${r.stats.steps} steps in ${r.stats.wall_ms.toFixed(1)} ms; wrote ${files.join(", ")}`,
      );
    });

  program
    .command("cell-rates")
    .description(
      "discharge capacity vs C-rate: one discharge per rate to the lower cut-off; writes rates.csv, rates.parquet, rates.json, capacity_vs_rate.png, voltage_capacity.png",
    )
    .argument("<params>", "parameter set (Asheri2023, NCA_LPS_2023) or a JSON/YAML file")
    .option("--rates <list>", "C-rates, comma separated", "0.1,1,2,5")
    .option("--cutoff <V>", "lower cut-off voltage [V], at or above the set's 'Lower voltage cut-off [V]' (default: that)")
    .option("--nx <n>", "finite volumes across the cathode", "20")
    .option("--nr <n>", "shells per particle", "10")
    .option("--tol-v <V>", `local error tolerance on the voltage per step [V] (default ${DEFAULT_NUMERICS.tolV})`)
    .option("--tol-theta <x>", `local error tolerance on the surface stoichiometries per step (default ${DEFAULT_NUMERICS.tolTheta})`)
    .option("--bv <form>", "Butler-Volmer form: symmetric | asheri2023")
    .option("--set <key=value>", "override a parameter (repeatable)", collect)
    .option("-o, --out <dir>", "output folder", "cell-rates")
    .action(async (params: string, o: Common & { rates: string; cutoff?: string }) => {
      const rates = o.rates.split(",").map((s) => Number(s.trim()));
      for (const [i, c] of rates.entries())
        if (!(c > 0)) throw new ConfigError(`--rates: entry ${i + 1} = '${o.rates.split(",")[i]}': expected a positive C-rate [1/h]`);
      const num = numerics(o);
      const rp = resolveCellParams(loadCellParams(params, overrides(o)));
      const cutoff = o.cutoff !== undefined ? Number(o.cutoff) : rp.vmin;
      if (!(cutoff > 0)) throw new ConfigError(`--cutoff = ${o.cutoff}: expected a voltage > 0 [V]`);
      if (cutoff < rp.vmin || cutoff > rp.vmax)
        throw inputError(
          "--cutoff",
          o.cutoff,
          `a voltage within the set's safety limits [${fmt(rp.vmin)}, ${fmt(rp.vmax)}] (to go lower: --set "Lower voltage cut-off [V]=${fmt(cutoff)}")`,
          "V",
        );
      await requirePlotting(); // the rate plots: missing plot packages stop the sweep before it starts
      prepareOutDir(o.out);
      const k = await loadCore();
      const { rows, results } = rateSweep(k, rp, rates, cutoff, num);
      const files = await writeRatesResult(o.out, rp, cutoff, rows, results);
      console.log(`${rp.params.name}: discharge capacity to ${fmt(cutoff)} V (${num.nx} x ${num.nr})`);
      console.log("  C-rate   I [A/m2]   Ah/m2      mAh/g     t [s]");
      for (const r of rows)
        console.log(
          `  ${String(r.cRate).padEnd(7)}  ${r.current_A_m2.toFixed(3).padStart(8)}  ${r.capacity_Ah_m2.toFixed(4).padStart(8)}  ${r.capacity_mAh_g.toFixed(2).padStart(8)}  ${r.time_s.toFixed(1).padStart(8)}  ${r.termination}`,
        );
      console.log(`wrote ${files.join(", ")}`);
    });
}
