/**
 * Case-file validation: bad input gets one line naming the field, the value, the expectation and the
 * unit; defaults are filled; the resolved case round-trips through YAML.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { parse as parseYaml, stringify } from "yaml";
import { parseDemCase, ConfigError } from "../../host/dem/case.js";
import { resolveCase } from "../../host/dem/run.js";
import { fixture } from "../helpers.js";

const base = () => parseYaml(readFileSync(fixture("dem/collision_equal.yaml"), "utf8"));

function errorOf(mutate: (c: any) => void): ConfigError {
  const c = base();
  mutate(c);
  try {
    resolveCase(parseDemCase(c, "case.yaml"));
  } catch (e) {
    assert.instance(e, ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

test("Poisson's ratio 0.6 is refused naming the field, value, range and unit", () => {
  const e = errorOf((c) => (c.materials.LCO.poissonRatio = 0.6));
  assert.is(e.message.split("\n").length, 1);
  assert.match(e.message, /materials\.LCO\.poissonRatio = 0\.6/);
  assert.match(e.message, /Poisson's ratio must lie in \(-1, 0\.5\)/);
});

test("a negative radius is refused with the particle's field path and unit", () => {
  const e = errorOf((c) => (c.particles[1].radius_m = -5e-6));
  assert.match(e.message, /particles\.1\.radius_m = -0\.000005: radius must lie in \(0, inf\) m/);
});

test("a missing material is refused listing the defined ones", () => {
  const e = errorOf((c) => (c.particles[0].material = "NMC"));
  assert.match(e.message, /particles\.0\.material = "NMC": unknown material; defined materials: LCO/);
  const e2 = errorOf((c) => delete c.materials);
  assert.match(e2.message, /materials = missing/);
});

test("unknown contact model names list the registry", () => {
  const e = errorOf((c) => (c.contact.normal = "hooke"));
  assert.match(e.message, /contact\.normal = "hooke": unknown normal contact model; available: hertz/);
});

test("a material pair without restitution/friction is named", () => {
  const e = errorOf((c) => { c.materials.SE = { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 }; c.particles[1].material = "SE"; });
  assert.match(e.message, /\(LCO, SE\)/);
});

test("quantities accept unit strings and stages need steps or a duration", () => {
  const c = parseDemCase({ ...base(), particles: [{ material: "LCO", radius_m: "5 um", position_m: ["0 um", 0, 0] }] });
  assert.is((c.particles as { radius_m: number }[])[0].radius_m, 5e-6);
  const e = errorOf((c2) => (c2.stages = [{ name: "x" }]));
  assert.match(e.message, /stages\.0.*exactly one of steps or duration_s/);
  const e3 = errorOf((c2) => (c2.materials.LCO.youngsModulus_Pa = "26 parsecs"));
  assert.match(e3.message, /youngsModulus_Pa = "26 parsecs": expected Young's modulus as a number in Pa/);
});

test("the resolved case round-trips through YAML with defaults filled", () => {
  const c = parseDemCase(base());
  assert.is(c.seed, 1);
  assert.equal(c.contact, { normal: "hertz", tangential: "history" });
  assert.equal(parseDemCase(parseYaml(stringify(c))), c);
});

test.run();
