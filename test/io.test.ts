/** Output formats: legacy VTK particles, CSV round trip, atomic writes. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { expectConfigError } from "./helpers.js";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { particlesVtk } from "../host/io/vtk.js";
import { parseCsv, toCsv, numericColumns } from "../host/io/csv.js";
import { writeFileAtomic, prepareOutDir, prepareOutFile, cleanTemporaries } from "../host/io/atomic.js";
import { fsError } from "../host/config/errors.js";

test("VTK: points, vertices, vectors from x/y/z triples, scalars and material codes", () => {
  const v = particlesVtk({
    id: [1, 2],
    material: ["AM", "SE"],
    x_m: [0, 1e-6],
    y_m: [0, 0],
    z_m: [0, 2e-6],
    radius_m: [5e-6, 1e-6],
    vx_m_s: [1, 2],
    vy_m_s: [0, 0],
    vz_m_s: [3, 4],
    szz_Pa: [-1e6, NaN],
  });
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
  const t = parseCsv(
    toCsv({
      columns: ["a", "b"],
      rows: [
        [x, "AM"],
        [1e-300, "SE"],
      ],
    }),
  );
  assert.is(Number(t.rows[0][0]), x);
  assert.is(Number(t.rows[1][0]), 1e-300);
});

test("atomic write leaves only the final file", () => {
  const d = mkdtempSync(join(tmpdir(), "assb-io-"));
  writeFileAtomic(join(d, "sub", "f.txt"), "hello");
  assert.equal(readdirSync(join(d, "sub")), ["f.txt"]);
  assert.is(readFileSync(join(d, "sub", "f.txt"), "utf8"), "hello");
});

test("CSV: reads back the quoted fields toCsv writes (commas, quotes, newlines, a leading #)", () => {
  const rows = [
    ["a,b", 1],
    ['say "hi"', 2],
    ["two\nlines", 3],
    ["#not a comment", 4],
  ];
  const t = parseCsv(toCsv({ columns: ["name", "x"], rows }), "q.csv");
  assert.equal(
    t.rows,
    rows.map((r) => [r[0], String(r[1])]),
  );
});

const refuses = expectConfigError;

test("CSV: empty, truncated, ragged and non-numeric files are one-line ConfigErrors naming file, row and column", () => {
  refuses(() => parseCsv("", "e.csv"), /^e\.csv: empty file; expected a header row/);
  refuses(() => parseCsv("# only a comment\n\n", "c.csv"), /^c\.csv: empty file/);
  refuses(() => parseCsv("a,b,c\n1,2,3\n4,5", "t.csv"), /^t\.csv: row 3 has 2 fields, the header has 3 \(the last row: truncated file\?\)/);
  refuses(() => parseCsv("a,b\n1,2,3\n4,5", "r.csv"), /^r\.csv: row 2 has 3 fields, the header has 2$/);
  refuses(() => parseCsv('a,b\n"1,2', "q.csv"), /^q\.csv: row \d+: .*truncated file\?/);
  refuses(() => parseCsv("a,a\n1,2", "d.csv"), /column 'a' appears twice/);
  refuses(
    () => numericColumns(parseCsv("x_m,y_m\n1,NaN\n", "n.csv"), ["x_m", "y_m"], "n.csv"),
    /^n\.csv: row 2, column 'y_m' = 'NaN': expected a finite number$/,
  );
  refuses(() => numericColumns(parseCsv("x_m\n1\n", "m.csv"), ["x_m", "y_m"], "m.csv"), /column 'y_m' is missing/);
  const header = parseCsv("x_m,y_m\n", "h.csv");
  assert.equal(header, { columns: ["x_m", "y_m"], rows: [] });
});

test("output paths: a file where a folder is expected, a folder where a file is expected, and a blocked write name the path", () => {
  const d = mkdtempSync(join(tmpdir(), "assb-io-"));
  writeFileSync(join(d, "file"), "x");
  refuses(() => prepareOutDir(join(d, "file")), /-o .*file: is a file; expected a folder/);
  refuses(() => prepareOutDir(join(d, "file", "sub")), /-o .*file\/sub: cannot create the output folder \(ENOTDIR\)/);
  mkdirSync(join(d, "dir"));
  refuses(() => prepareOutFile(join(d, "dir")), /-o .*dir: is a folder; expected a file name/);
  refuses(() => writeFileAtomic(join(d, "file", "x.csv"), "1"), /file: cannot create the folder \(EEXIST: a file is in the way/);
  refuses(() => writeFileAtomic(join(d, "dir"), "1"), /dir: cannot write \(EISDIR/);
  // a read-only folder (root writes anywhere, so the errno is made here): the message names path and cause
  const eacces = Object.assign(new Error("EACCES: permission denied, open '/ro/a.csv'"), {
    code: "EACCES",
    syscall: "open",
    path: "/ro/a.csv",
  });
  assert.is(fsError(eacces, "/ro/a.csv", "write").message, "/ro/a.csv: cannot write (EACCES: permission denied)");
});

test("temporary files of a killed writer are removed; a live writer's are kept", () => {
  const d = mkdtempSync(join(tmpdir(), "assb-io-"));
  writeFileSync(join(d, ".summary.json.999999999.ab12cd.tmp"), "half");
  writeFileSync(join(d, `.live.csv.${process.ppid}.zz99.tmp`), "another process is writing this");
  writeFileSync(join(d, "keep.csv"), "a\n");
  assert.equal(cleanTemporaries(d), [".summary.json.999999999.ab12cd.tmp"]);
  assert.equal(readdirSync(d).sort(), [`.live.csv.${process.ppid}.zz99.tmp`, "keep.csv"]);
});

test.run();
