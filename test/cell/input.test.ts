/** Bad input to the cell model gets clear errors; the experiment grammar parses the PyBaMM phrases. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { expectConfigError } from "../helpers.js";
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import {
  parseExperiment,
  parseTermination,
  fmt,
  EXPERIMENT_GRAMMAR,
  DURATION_UNITS,
  MAX_EXPANDED_STEPS,
} from "../../host/cell/experiment.js";
import { runExperiment } from "../../host/cell/model.js";

const k = await loadCore();
const throwsConfig = expectConfigError;

test("experiment strings: PyBaMM phrases, rates, durations, repeated cycles", () => {
  const s = parseExperiment("Discharge at 1C until 3.0 V; Charge at C/2 until 4.2 V; Hold at 4.2 V until C/20; Rest for 10 minutes");
  assert.equal(
    s.map((x) => x.kind),
    ["discharge", "charge", "hold", "rest"],
  );
  assert.equal(s[1], {
    kind: "charge",
    text: "Charge at C/2 until 4.2 V",
    rate: { cRate: 0.5 },
    until_V: 4.2,
    duration_s: undefined,
    cycle: 1,
  });
  assert.equal(s[2], {
    kind: "hold",
    text: "Hold at 4.2 V until C/20",
    voltage_V: 4.2,
    untilRate: { cRate: 0.05 },
    duration_s: undefined,
    cycle: 2,
  });
  assert.is((s[3] as { duration_s: number }).duration_s, 600);
  const c = parseExperiment(["Rest for 1 h", ["Discharge at 2 A/m2 for 30 min or until 3.0 V", "Charge at 0.5 mA/cm2 until 4.1 V"]]);
  assert.is(c.length, 3);
  assert.equal((c[1] as { rate: unknown }).rate, { current_A_m2: 2 });
  assert.equal((c[2] as { rate: unknown }).rate, { current_A_m2: 5 });
  assert.is(parseExperiment("3 x (Discharge at 1C until 3.0 V; Charge at 1C until 4.2 V)").length, 6);
});

test("absolute currents (A, mA) and the output-period suffix parse as PyBaMM writes them; power steps are refused by name", () => {
  const [c, h, d, h2, p, r] = parseExperiment(
    "Charge at 1 A until 4.1 V; Hold at 4.1 V until 50 mA; Discharge at 500 mA for 1 hour; Hold at 3V until 50mA; Discharge at 1C for 1 hour (1 minute period); Rest for 10 minutes (30 seconds period)",
  );
  assert.equal((c as { rate: unknown }).rate, { current_A: 1 });
  assert.equal((h as { untilRate: unknown }).untilRate, { current_A: 0.05 });
  assert.equal([(d as { rate: unknown }).rate, d.kind === "discharge" && d.duration_s], [{ current_A: 0.5 }, 3600]);
  assert.equal([(h2 as { voltage_V: number }).voltage_V, (h2 as { untilRate: unknown }).untilRate], [3, { current_A: 0.05 }]);
  assert.equal([p.text, p.period_s, (p as { duration_s: number }).duration_s], ["Discharge at 1C for 1 hour (1 minute period)", 60, 3600]);
  assert.equal([r.kind, r.period_s, (r as { duration_s: number }).duration_s], ["rest", 30, 600]);
  assert.is(parseExperiment("Discharge at 2 A/m2 for 1 h").length, 1, "current densities still read");
  throwsConfig(() => parseExperiment("Discharge at 1 W for 1 h"), /'1 W': power and resistance steps are not supported/);
  throwsConfig(() => parseExperiment("Discharge at 1C for 1 h (0 minute period)"), /duration 0 minute must be positive/);
});

test("every unit the parser accepts is in the grammar help, and every duration unit listed parses", () => {
  for (const u of DURATION_UNITS) {
    assert.ok(new RegExp(`\\b${u.replace("^", "\\^")}\\b`).test(EXPERIMENT_GRAMMAR), `duration unit ${u} listed`);
    const f = u.startsWith("h") ? 3600 : u.startsWith("m") ? 60 : 1;
    assert.is((parseExperiment(`Rest for 2 ${u}`)[0] as { duration_s: number }).duration_s, 2 * f, u);
  }
  for (const u of ["C/2", "A/m2", "A/m^2", "mA/cm2", "mA/cm^2", "<x> A", "<x> mA", "<x> V", "<x> mV", "period", "x <N>", "'*'"])
    assert.ok(EXPERIMENT_GRAMMAR.includes(u), `grammar lists ${u}`);
  // each listed rate unit parses
  for (const rate of ["1C", "2 C", "0.5C", "C/2", "3C/2", "5 A/m2", "5 A/m^2", "0.5 mA/cm2", "0.5 mA/cm^2", "1 A", "50 mA"])
    assert.is(parseExperiment(`Discharge at ${rate} for 1 s`).length, 1, rate);
  assert.is((parseExperiment("Hold at 4100 mV for 1 s")[0] as { voltage_V: number }).voltage_V, 4.1);
});

test("nested repeats: the expanded size is counted before expanding (instant refusal naming the count); cycles follow PyBaMM", () => {
  const t0 = performance.now();
  throwsConfig(
    () => parseExperiment("10000 x (10000 x (Rest for 1 s; Discharge at 1C for 1 s))"),
    new RegExp(`expands to 200000000 steps \\(repeats multiplied out\\): expected at most ${MAX_EXPANDED_STEPS}`),
  );
  throwsConfig(() => parseExperiment("100000 x (100000 x (100000 x (Rest for 1 s)))"), /expands to 1000000000000000 steps/);
  const ms = performance.now() - t0;
  assert.ok(ms < 200, `refused in ${ms} ms`);
  const n = parseExperiment("3 x (2 x (Discharge at 1C for 1 s; Rest for 1 s); Charge at 1C for 1 s)");
  assert.is(n.length, 15);
  assert.equal(
    n.map((x) => x.cycle),
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2],
    "one cycle per outer repetition",
  );
  assert.equal(
    parseExperiment("Discharge at 1C for 1 s; Charge at 1C for 1 s").map((x) => x.cycle),
    [0, 1],
    "top-level steps: a cycle each",
  );
  assert.equal(
    parseExperiment("(Discharge at 1C for 1 s; Rest for 1 s) * 2").map((x) => x.cycle),
    [0, 0, 1, 1],
  );
  assert.equal(
    parseExperiment([["Discharge at 1C for 1 s", "Rest for 1 s"], "Charge at 1C for 1 s"]).map((x) => x.cycle),
    [0, 0, 1],
    "an inner array is one cycle",
  );
  assert.is(parseExperiment(`${MAX_EXPANDED_STEPS} x (Rest for 1 s)`).length, MAX_EXPANDED_STEPS);
});

test("experiment terminations and number formatting", () => {
  assert.equal(parseTermination("80% capacity"), { text: "80% capacity", capacityFraction: 0.8 });
  assert.equal(parseTermination("3.0 V"), { text: "3.0 V", minVoltage_V: 3 });
  assert.equal(parseTermination("75 % capacity, 2900 mV"), { text: "75 % capacity, 2900 mV", capacityFraction: 0.75, minVoltage_V: 2.9 });
  throwsConfig(
    () => parseTermination("80 capacity"),
    /--termination = "80 capacity": '80 capacity' is not a termination; expected "<x>% capacity"/,
  );
  throwsConfig(() => parseTermination("120% capacity"), /capacity 120%: expected a percentage in \(0, 100\]/);
  assert.is(fmt(0.23399999999999999), "0.234");
  assert.is(fmt(0.05 * 11.7), "0.585");
  assert.is(fmt(3), "3");
  assert.is(fmt(1234567.89), "1234570");
  assert.is(fmt(1e-9), "1e-9");
});

test("unknown experiment phrase: the error lists the accepted grammar", () => {
  throwsConfig(
    () => parseExperiment("Discharge at 1C until 3.0 V; Drain at 1C"),
    /cannot read "Drain at 1C" \(unknown phrase\); accepted grammar:[^]*Discharge at <rate>[^]*Hold at <V>[^]*Rest for <duration>/,
  );
  throwsConfig(() => parseExperiment("Discharge at fast until 3 V"), /'fast' is not a rate/);
  throwsConfig(() => parseExperiment("Discharge at 1C"), /needs 'until <V> V' or 'for <duration>'/);
});

test("negative thickness, bad fractions, missing radius: errors name the key, value, range and unit", () => {
  throwsConfig(
    () => loadCellParams("Asheri2023", { "Cathode thickness [m]": -6e-5 }),
    /Cathode thickness \[m\] = -0\.00006: cathode thickness must lie in \(0, inf\) m/,
  );
  throwsConfig(() => loadCellParams("Asheri2023", { "Active material volume fraction": 1.2 }), /Active material volume fraction = 1\.2/);
  throwsConfig(
    () => loadCellParams("Asheri2023", { "Particle radius [m]": undefined }),
    /exactly one of Particle radius \[m\], AM median diameter \[m\], AM D_SCA \[m\]/,
  );
  throwsConfig(() => loadCellParams("Asheri2023", { "Butler-Volmer form": "tafel" }), /symmetric[^]*asheri2023/);
  throwsConfig(() => loadCellParams("NoSuchSet"), /neither a parameter set \(Asheri2023, Asheri2023_multiscale, NCA_LPS_2023\) nor a file/);
});

test("non-monotone OCV table is refused with the turning point", () => {
  const dir = mkdtempSync(join(tmpdir(), "cell-"));
  const f = join(dir, "bad_ocv.csv");
  writeFileSync(f, "0.1, 4.2\n0.3, 4.0\n0.5, 4.05\n0.9, 3.5\n");
  throwsConfig(
    () => resolveCellParams(loadCellParams("Asheri2023", { "Open-circuit potential": { table: f } })),
    /strictly monotone[^]*turns at x = 0\.3/,
  );
  throwsConfig(
    () =>
      resolveCellParams(
        loadCellParams("Asheri2023", {
          "Open-circuit potential": {
            points: [
              [0.1, 4],
              [0.1, 3.9],
            ],
          },
        }),
      ),
    /must increase strictly/,
  );
});

test("cut-off above the initial voltage: clear error naming both voltages", () => {
  const rp = resolveCellParams(loadCellParams("Asheri2023"));
  throwsConfig(
    () => runExperiment(k, rp, "Discharge at 1C until 3.6 V"),
    /cut-off 3\.6 V is at or above the voltage at the start of the step \(3\.51\d+ V under load; OCV 3\.54\d+ V/,
  );
  throwsConfig(() => runExperiment(k, rp, "Charge at 1C until 3.4 V"), /cut-off 3\.4 V is at or below/);
  throwsConfig(() => runExperiment(k, rp, "Rest for 1 s", { numerics: { nx: 1 } }), /nx = 1: expected an integer in \[2, 100000\]/);
});

test.run();
