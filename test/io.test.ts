/** Output formats: legacy VTK particles, CSV round trip, atomic writes. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { particlesVtk } from "../host/io/vtk.js";
import { parseCsv, toCsv } from "../host/io/csv.js";
import { writeFileAtomic } from "../host/io/atomic.js";

test("VTK: points, vertices, vectors from x/y/z triples, scalars and material codes", () => {
  const v = particlesVtk({ id: [1, 2], material: ["AM", "SE"], x_m: [0, 1e-6], y_m: [0, 0], z_m: [0, 2e-6], radius_m: [5e-6, 1e-6], vx_m_s: [1, 2], vy_m_s: [0, 0], vz_m_s: [3, 4], szz_Pa: [-1e6, NaN] });
  const L = v.trim().split("\n");
  assert.is(L[0], "# vtk DataFile Version 3.0");
  assert.is(L[3], "DATASET POLYDATA");
  assert.is(L[4], "POINTS 2 double");
  assert.is(L[6], "1e-6 0 0.000002".replace("1e-6", "0.000001"));
  assert.ok(v.includes("VERTICES 2 4\n1 0\n1 1\n"));
  assert.ok(v.includes("VECTORS v_m_s double\n1 0 3\n2 0 4\n"));
  assert.ok(v.includes("SCALARS material_code int 1\nLOOKUP_TABLE default\n0\n1\n"));
  assert.ok(v.includes("SCALARS szz_Pa double 1\nLOOKUP_TABLE default\n-1000000\n0\n"), "non-finite written as 0");
  assert.ok(v.includes("SCALARS radius_m double 1"));
});

test("CSV round trip keeps full double precision", () => {
  const x = 0.1 + 0.2;
  const t = parseCsv(toCsv({ columns: ["a", "b"], rows: [[x, "AM"], [1e-300, "SE"]] }));
  assert.is(Number(t.rows[0][0]), x);
  assert.is(Number(t.rows[1][0]), 1e-300);
});

test("atomic write leaves only the final file", () => {
  const d = mkdtempSync(join(tmpdir(), "assb-io-"));
  writeFileAtomic(join(d, "sub", "f.txt"), "hello");
  assert.equal(readdirSync(join(d, "sub")), ["f.txt"]);
  assert.is(readFileSync(join(d, "sub", "f.txt"), "utf8"), "hello");
});

test.run();
