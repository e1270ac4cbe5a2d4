/** Shared set-up of the kernel-pack tests (test/ml/kernels_*.test.ts): tfjs on 'wasm' + pack, the core's ML kernels, comparisons. */
import * as assert from "uvu/assert";
import type * as TF from "@tensorflow/tfjs";
import { initMl } from "../../host/ml/backend.js";
import { CoreMlKernels, type Window } from "../../host/ml/kernels/core.js";
import { Rng } from "../../host/core/rng.js";
import { colErr } from "../helpers.js";

export const { tf, info } = await initMl();
export const core = await CoreMlKernels.load();
export const TOL = 1e-5;

export function randn(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * r.next() - 1 + (i % 7 === 0 ? 0.5 : 0);
  return a;
}

/** Runs f on 'cpu' and on 'wasm' + pack with the same input data; returns both results' values. */
export async function both(f: () => TF.Tensor | TF.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: "cpu" | "wasm") => {
    await initMl({ backend: backend === "cpu" ? "cpu" : "auto" });
    assert.is(tf.getBackend(), backend);
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const vals = await Promise.all(list.map(async (t) => (await t.data()) as Float32Array));
    list.forEach((t) => t.dispose());
    return vals;
  };
  const cpu = await run("cpu");
  const wasm = await run("wasm");
  await initMl();
  return { cpu, wasm };
}

export function close(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol = TOL): void {
  assert.is(got.length, want.length, `${what}: length`);
  const e = colErr(got, want);
  assert.ok(e <= tol, `${what}: relative error ${e.toExponential(2)} > ${tol}`);
}

export const t4 = (a: Float32Array, s: number[]) => tf.tensor4d(a, s as [number, number, number, number]);

export const win = (
  o: Partial<Window> & { B: number; H: number; W: number; C: number; KH: number; KW: number; SH: number; SW: number },
  pad: "same" | "valid",
  d = 1,
): Window => {
  const eff = (k: number) => (k - 1) * d + 1;
  const out = (n: number, k: number, s: number) => (pad === "same" ? Math.ceil(n / s) : Math.floor((n - eff(k)) / s) + 1);
  const OH = out(o.H, o.KH, o.SH),
    OW = out(o.W, o.KW, o.SW);
  const padAll = (n: number, on: number, k: number, s: number) => (pad === "same" ? Math.max((on - 1) * s + eff(k) - n, 0) : 0);
  return {
    ...o,
    OH,
    OW,
    DH: d,
    DW: d,
    PT: Math.floor(padAll(o.H, OH, o.KH, o.SH) / 2),
    PL: Math.floor(padAll(o.W, OW, o.KW, o.SW) / 2),
  } as Window;
};
