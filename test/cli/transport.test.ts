/** `assb voxelize`, `assb transport`, `assb transport-images` end to end, and their errors. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, fixture, relErr } from "../helpers.js";

const assb = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const out = mkdtempSync(join(tmpdir(), "assb-tp-"));

test("voxelize a packing, then transport of its SE and AM networks along z (JSON result)", () => {
  const v = assb("voxelize", fixture("dem/pack2k_init.csv"), "--voxel", "1.5um", "--lxy", "90um", "--height", "60um", "-o", join(out, "p.tif"));
  assert.is(v.status, 0, v.stderr);
  assert.match(v.stdout, /D_SCA = 6 V_AM \/ S_AM-SE = /);
  assert.equal(readdirSync(out).sort(), ["p.tif", "p_surface.json"]);
  const surf = JSON.parse(readFileSync(join(out, "p_surface.json"), "utf8"));
  assert.equal(surf.shape_zyx, [40, 60, 60]);
  const t = assb("transport", join(out, "p.tif"), "--phase", "AM", "--axis", "z", "-o", join(out, "am.json"));
  assert.is(t.status, 0, t.stderr + t.stdout);
  const r = JSON.parse(readFileSync(join(out, "am.json"), "utf8"));
  assert.is(r.phase, "AM");
  assert.is(r.axis, 0);
  assert.ok(r.version && r.solve.status);
  assert.ok(r.deffRel === 0 ? r.tauFactor === "Infinity" : r.tauFactor > 1, JSON.stringify(r.tauFactor));
});

test("transport on a fixture volume matches the reference; SOR method selectable", () => {
  const t = assb("transport", fixture("transport/sph_s80_64.json"), "--phase", "SE", "--axis", "0", "--method", "sor", "--rtol", "1e-9", "-o", join(out, "se.json"));
  assert.is(t.status, 0, t.stderr);
  const r = JSON.parse(readFileSync(join(out, "se.json"), "utf8"));
  assert.ok(relErr(r.tauFactor, 6.433523981433335) < 1e-6);
  assert.is(r.solve.method, "sor");
});

test("transport-images writes a CSV of currents", () => {
  const t = assb("transport-images", fixture("transport/img64_batch100.json"), "--axis", "0", "-o", join(out, "cur.csv"));
  assert.is(t.status, 0, t.stderr);
  const rows = readFileSync(join(out, "cur.csv"), "utf8").trim().split("\n");
  assert.is(rows.length, 101);
  const ref = readFileSync(fixture("transport/img64_batch100_reference.csv"), "utf8").trim().split("\n");
  assert.ok(relErr(Number(rows[1].split(",")[4]), Number(ref[1].split(",")[3])) < 1e-6);
});

test("bad input: unknown phase, bad axis name, bad method exit 2 with the field named", () => {
  const f = fixture("transport/sph_s80_64.json");
  let r = assb("transport", f, "--phase", "CB");
  assert.is(r.status, 2); assert.match(r.stderr, /phase = "CB": unknown phase/);
  r = assb("transport", f, "--axis", "w");
  assert.is(r.status, 2); assert.match(r.stderr, /--axis = w: expected an index 0-2 or one of z, y, x/);
  r = assb("transport", f, "--method", "gmres");
  assert.is(r.status, 2); assert.match(r.stderr, /--method = gmres: expected pcg/);
});

test.run();
