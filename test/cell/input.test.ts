/** Bad input to the cell model gets clear errors; the experiment grammar parses the PyBaMM phrases. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { loadCore } from "../../host/core/wasm.js";
import { ConfigError } from "../../host/config/errors.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { parseExperiment } from "../../host/cell/experiment.js";
import { runExperiment } from "../../host/cell/model.js";

const k = await loadCore();
const throwsConfig = (f: () => unknown, re: RegExp) => {
  try { f(); } catch (e) { assert.instance(e, ConfigError); assert.match((e as Error).message, re); return; }
  assert.unreachable("no error");
};

test("experiment strings: PyBaMM phrases, rates, durations, repeated cycles", () => {
  const s = parseExperiment("Discharge at 1C until 3.0 V; Charge at C/2 until 4.2 V; Hold at 4.2 V until C/20; Rest for 10 minutes");
  assert.equal(s.map((x) => x.kind), ["discharge", "charge", "hold", "rest"]);
  assert.equal(s[1], { kind: "charge", text: "Charge at C/2 until 4.2 V", rate: { cRate: 0.5 }, until_V: 4.2, duration_s: undefined });
  assert.equal(s[2], { kind: "hold", text: "Hold at 4.2 V until C/20", voltage_V: 4.2, untilRate: { cRate: 0.05 }, duration_s: undefined });
  assert.is((s[3] as { duration_s: number }).duration_s, 600);
  const c = parseExperiment(["Rest for 1 h", ["Discharge at 2 A/m2 for 30 min or until 3.0 V", "Charge at 0.5 mA/cm2 until 4.1 V"]]);
  assert.is(c.length, 3);
  assert.equal((c[1] as { rate: unknown }).rate, { current_A_m2: 2 });
  assert.equal((c[2] as { rate: unknown }).rate, { current_A_m2: 5 });
  assert.is(parseExperiment("3 x (Discharge at 1C until 3.0 V; Charge at 1C until 4.2 V)").length, 6);
});

test("unknown experiment phrase: the error lists the accepted grammar", () => {
  throwsConfig(() => parseExperiment("Discharge at 1C until 3.0 V; Drain at 1C"), /cannot read "Drain at 1C" \(unknown phrase\); accepted grammar:[^]*Discharge at <rate>[^]*Hold at <V> V[^]*Rest for <duration>/);
  throwsConfig(() => parseExperiment("Discharge at fast until 3 V"), /'fast' is not a rate/);
  throwsConfig(() => parseExperiment("Discharge at 1C"), /needs 'until <V> V' or 'for <duration>'/);
});

test("negative thickness, bad fractions, missing radius: errors name the key, value, range and unit", () => {
  throwsConfig(() => loadCellParams("Asheri2023", { "Cathode thickness [m]": -6e-5 }), /Cathode thickness \[m\] = -0\.00006: cathode thickness must lie in \(0, inf\) m/);
  throwsConfig(() => loadCellParams("Asheri2023", { "Active material volume fraction": 1.2 }), /Active material volume fraction = 1\.2/);
  throwsConfig(() => loadCellParams("Asheri2023", { "Particle radius [m]": undefined }), /exactly one of Particle radius \[m\], AM median diameter \[m\], AM D_SCA \[m\]/);
  throwsConfig(() => loadCellParams("Asheri2023", { "Butler-Volmer form": "tafel" }), /symmetric[^]*asheri2023/);
  throwsConfig(() => loadCellParams("NoSuchSet"), /neither a parameter set \(Asheri2023, NCA_LPS_2023\) nor a file/);
});

test("non-monotone OCV table is refused with the turning point", () => {
  const dir = mkdtempSync(join(tmpdir(), "cell-"));
  const f = join(dir, "bad_ocv.csv");
  writeFileSync(f, "0.1, 4.2\n0.3, 4.0\n0.5, 4.05\n0.9, 3.5\n");
  throwsConfig(() => resolveCellParams(loadCellParams("Asheri2023", { "Open-circuit potential": { table: f } })), /strictly monotone[^]*turns at x = 0\.3/);
  throwsConfig(() => resolveCellParams(loadCellParams("Asheri2023", { "Open-circuit potential": { points: [[0.1, 4], [0.1, 3.9]] } })), /must increase strictly/);
});

test("cut-off above the initial voltage: clear error naming both voltages", () => {
  const rp = resolveCellParams(loadCellParams("Asheri2023"));
  throwsConfig(() => runExperiment(k, rp, "Discharge at 1C until 3.6 V"), /cut-off 3\.6 V is at or above the voltage at the start of the step \(3\.51\d+ V under load; OCV 3\.54\d+ V/);
  throwsConfig(() => runExperiment(k, rp, "Charge at 1C until 3.4 V"), /cut-off 3\.4 V is at or below/);
  throwsConfig(() => runExperiment(k, rp, "Rest for 1 s", { numerics: { nx: 1 } }), /nx = 1: expected an integer in \[2, 100000\]/);
});

test.run();
