/** host/core/portable_math: the engine-independent sin, cos, exp, log, pow agree with Math to a few ulp over
 *  the ranges the host uses them on, and keep the exact cases exact. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cos, exp, log, pow, sin } from "../../host/core/portable_math.js";
import { Rng } from "../../host/core/rng.js";

/** |a - b| in units of b's last place */
const ulps = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / (Number.EPSILON * Math.max(Math.abs(b), Number.MIN_VALUE)));

function worst(f: (x: number) => number, ref: (x: number) => number, lo: number, hi: number, n = 20000, absFloor = 0): number {
  const rng = new Rng(7);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const x = lo + (hi - lo) * rng.next();
    const b = ref(x);
    w = Math.max(w, Math.abs(b) < absFloor ? Math.abs(f(x) - b) / (Number.EPSILON * absFloor) : ulps(f(x), b));
  }
  return w;
}

test("sin and cos within 2 ulp of Math on [-100, 100] (absolute near their zeros), exact at 0", () => {
  const s = worst(sin, Math.sin, -100, 100, 20000, 1e-3);
  const c = worst(cos, Math.cos, -100, 100, 20000, 1e-3);
  assert.ok(s <= 2 && c <= 2, `sin ${s} ulp, cos ${c} ulp`);
  assert.is(sin(0), 0);
  assert.is(cos(0), 1);
  assert.ok(Number.isNaN(sin(Infinity)));
});

test("exp and log within 2 ulp of Math over their whole range; exp(0) = 1, log(1) = 0", () => {
  const e = worst(exp, Math.exp, -700, 700);
  const l = worst(log, Math.log, 1e-300, 1e300, 20000, 1e-3);
  const l1 = worst(log, Math.log, 0.5, 2, 20000, 1e-3);
  assert.ok(e <= 2 && l <= 2 && l1 <= 2, `exp ${e} ulp, log ${l} ulp (${l1} near 1)`);
  assert.is(exp(0), 1);
  assert.is(log(1), 0);
  assert.is(log(0), -Infinity);
  assert.ok(Number.isNaN(log(-1)));
  assert.is(exp(1000), Infinity);
  assert.ok(Math.abs(log(5e-324) - Math.log(5e-324)) < 1e-13, "subnormal input");
});

test("pow: exp(y log x) within 8 ulp for the step controller's and the mesh grading's ranges; the integer cases exact", () => {
  const rng = new Rng(3);
  let w = 0;
  for (let i = 0; i < 20000; i++) {
    const x = 1e-4 + 10 * rng.next(),
      y = -2 + 4 * rng.next();
    w = Math.max(w, ulps(pow(x, y), Math.pow(x, y)));
  }
  assert.ok(w <= 8, `pow ${w} ulp`);
  assert.equal([pow(3, 2), pow(3, 0), pow(3, 1), pow(4, -1), pow(-2, 3), pow(0, 2)], [9, 1, 3, 0.25, -8, 0]);
  assert.ok(Number.isNaN(pow(-2, 0.5)));
});

test.run();
