/**
 * The contact-model registry (host/dem/materials.ts CONTACT_MODELS): one kernel id per entry and slot, every
 * coefficient declared once with its unit and range and used as such by the case schema, and the one init
 * check (checkContact) refusing unknown names, incompatible combinations and misplaced case-level coefficients.
 */
import { test } from "uvu";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs build script without types
import { contactFiles } from "../../scripts/gen-contact.mjs";
import * as assert from "uvu/assert";
import {
  CONTACT_MODELS,
  CONTACT_SLOTS,
  type ContactRegistry,
  type NormalSubModel,
  buildPairTable,
  checkContact,
  coefficientsOf,
} from "../../host/dem/materials.js";
import { MaterialSchema, PairSchema, parseDemCase } from "../../host/dem/case.js";
import * as L from "../../assembly/dem/layout.js";
import * as M from "../../assembly/dem/contact/models.js";
import { ROOT } from "../helpers.js";

test("each slot's entries have distinct kernel ids that fit the model word", () => {
  for (const slot of CONTACT_SLOTS) {
    const ids = Object.values(CONTACT_MODELS[slot]).map((m) => m.id);
    assert.is(new Set(ids).size, ids.length, `${slot} ids ${ids}`);
    for (const id of ids) assert.ok(id >= 0 && id <= L.MODEL_MASK);
    for (const [name, m] of Object.entries(CONTACT_MODELS[slot])) assert.is(m.name, name);
  }
});

test("every coefficient has a unit and a range, and the case schema enforces exactly that range", () => {
  const material = coefficientsOf("material"),
    pair = coefficientsOf("pair");
  // material and pair coefficients are fields of the schemas (a model with a new one adds the field there)
  for (const k of Object.keys(material)) assert.ok(k in MaterialSchema.shape, `materials take ${k}`);
  for (const k of Object.keys(pair)) assert.ok(k in PairSchema.shape, `pairs take ${k}`);
  const base = { density_kg_m3: 1000, youngsModulus_Pa: 1e9, poissonRatio: 0.3 };
  for (const [k, spec] of Object.entries(material)) {
    assert.ok(spec.unit.length > 0 && spec.label.length > 0);
    if (spec.min !== undefined) {
      assert.is(MaterialSchema.safeParse({ ...base, [k]: spec.min }).success, !spec.minExclusive, `${k} at its minimum`);
      assert.is(MaterialSchema.safeParse({ ...base, [k]: spec.min - 1e-9 * Math.max(1, Math.abs(spec.min)) }).success, false);
    }
    if (spec.max !== undefined)
      assert.is(MaterialSchema.safeParse({ ...base, [k]: spec.max }).success, !spec.maxExclusive, `${k} at its maximum`);
  }
  const pbase = { materials: ["a", "a"], restitution: 0.5, friction: 0.3 };
  for (const [k, spec] of Object.entries(pair)) {
    if (spec.min !== undefined)
      assert.is(PairSchema.safeParse({ ...pbase, [k]: spec.min }).success, !spec.minExclusive, `${k} at its minimum`);
    if (spec.max !== undefined)
      assert.is(PairSchema.safeParse({ ...pbase, [k]: spec.max }).success, !spec.maxExclusive, `${k} at its maximum`);
  }
  for (const spec of Object.values(coefficientsOf("contact"))) assert.ok(spec.unit.length > 0 && spec.min !== undefined);
});

test("unknown names list the valid ones, slot by slot", () => {
  assert.equal(checkContact({ normal: "jkr", damping: "tsuji", tangential: "history" }), [
    { path: ["normal"], message: "unknown normal contact model; available: hertz, hooke" },
    { path: ["damping"], message: "unknown damping contact model; available: restitution" },
  ]);
  assert.equal(checkContact({ normal: "hertz", damping: "restitution", tangential: "toString" }), [
    { path: ["tangential"], message: "unknown tangential contact model; available: history" },
  ]);
});

