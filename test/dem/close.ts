/**
 * Agreement to a tolerance between two runs of the same case on different kernels (wasm core vs TS twin,
 * f64x2 vs scalar): numeric columns within `tol` of the column's largest magnitude (colErr), other columns
 * equal. Bit-identity is asserted only where it is the product (restart = uninterrupted, Node = browser).
 */
import * as assert from "uvu/assert";
import { colErr } from "../helpers.js";

/** Time series (rows of numbers under the same columns). */
export function assertRowsClose(a: { columns: string[]; rows: number[][] }, b: { columns: string[]; rows: number[][] }, tol: number): void {
  assert.equal(a.columns, b.columns);
  assert.is(a.rows.length, b.rows.length, "row count");
  a.columns.forEach((name, c) => {
    const e = colErr(
      a.rows.map((r) => r[c]),
      b.rows.map((r) => r[c]),
    );
    assert.ok(e <= tol, `${name}: ${e} > ${tol}`);
  });
}

/** Column records (per-particle or per-contact outputs). */
export function assertColumnsClose(a: Record<string, unknown[]>, b: Record<string, unknown[]>, tol: number): void {
  assert.equal(Object.keys(a).sort(), Object.keys(b).sort());
  for (const [name, col] of Object.entries(a)) {
    const other = b[name];
    assert.is(col.length, other.length, `${name}: length`);
    if (col.every((v) => typeof v === "number")) {
      const e = colErr(col as number[], other as number[]);
      assert.ok(e <= tol, `${name}: ${e} > ${tol}`);
    } else assert.equal(col, other, name);
  }
}
