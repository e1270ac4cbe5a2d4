/** Quantities with units at the boundary: every refusal says what was expected, in which unit, and why the value is not it. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { z } from "zod";
import { quantity } from "../../host/config/schema.js";
import { parseQuantity, unitDimension } from "../../host/config/units.js";
import { configErrorFrom, inputError } from "../../host/config/errors.js";

const S = z
  .object({
    radius_m: quantity("m", { min: 0, minExclusive: true }, "radius"),
    dt_s: quantity("s", { min: 0, minExclusive: true }, "time step").optional(),
    p_Pa: quantity("Pa", {}, "pressure").default(1e5),
  })
  .strict();

const msg = (input: unknown) => {
  const r = S.safeParse(input);
  assert.not.ok(r.success, JSON.stringify(input));
  return configErrorFrom(r.error!, input, "case.yaml").message;
};

test("a string in a unit of another kind, an unknown unit or a word is refused naming field, value, unit and why", () => {
  assert.is(
    msg({ radius_m: "5 kPa" }),
    'case.yaml: radius_m = "5 kPa": expected radius in m (a number, or a string with a unit, e.g. "10 um"): kPa is a unit of Pa, not of m',
  );
  assert.is(
    msg({ radius_m: 1e-6, dt_s: "fast" }),
    'case.yaml: dt_s = "fast": expected time step in s (a number, or a string with a unit, e.g. "10 min"): not a number with a unit',
  );
  assert.is(
    msg({ radius_m: "5 furlong" }),
    'case.yaml: radius_m = "5 furlong": expected radius in m (a number, or a string with a unit, e.g. "10 um"): unknown unit \'furlong\'',
  );
  assert.is(msg({ radius_m: -1 }), "case.yaml: radius_m = -1: radius must lie in (0, inf) m");
  assert.is(msg({}), "case.yaml: radius_m = missing: required: radius [m]");
});

test("units convert exactly and defaults/optionals still work", () => {
  assert.equal(S.parse({ radius_m: "5 um", dt_s: "2 ns" }), { radius_m: 5e-6, dt_s: 2e-9, p_Pa: 1e5 });
  assert.is(parseQuantity("375 MPa", "Pa"), 375e6);
  assert.is(parseQuantity("4.75 g/cm^3", "kg/m^3"), 4750);
  assert.is(unitDimension("mbar"), "Pa");
  assert.is(unitDimension("parsec"), undefined);
});

test("inputError: one line, the value as JSON, the expectation and the unit", () => {
  assert.is(inputError("--z", "middle", "a length", "m").message, '--z = "middle": expected a length [m]');
  assert.is(
    inputError("x.csv row 3, radius_m", -2e-6, "a radius > 0", "m").message,
    "x.csv row 3, radius_m = -0.000002: expected a radius > 0 [m]",
  );
  assert.is(inputError("v", NaN, "a number").message, "v = NaN: expected a number");
});

test.run();
