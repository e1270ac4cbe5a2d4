/** Parquet (host/io/parquet.ts): byte layout per the format spec, round trip, a file written by an
 *  independent writer (pyarrow 25, fixtures/io/pyarrow_plain.parquet), errors; and, where a python3
 *  with pyarrow is on the machine, our file read back by pyarrow. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, mkdtempSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeParquet, readParquet, tableToParquet } from "../../host/io/parquet.js";
import { writeFileAtomic } from "../../host/io/atomic.js";
import { fixture } from "../helpers.js";

const sample = () =>
  writeParquet(
    [
      { name: "t_s", type: "double", values: [0, 0.1 + 0.2, 1e-300, -2.5, Number.MAX_VALUE, 1 / 3] },
      { name: "step", type: "int64", values: [1, 1, 2, -3, 2 ** 53 - 1, 0] },
      { name: "what", type: "string", values: ["rest", "", "µm", 'Li|SE, "quoted"', "x".repeat(300), "end"] },
    ],
    { keyValue: { version: "0.1.0" } },
  );

test("layout: PAR1 magic at both ends, footer length, first page header at byte 4 (DATA_PAGE, PLAIN)", () => {
  const f = sample();
  const magic = (at: number) => String.fromCharCode(...f.subarray(at, at + 4));
  assert.is(magic(0), "PAR1");
  assert.is(magic(f.length - 4), "PAR1");
  const mlen = new DataView(f.buffer, f.byteOffset).getUint32(f.length - 8, true);
  assert.ok(mlen > 0 && mlen < f.length - 12);
  // compact-protocol PageHeader: field 1 (i32, delta 1) = DATA_PAGE (0) -> bytes 0x15 0x00
  assert.is(f[4], 0x15);
  assert.is(f[5], 0x00);
  // field 2 uncompressed size = 6 doubles = 48 bytes -> zigzag varint 96
  assert.is(f[6], 0x15);
  assert.is(f[7], 96);
  // the first PLAIN double follows the page header: the second value is 0.1 + 0.2, little endian
  const dv = new DataView(f.buffer, f.byteOffset);
  let found = -1;
  for (let p = 4; p < 64; p++)
    if (dv.getFloat64(p, true) === 0.1 + 0.2) {
      found = p;
      break;
    }
  assert.ok(found > 4, "PLAIN double 0.1 + 0.2 found in the first page");
  assert.is(dv.getFloat64(found - 8, true), 0);
});

test("round trip: doubles bit-exact, int64 (incl. negative and 2^53 - 1), UTF-8 strings, key-value metadata", () => {
  const t = readParquet(sample());
  assert.is(t.numRows, 6);
  assert.equal(
    t.columns.map((c) => [c.name, c.type]),
    [
      ["t_s", "double"],
      ["step", "int64"],
      ["what", "string"],
    ],
  );
  assert.equal(t.columns[0].values, [0, 0.1 + 0.2, 1e-300, -2.5, Number.MAX_VALUE, 1 / 3]);
  assert.equal(t.columns[1].values, [1, 1, 2, -3, 2 ** 53 - 1, 0]);
  assert.equal(t.columns[2].values, ["rest", "", "µm", 'Li|SE, "quoted"', "x".repeat(300), "end"]);
  assert.equal(t.keyValue, { version: "0.1.0" });
  assert.is(t.createdBy, "assbkit parquet writer");
  // many rows (list headers with >= 15 entries are not involved, but varints of large sizes are)
  const n = 100000;
  const big = readParquet(
    tableToParquet(
      { x: Float64Array.from({ length: n }, (_, i) => Math.sin(i)), k: Array.from({ length: n }, (_, i) => i) },
      { int64: ["k"] },
    ),
  );
  assert.is(big.numRows, n);
  assert.is((big.columns[0].values as number[])[n - 1], Math.sin(n - 1));
  assert.is((big.columns[1].values as number[])[n - 1], n - 1);
  assert.is(big.columns[1].type, "int64");
  // 20 columns: the schema and column-chunk lists need the long list header (size >= 15)
  const wide: Record<string, number[]> = {};
  for (let c = 0; c < 20; c++) wide[`c${c}`] = [c, c + 0.5];
  const w = readParquet(tableToParquet(wide));
  assert.is(w.columns.length, 20);
  assert.equal(w.columns[19].values, [19, 19.5]);
});

test("reads a file written by an independent writer (pyarrow 25: uncompressed PLAIN v1 pages, statistics, 2 row groups)", () => {
  const t = readParquet(readFileSync(fixture("io/pyarrow_plain.parquet")));
  assert.is(t.numRows, 4);
  assert.is(t.createdBy, "parquet-cpp-arrow version 25.0.1");
  assert.equal(t.columns[0].values, [0.1 + 0.2, -1.5e-300, 2 ** 60, 3]);
  assert.equal(t.columns[1].values, [1n, -2n, 2n ** 53n + 1n, 0n], "beyond 2^53: bigint");
  assert.equal(t.columns[2].values, ["a", "", "µm", "Li|SE"]);
});

test("errors: unequal columns, bad values, not a Parquet file", () => {
  assert.throws(
    () =>
      writeParquet([
        { name: "a", type: "double", values: [1, 2] },
        { name: "b", type: "double", values: [1] },
      ]),
    /column 'b' has 1 values, column 'a' has 2/,
  );
  assert.throws(() => writeParquet([{ name: "a", type: "int64", values: [1.5] }]), /column 'a' row 0: 1\.5 is not an integer/);
  assert.throws(
    () =>
      writeParquet([
        { name: "a", type: "double", values: [1] },
        { name: "a", type: "double", values: [2] },
      ]),
    /'a' appears twice/,
  );
  assert.throws(() => readParquet(new TextEncoder().encode("t_s,V\n0,3.5\n")), /not a Parquet file/);
});

test("atomic write of a Parquet file; pyarrow reads it back when a python3 with pyarrow is present", () => {
  const dir = mkdtempSync(join(tmpdir(), "pq-"));
  const f = join(dir, "s.parquet");
  writeFileAtomic(f, sample());
  assert.equal(readdirSync(dir), ["s.parquet"]);
  assert.is(readParquet(readFileSync(f)).numRows, 6);
  const py = process.env.PYARROW_PYTHON ?? "python3";
  const code = `import sys, json, pyarrow.parquet as pq\nt = pq.read_table(sys.argv[1])\nprint(json.dumps({"schema": str(t.schema), "rows": t.to_pylist()}))`;
  const r = spawnSync(py, ["-c", code, f], { encoding: "utf8" });
  if (r.status !== 0) {
    console.log(`  (no pyarrow at '${py}': independent read-back not run here; set PYARROW_PYTHON to a python with pyarrow)`);
    return;
  }
  const got = JSON.parse(r.stdout);
  assert.match(got.schema, /t_s: double not null\nstep: int64 not null\nwhat: string not null/);
  assert.is(got.rows.length, 6);
  assert.equal(got.rows[3], { t_s: -2.5, step: -3, what: 'Li|SE, "quoted"' });
  assert.is(got.rows[1].t_s, 0.1 + 0.2);
  console.log("  pyarrow read the file back");
});

test.run();