test("an incompatible combination is refused by the init check, in the case file and when building tables", () => {
  // a normal law without a restitution mapping cannot take the restitution damping
  const bare: NormalSubModel = { ...CONTACT_MODELS.normal.hertz, name: "bare", id: 7, restitutionFactor: undefined };
  const registry: ContactRegistry = { ...CONTACT_MODELS, normal: { ...CONTACT_MODELS.normal, bare } };
  assert.equal(checkContact({ normal: "bare", damping: "restitution", tangential: "history" }, registry), [
    {
      path: ["damping"],
      message:
        "restitution damping cannot be used with the bare normal model: that law has no mapping from a coefficient of restitution to its dashpots",
    },
  ]);
  assert.equal(checkContact({ normal: "hooke", damping: "restitution", tangential: "history", characteristicVelocity_m_s: 1 }), []);
  assert.throws(
    () =>
      buildPairTable(
        [{ name: "a", youngsModulus_Pa: 1e9, poissonRatio: 0.3, density_kg_m3: 1000 }],
        () => ({ restitution: 0.5, friction: 0.3 }),
        {
          normal: "hooke",
          damping: "restitution",
          tangential: "history",
        },
      ),
    /contact\.characteristicVelocity_m_s = missing: required by the hooke model/,
  );
});

test("the pair table carries the model ids of the choice", () => {
  const mats = [{ name: "a", youngsModulus_Pa: 1e9, poissonRatio: 0.3, density_kg_m3: 1000 }];
  const p = () => ({ restitution: 0.5, friction: 0.3 });
  assert.is(buildPairTable(mats, p).model[0], M.NORMAL_HERTZ | (M.DAMPING_RESTITUTION << 8) | (M.TANGENTIAL_HISTORY << 16));
  const h = buildPairTable(mats, p, { normal: "hooke", damping: "restitution", tangential: "history", characteristicVelocity_m_s: 1 });
  assert.is(h.model[0] & L.MODEL_MASK, M.NORMAL_HOOKE);
  assert.is(h.kt[0], h.kn[0], "hooke: k_t = k_n");
  assert.is(h.dt[0], h.dn[0], "hooke: gamma_t = gamma_n");
  // the resolved case names every slot
  const c = parseDemCase({
    materials: { a: { youngsModulus_Pa: 1e9, poissonRatio: 0.3, density_kg_m3: 1000 } },
    pairDefaults: p(),
    particles: [{ material: "a", radius_m: 1e-6, position_m: [0, 0, 0] }],
    box: { lo_m: [-1e-5, -1e-5, -1e-5], hi_m: [1e-5, 1e-5, 1e-5] },
    stages: [{ steps: 1 }],
  });
  assert.equal(c.contact, { normal: "hertz", damping: "restitution", tangential: "history" });
});

test("a new normal model is its file, its registry entry and its test: the ids and the dispatch are generated from the folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-contact-"));
  for (const f of readdirSync(join(ROOT, "assembly/dem/contact"))) copyFileSync(join(ROOT, "assembly/dem/contact", f), join(dir, f));
  const sig = (t: string) => `(reff: ${t}, meff: ${t}, deltan: ${t}): ${t}`;
  writeFileSync(
    join(dir, "normal_linear.ts"),
    `@inline export function linearScale${sig("f64")} { return 1.0; }\n@inline export function linearScale2${sig("v128")} { return f64x2.splat(1.0); }\n`,
  );
  const files = Object.fromEntries((contactFiles as (d: string) => [string, string][])(dir).map(([p, t]) => [p.split("/").pop(), t]));
  assert.match(files["models.ts"], /export const NORMAL_HERTZ = 0;[^]*export const NORMAL_HOOKE = 1;[^]*export const NORMAL_LINEAR = 2;/);
  assert.match(files["dispatch.ts"], /case NORMAL_LINEAR: return linearScale\(reff, meff, deltan\);/);
  assert.match(files["dispatch.ts"], /case NORMAL_LINEAR: return linearScale2\(reff, meff, deltan\);/);
  // the generated files of the repository are these, for its folder (npm test also checks they are current)
  const here = Object.fromEntries((contactFiles as () => [string, string][])().map(([p, t]) => [p, t]));
  assert.is(here["assembly/dem/contact/dispatch.ts"], readFileSync(join(ROOT, "assembly/dem/contact/dispatch.ts"), "utf8"));
  // a normal model whose functions do not have the slot's signature is refused
  writeFileSync(join(dir, "normal_bad.ts"), "@inline export function badScale(reff: f64): f64 { return reff; }\n");
  assert.throws(
    () => (contactFiles as (d: string) => unknown)(dir),
    /normal_bad\.ts: expected export function badScale\(reff: f64, meff: f64, deltan: f64\): f64/,
  );
});

test.run();
