/** The twin generator's translation: casts written out faithfully, and constructs without a plain-TS form refused (file and line), never dropped. */
import { test } from "uvu";
import * as assert from "uvu/assert";
// @ts-expect-error: a plain .mjs build script without types
import { translate } from "../scripts/twin-translate.mjs";

const tr = (src: string) => (translate as (s: string, f: string) => string)(src, "k.ts");

test("casts: <i32> truncates as | 0, <u32>/<usize> as >>> 0, <f32> rounds, <f64> is the number itself", () => {
  assert.match(tr("export function f(x: f64): i32 { return <i32>(x * 2.5); }"), /return \(\(x \* 2\.5\) \| 0\);/);
  assert.match(tr("export function f(n: i32): i32 { return <usize>n << 3; }"), /return \(\(n\) >>> 0\) << 3;/);
  assert.match(tr("export function f(x: f64): f64 { return <f64>x + <f64>gI(sys, H_N); }"), /return x \+ gI\(sys, H_N\);/);
  assert.match(tr("export function f(x: f64): f64 { return <f32>x; }"), /return Math\.fround\(x\);/);
  assert.match(
    tr("export function f(a: f64, b: f64): f64 { return min<f64>(a, b) + select<i32>(1, 0, a > b); }"),
    /return Math\.min\(a, b\) \+ select\(1, 0, a > b\);/,
  );
  // a cast binds to the call or index that follows it, not to the operator after
  assert.match(tr("export function f(p: i32): i32 { return <i32>ldF(p, 3) * 2; }"), /return \(\(ldF\(p, 3\)\) \| 0\) \* 2;/);
});

test("SIMD forms are dropped whole; anything without a faithful plain-TS form stops the generator with file and line", () => {
  const both = "export function s(x: f64): f64 { return x; }\n@inline export function v(x: v128): v128 { return x; }\n";
  assert.not.match(tr(both), /v128/);
  const refuse = (src: string, re: RegExp) => assert.throws(() => tr(src), re);
  refuse("export function f(a: f64): f64 {\n  return <f64>(<i64>a);\n}", /k\.ts:2: <i64> has no faithful plain-TS form/);
  refuse("export function f(p: i32): f64 {\n  return load<f64>(p);\n}", /k\.ts:2: raw load\/store/);
  refuse("export function f(p: i32): f64 {\n  const v = f64x2.splat(1.0);\n  return 0;\n}", /k\.ts:2: SIMD outside a function/);
  refuse(
    "export function f(p: i32): void {\n  let x: i64 = 0;\n}",
    /k\.ts:2: a variable or parameter of a type the twin cannot represent exactly/,
  );
  refuse("export function f(p: i32): i32 {\n  return <u8>p;\n}", /k\.ts:2: <u8> has no faithful plain-TS form/);
  // an <i64> whose values stay below 2^53 may say so
  assert.match(
    tr("export function f(a: i32): f64 {\n  return <f64>(<i64>a * <i64>a); // exact in f64\n}"),
    /return \(a \* a\); \/\/ exact in f64/,
  );
});

test.run();
