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

// biome-ignore lint/suspicious/noExplicitAny: the case as parsed from YAML, mutated freely by each test
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
  const e = errorOf((c) => (c.contact.normal = "jkr"));
  assert.match(e.message, /contact\.normal = "jkr": unknown normal contact model; available: hertz, hooke/);
});

test("a material pair without restitution/friction is named", () => {
  const e = errorOf((c) => {
    c.materials.SE = { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 };
    c.particles[1].material = "SE";
  });
  assert.match(e.message, /\(LCO, SE\)/);
});

test("quantities accept unit strings and stages need steps or a duration", () => {
  const c = parseDemCase({ ...base(), particles: [{ material: "LCO", radius_m: "5 um", position_m: ["0 um", 0, 0] }] });
  assert.is((c.particles as { radius_m: number }[])[0].radius_m, 5e-6);
  const e = errorOf((c2) => (c2.stages = [{ name: "x" }]));
  assert.match(e.message, /stages\.0.*exactly one of steps or duration_s/);
  const e3 = errorOf((c2) => (c2.materials.LCO.youngsModulus_Pa = "26 parsecs"));
  assert.match(e3.message, /youngsModulus_Pa = "26 parsecs": expected Young's modulus in Pa .*unknown unit 'parsecs'/);
});

test("a wrong unit or a word where a quantity belongs says what was expected and the unit (no 'Invalid input')", () => {
  const e1 = errorOf((c) => (c.particles[0].radius_m = "5 kPa"));
  assert.match(e1.message, /particles\.0\.radius_m = "5 kPa": expected radius in m .*kPa is a unit of Pa, not of m/);
  const e2 = errorOf((c) => (c.timestep = { dt_s: "fast" }));
  assert.match(e2.message, /timestep\.dt_s = "fast": expected time step in s /);
  const e3 = errorOf((c) => (c.timestep = { dt: 1e-9 }));
  assert.match(
    e3.message,
    /timestep = \{"dt":1e-9\}: expected \{dt_s: <time step> \[s\]\} or \{rayleighFraction: <fraction of the Rayleigh time> \[-\]\}/,
  );
  const e4 = errorOf((c) => (c.particles = "p.csv"));
  assert.match(e4.message, /particles = "p\.csv": expected the particles, inline as a list .* or \{csv, materials\}/);
  for (const e of [e1, e2, e3, e4]) {
    assert.not.match(e.message, /Invalid input/);
    assert.is(e.message.split("\n").length, 1);
  }
  const ok = parseDemCase({ ...base(), timestep: { rayleighFraction: 0.1 } });
  assert.equal(ok.timestep, { rayleighFraction: 0.1 });
});

test("a particle centre outside the box is refused naming the particle id, the coordinate, the box and the unit", () => {
  const e = errorOf((c) => (c.particles[1].position_m = [5.005e-6, 0, 1]));
  assert.match(
    e.message,
    /particles: particle id 2, z_m = 1: expected a centre inside the box along z, \[-0\.00001, 0\.00001\] give or take the particle radius 0\.000005 \(non-periodic axis\) \[m\]/,
  );
  // within one radius of a face is accepted; a periodic axis wraps any coordinate
  resolveCase(parseDemCase({ ...base(), particles: [{ material: "LCO", radius_m: 5e-6, position_m: [0, 0, 1.4e-5] }] }));
  resolveCase(
    parseDemCase({
      ...base(),
      box: { ...base().box, periodic: [true, false] },
      particles: [{ material: "LCO", radius_m: 5e-6, position_m: [1, 0, 0] }],
    }),
  );
  // particles from a CSV are checked the same way
  const csv = "id,type,x_m,y_m,z_m,radius_m\n7,1,0,0,0,5e-6\n8,1,0,-0.5,0,5e-6\n";
  try {
    resolveCase(parseDemCase({ ...base(), particles: { csv: "p.csv", materials: { "1": "LCO" } } }), () => csv);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.match((err as Error).message, /^p\.csv: particle id 8, y_m = -0\.5: expected a centre inside the box along y/);
  }
});

test("a particle CSV goes through the shared validator: header-only, truncated, NaN, unknown codes, partial velocities", () => {
  const head = "id,type,x_m,y_m,z_m,radius_m";
  const refuse = (csv: string, re: RegExp) => {
    try {
      resolveCase(parseDemCase({ ...base(), particles: { csv: "p.csv", materials: { "1": "LCO" } } }), () => csv);
    } catch (e) {
      assert.instance(e, ConfigError);
      assert.match((e as Error).message, re);
      return;
    }
    assert.unreachable(csv);
  };
  refuse(head + "\n", /^p\.csv: no particles \(a header row only\)/);
  refuse(head + "\n1,1,0,0,0,5e-6\n2,1,0", /^p\.csv: row 3 has 3 fields, the header has 6 \(the last row: truncated file\?\)/);
  refuse(head + "\n1,1,0,NaN,0,5e-6\n", /^p\.csv: row 2, column 'y_m' = 'NaN': expected a finite number/);
  refuse(head + "\n1,3,0,0,0,5e-6\n", /^p\.csv row 2, type = 3: expected a known type code \(1 = LCO\)/);
  refuse(head + ",vx_m_s\n1,1,0,0,0,5e-6,1\n", /^p\.csv: has vx_m_s but not all of vx_m_s, vy_m_s, vz_m_s/);
  refuse(
    "id,material,x_m,y_m,z_m,radius_m\n1,NMC,0,0,0,5e-6\n",
    /^p\.csv row 2, material = "NMC": expected a material of the case \(LCO\) or a key of particles\.materials/,
  );
  // a `material` column (as compaction writes) names the case's materials directly
  const r = resolveCase(
    parseDemCase({ ...base(), particles: { csv: "p.csv", materials: { "1": "LCO" } } }),
    () => "id,material,x_m,y_m,z_m,radius_m\n1,LCO,0,0,0,5e-6\n",
  );
  assert.is(r.particles.id.length, 1);
});

test("the resolved case round-trips through YAML with defaults filled", () => {
  const c = parseDemCase(base());
  assert.is(c.seed, 1);
  assert.equal(c.contact, { normal: "hertz", damping: "restitution", tangential: "history" });
  assert.equal(parseDemCase(parseYaml(stringify(c))), c);
});

test.run();
