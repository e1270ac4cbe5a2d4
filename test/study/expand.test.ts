/** Study files in the library: paths, axis expansion (grid, list, random, Latin hypercube, repeat), stable case
 *  ids and seeds, and the refusals of parseStudy (one line naming the field). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { z } from "zod";
import { ConfigError } from "../../host/config/errors.js";
import { caseId, caseSeed, expandCases } from "../../host/study/expand.js";
import { getAt, parsePath, schemaAccepts, setAt } from "../../host/study/paths.js";
import { parseStudy, type StudyInput } from "../../host/study/schema.js";
import { ROOT } from "../helpers.js";

const cellBase = { kind: "cell" as const, config: { params: "Asheri2023", rate: 1, numerics: { nx: 6, nr: 3 } } };
const study = (extra: Partial<StudyInput>) => parseStudy({ name: "t", seed: 1, base: cellBase, ...extra }, "t.yaml", ROOT);

async function refusal(input: unknown, re: RegExp): Promise<void> {
  try {
    await parseStudy(input, "t.yaml", ROOT);
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.not.match((e as Error).message, /\n/, "one line");
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`accepted (expected ${re})`);
}

test("paths: keys, [i] indices and quoted keys; get, set (missing levels created), schema walk", () => {
  assert.equal(parsePath("compact.stages[0].targetPressure_Pa"), ["compact", "stages", 0, "targetPressure_Pa"]);
  assert.equal(parsePath('parameters["SE conductivity [S.m-1]"]'), ["parameters", "SE conductivity [S.m-1]"]);
  assert.equal(parsePath("cell.rates"), ["cell", "rates"]);
  for (const bad of ["", "a..b", "a.", "a[x]", "a[0", '["open'])
    assert.throws(
      () => parsePath(bad),
      (e: Error) => e instanceof ConfigError && !e.message.includes("\n"),
      bad,
    );
  const o = { a: { b: [1, 2] } };
  const o2 = setAt(o, ["a", "b", 1], 5);
  assert.equal(o.a.b, [1, 2], "the input is not modified");
  assert.is(getAt(o2, ["a", "b", 1]), 5);
  assert.equal(setAt({}, ["x", 0, "y"], 1), { x: [{ y: 1 }] });
  const s = z
    .object({
      a: z.object({ b: z.number().optional() }).strict().default({}),
      l: z.array(z.object({ p: z.number() })),
      r: z.record(z.string(), z.number()),
    })
    .strict();
  assert.ok(schemaAccepts(s, ["a", "b"]));
  assert.ok(schemaAccepts(s, ["l", 3, "p"]));
  assert.ok(schemaAccepts(s, ["r", "anything"]));
  assert.not.ok(schemaAccepts(s, ["a", "c"]));
  assert.not.ok(schemaAccepts(s, ["l", "p"]));
});

test("grid x list: cartesian product, first axis slowest; values in the config at their paths", async () => {
  const st = await study({
    axes: [
      { path: "rate", list: [0.5, 2] },
      { path: 'parameters["Active material volume fraction"]', grid: { min: 0.4, max: 0.6, count: 3 } },
    ],
  });
  const cases = expandCases(st);
  assert.is(cases.length, 6);
  assert.equal(
    cases.map((c) => [c.params.rate, Number((c.params['parameters["Active material volume fraction"]'] as number).toFixed(6))]),
    [
      [0.5, 0.4],
      [0.5, 0.5],
      [0.5, 0.6],
      [2, 0.4],
      [2, 0.5],
      [2, 0.6],
    ],
  );
  const c = cases[4].config as { rate: number; parameters: Record<string, number>; numerics: unknown };
  assert.is(c.rate, 2);
  assert.is(c.parameters["Active material volume fraction"], 0.5);
  assert.equal(c.numerics, { nx: 6, nr: 3 }, "the rest of the base is kept");
  assert.equal(
    st.axes.map((a) => a.column),
    ["rate", "parameters_Active_material_volume_fraction"],
  );
  const lg = await study({ axes: [{ path: "rate", grid: { min: 0.1, max: 10, count: 3, log: true } }] });
  assert.equal(
    expandCases(lg).map((x) => Number((x.params.rate as number).toPrecision(12))),
    [0.1, 1, 10],
  );
});

test("repeat: k replicas per point, distinct ids and seeds; ids and seeds are stable and do not depend on the order of axis values", async () => {
  const a = expandCases(await study({ repeat: 3, axes: [{ path: "rate", list: [1, 2] }] }));
  assert.is(a.length, 6);
  assert.equal(
    a.map((c) => c.replica),
    [0, 1, 2, 0, 1, 2],
  );
  assert.is(new Set(a.map((c) => c.id)).size, 6);
  assert.is(new Set(a.map((c) => c.seed)).size, 6);
  const b = expandCases(await study({ repeat: 3, axes: [{ path: "rate", list: [2, 1] }] }));
  const byId = new Map(b.map((c) => [c.id, c]));
  for (const c of a) {
    assert.is(byId.get(c.id)?.seed, c.seed);
    assert.equal(byId.get(c.id)?.params, c.params);
  }
  // pinned: a change here changes every existing study folder's case ids
  assert.is(caseId({ rate: 1 }, 0), "022344b86446");
  assert.is(a[0].id, "022344b86446");
  assert.is(a[0].seed, 4236749469);
  assert.is(caseSeed(1, a[0].id), a[0].seed);
  assert.ok(Number.isInteger(a[0].seed) && a[0].seed >= 0 && a[0].seed < 2 ** 32);
  // the study seed changes the case seeds, not the ids
  const c = expandCases(
    await parseStudy({ name: "t", seed: 2, base: cellBase, repeat: 3, axes: [{ path: "rate", list: [1, 2] }] }, "t", ROOT),
  );
  assert.equal(
    c.map((x) => x.id),
    a.map((x) => x.id),
  );
  assert.ok(c.every((x, i) => x.seed !== a[i].seed));
});

test("random: samples points in [min, max] (log: in log space), reproducible from the study seed, crossed with the list axes", async () => {
  const mk = (seed: number) =>
    parseStudy(
      {
        name: "t",
        seed,
        base: cellBase,
        axes: [
          { path: "rate", random: { min: 0.1, max: 10, log: true } },
          { path: "cutoff_V", list: [3.0, 3.2] },
        ],
        sampling: { method: "random", samples: 50 },
      },
      "t",
      ROOT,
    );
  const a = expandCases(await mk(5));
  assert.is(a.length, 100);
  const rates = a.map((c) => c.params.rate as number);
  assert.ok(rates.every((r) => r >= 0.1 && r <= 10));
  assert.ok(rates.some((r) => r < 1) && rates.some((r) => r > 1), "both decades are drawn");
  assert.equal(rates.slice(0, 50), rates.slice(50), "the same points for each list value");
  assert.equal(
    expandCases(await mk(5)).map((c) => c.params),
    a.map((c) => c.params),
  );
  assert.not.equal(
    expandCases(await mk(6)).map((c) => c.params.rate),
    rates,
  );
});

test("latin hypercube: each of the n strata of every axis holds exactly one point", async () => {
  const n = 40;
  const st = await study({
    axes: [
      { path: "rate", "latin-hypercube": { min: 1, max: 3 } },
      { path: "cutoff_V", "latin-hypercube": { min: 3, max: 3.4 } },
    ],
    sampling: { samples: n },
  });
  assert.is(st.sampling.method, "latin-hypercube");
  const cases = expandCases(st);
  assert.is(cases.length, n);
  for (const [path, lo, hi] of [
    ["rate", 1, 3],
    ["cutoff_V", 3, 3.4],
  ] as const) {
    const strata = cases.map((c) => Math.floor((((c.params[path] as number) - lo) / (hi - lo)) * n)).sort((x, y) => x - y);
    assert.equal(
      strata,
      Array.from({ length: n }, (_, i) => i),
      path,
    );
  }
});

test("refusals: unknown path, empty axis, non-integer seed, bad kind, two modes, duplicate values, missing samples", async () => {
  await refusal(
    { name: "t", seed: 1, base: cellBase, axes: [{ path: "nope.x", list: [1] }] },
    /^t\.yaml: axes\[0\]\.path = "nope\.x": expected a path into the base cell config/,
  );
  await refusal(
    { name: "t", seed: 1, base: cellBase, axes: [{ path: 'parameters["Bogus key"]', list: [1] }] },
    /axes\[0\]\.path = "parameters/,
  );
  await refusal({ name: "t", seed: 1, base: cellBase, axes: [{ path: "rate", list: [] }] }, /axes\.0\.list = \[\]: an empty list/);
  await refusal({ name: "t", seed: 1.5, base: cellBase }, /seed = 1\.5: expected an integer seed/);
  await refusal({ name: "t", seed: "7", base: cellBase }, /seed = "7": expected an integer seed/);
  await refusal({ name: "t", seed: 1, base: { kind: "nope", config: {} } }, /base\.kind = "nope"/);
  await refusal({ name: "t", seed: 1, base: cellBase, axes: [{ path: "rate", list: [1], grid: [2] }] }, /exactly one of list, grid/);
  await refusal({ name: "t", seed: 1, base: cellBase, axes: [{ path: "rate", list: [1, 1] }] }, /distinct values \(1 appears twice\)/);
  await refusal(
    { name: "t", seed: 1, base: cellBase, axes: [{ path: "rate", random: { min: 1, max: 2 } }] },
    /sampling\.samples = missing/,
  );
  await refusal({ name: "t", seed: 1, base: { kind: "cell", config: { params: "Asheri2023" } } }, /exactly one of rate/);
  await refusal({ name: "t", seed: 1, base: { kind: "cell", file: "nope.yaml" } }, /nope\.yaml: cannot read/);
});

test("paths the kind's schema accepts though the base config lacks them (micro, dem, pipeline); others refused", async () => {
  const micro = { kind: "micro" as const, config: { flux_mol_m2_s: 7.83e-4, fractureEnergy_J_m2: 5.97, resolution: 1 } };
  const ok = await parseStudy(
    {
      name: "m",
      seed: 1,
      base: micro,
      axes: [
        { path: "cohesive.exponent", list: [1, 2] },
        { path: "am.poissonRatio", list: [0.25] },
      ],
    },
    "m",
    ROOT,
  );
  assert.equal(
    expandCases(ok).map((c) => (c.config as { cohesive: { exponent: number } }).cohesive.exponent),
    [1, 2],
  );
  await refusal({ name: "m", seed: 1, base: micro, axes: [{ path: "stop.bogus", list: [1] }] }, /axes\[0\]\.path = "stop\.bogus"/);
  const dem = { kind: "dem" as const, file: "fixtures/dem/collision_equal.yaml" };
  const d = await parseStudy(
    { name: "d", seed: 1, base: dem, axes: [{ path: "particles[1].velocity_m_s[0]", name: "v1", list: [-0.5, -1] }] },
    "d",
    ROOT,
  );
  assert.is(d.axes[0].column, "v1");
  await refusal({ name: "d", seed: 1, base: dem, axes: [{ path: "timestep.bogus", list: [1] }] }, /timestep\.bogus/);
  const pipe = { kind: "pipeline" as const, file: "fixtures/pipeline/example.yaml" };
  await parseStudy(
    {
      name: "p",
      seed: 1,
      base: pipe,
      axes: [
        { path: "compact.stages[0].targetPressure_Pa", list: [2e8, 3e8] },
        { path: "pack.amMassFraction", list: [0.5, 0.7] },
      ],
    },
    "p",
    ROOT,
  );
  await refusal({ name: "p", seed: 1, base: pipe, axes: [{ path: "cell.rate", list: [1] }] }, /axes\[0\]\.path = "cell\.rate"/);
});

test.run();
