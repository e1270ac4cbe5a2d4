/** The particle seam (host/cell/particle.ts): theta_s = alpha + beta J per node. An external model
 *  plugged in through it (the finite volumes re-written in TypeScript on their own arrays) gives the
 *  wasm SIMD default bit for bit; the uniform-particle model is the fast-diffusion limit of the finite
 *  volumes. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../host/core/wasm.js";
import { ArrayHeap } from "../../host/core/heap.js";
import { createCellTwin } from "../../host/cell/twin.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { runExperiment, CellSim, DEFAULT_NUMERICS } from "../../host/cell/model.js";
import {
  UniformParticles,
  type ParticleContext,
  type ParticleModel,
  type ParticleStep,
  type SurfaceResponse,
} from "../../host/cell/particle.js";

const k = await loadCore();

/** assembly/cell/particle.ts (constant D), the same operations in the same order, in plain TypeScript
 *  behind the seam: node-major arrays of its own, alpha/beta handed over by value. */
class TsFiniteVolume implements ParticleModel {
  readonly name = "ts-finite-volume";
  readonly r_m: number[];
  private th: Float64Array[];
  private prev: Float64Array[];
  private cand: Float64Array[];
  private u: Float64Array[];
  private w: Float64Array[];
  private cp: Float64Array;
  private vol: Float64Array;
  private gf: Float64Array;
  private alpha: Float64Array;
  private beta: Float64Array;
  calls = { prepare: 0, commit: 0, accept: 0 };
  constructor(private ctx: ParticleContext) {
    const { nx, nr, rp } = ctx;
    const mk = () => Array.from({ length: nx }, () => new Float64Array(nr));
    this.th = mk();
    this.prev = mk();
    this.cand = mk();
    this.u = mk();
    this.w = mk();
    this.cp = new Float64Array(nr);
    this.vol = new Float64Array(nr);
    this.gf = new Float64Array(nr);
    const dr = 1 / nr,
      R = rp.radius_m;
    for (let s = 0; s < nr; s++) {
      const ro = (s + 1) * dr,
        ri = s * dr;
      this.vol[s] = ro * ro * ro - ri * ri * ri;
      this.gf[s] = (3 * (ro * ro)) / (dr * R * R);
    }
    this.alpha = new Float64Array(nx);
    this.beta = new Float64Array(nx);
    this.r_m = Array.from({ length: nr }, (_, s) => ((s + 0.5) * R) / nr);
  }
  reset(theta0: number): void {
    for (const a of [this.th, this.prev, this.cand]) for (const x of a) x.fill(theta0);
  }
  prepare(step: ParticleStep): SurfaceResponse {
    this.calls.prepare++;
    const { nx, nr, rp } = this.ctx;
    const D = rp.D0,
      R = rp.radius_m,
      c1max = rp.c1max,
      ih = 1.0 / step.heff_s,
      A = step.A,
      B = step.B;
    const jcoef = -3.0 / (R * c1max);
    for (let j = 0; j < nx; j++) {
      const th = this.th[j],
        tp = this.prev[j],
        u = this.u[j],
        w = this.w[j],
        cp = this.cp;
      for (let s = 0; s < nr; s++) {
        const vs = this.vol[s] * ih;
        const gl = s > 0 ? this.gf[s - 1] : 0.0,
          gr = s < nr - 1 ? this.gf[s] : 0.0;
        const e = s === nr - 1 ? jcoef : 0.0;
        const kr = gr * D;
        const rhs = vs * (A * th[s] - B * tp[s]);
        if (s === 0) {
          const m = vs + kr;
          cp[s] = -kr / m;
          u[s] = rhs / m;
          w[s] = 0.0;
        } else {
          const kl = gl * D;
          const m = vs + kl + kr + kl * cp[s - 1];
          cp[s] = -kr / m;
          u[s] = (rhs + kl * u[s - 1]) / m;
          w[s] = (e + kl * w[s - 1]) / m;
        }
      }
      for (let s = nr - 2; s >= 0; s--) {
        u[s] = u[s] - cp[s] * u[s + 1];
        w[s] = w[s] - cp[s] * w[s + 1];
      }
      const half = ((0.5 / nr) * R) / c1max;
      this.alpha[j] = u[nr - 1];
      this.beta[j] = w[nr - 1] - half / D;
    }
    return { alpha: this.alpha, beta: this.beta };
  }
  commit(J: Float64Array): void {
    this.calls.commit++;
    for (let j = 0; j < this.ctx.nx; j++) for (let s = 0; s < this.ctx.nr; s++) this.cand[j][s] = this.u[j][s] + this.w[j][s] * J[j];
  }
  accept(): void {
    this.calls.accept++;
    const p = this.prev;
    this.prev = this.th;
    this.th = this.cand;
    this.cand = p;
  }
  meanStoichiometry(): Float64Array {
    return Float64Array.from(this.th, (t) => t.reduce((a, x, s) => a + this.vol[s] * x, 0));
  }
  theta(): number[][] {
    return this.th.map((t) => Array.from(t));
  }
}

test("seam: the finite volumes re-written in TypeScript behind the seam give the wasm default bit for bit (1C and a cycle with a CV hold, odd nx)", () => {
  const rp = resolveCellParams(loadCellParams("Asheri2023", { "Li metal exchange current density [A.m-2]": 10 }));
  for (const exp of [
    "Discharge at 1C until 3.0 V",
    "Discharge at 2C until 3.3 V; Rest for 10 minutes; Charge at 1C until 3.6 V; Hold at 3.6 V until C/20",
  ]) {
    const numerics = { nx: 21, nr: 10 };
    let model: TsFiniteVolume | null = null;
    const a = runExperiment(k, rp, exp, { numerics });
    const b = runExperiment(k, rp, exp, { numerics, particles: (ctx) => (model = new TsFiniteVolume(ctx)) });
    assert.is(a.particleModel, "finite-volume");
    assert.is(b.particleModel, "ts-finite-volume");
    assert.equal(b.time_s, a.time_s, `${exp}: same steps`);
    assert.equal(b.voltage_V, a.voltage_V, `${exp}: same voltages, bit for bit`);
    assert.equal(b.capacity_Ah_m2, a.capacity_Ah_m2);
    assert.equal(b.snapshots.at(-1)!.theta, a.snapshots.at(-1)!.theta);
    assert.equal(b.stats.newton, a.stats.newton);
    const c = (model as TsFiniteVolume | null)!.calls;
    assert.ok(
      c.prepare >= c.commit && c.commit >= c.accept && c.accept === b.stats.steps,
      `calls ${JSON.stringify(c)}, steps ${b.stats.steps}`,
    );
  }
  // and the TS twin of the kernels runs the same staged path
  const ts = createCellTwin(new ArrayHeap());
  const t = runExperiment(ts, rp, "Discharge at 1C until 3.0 V", { numerics: { nx: 21, nr: 10 } });
  const w = runExperiment(k, rp, "Discharge at 1C until 3.0 V", { numerics: { nx: 21, nr: 10 } });
  assert.is(t.time_s.length, w.time_s.length);
  assert.ok(t.voltage_V.every((v, i) => Math.abs(v - w.voltage_V[i]) <= 1e-10));
});

test("seam: UniformParticles (infinitely fast solid diffusion) is the D -> infinity limit of the finite volumes; lithium balance exact", () => {
  const fast = resolveCellParams(loadCellParams("Asheri2023", { "AM diffusivity [m2.s-1]": 7e-9 }));
  const numerics = { tolV: 1e-8, tolTheta: 1e-8 };
  const fv = runExperiment(k, fast, "Discharge at 2C until 3.2 V", { numerics });
  const un = runExperiment(k, fast, "Discharge at 2C until 3.2 V", { numerics, particles: (ctx) => new UniformParticles(ctx) });
  const qa = fv.capacity_Ah_m2.at(-1)!,
    qb = un.capacity_Ah_m2.at(-1)!;
  assert.ok(Math.abs(qa - qb) <= 1e-7 * qa, `capacity ${qa} (finite volumes, D x 1e6) vs ${qb} (uniform)`);
  assert.ok(Math.abs(un.lithium.imbalance_rel) <= 1e-12, `Li balance ${un.lithium.imbalance_rel}`);
  assert.equal(un.r_m, [0.5 * fast.radius_m]);
  // with the real D the particle surface runs ahead of the mean: the uniform model overstates the capacity
  const slow = resolveCellParams(loadCellParams("Asheri2023"));
  assert.ok(
    runExperiment(k, slow, "Discharge at 2C until 3.2 V", { particles: (ctx) => new UniformParticles(ctx) }).capacity_Ah_m2.at(-1)! >
      runExperiment(k, slow, "Discharge at 2C until 3.2 V").capacity_Ah_m2.at(-1)!,
  );
  // a CellSim built with a model keeps it across runs
  const sim = new CellSim(k, slow, DEFAULT_NUMERICS, (ctx) => new UniformParticles(ctx));
  assert.is(runExperiment(k, slow, "Rest for 1 s", { sim }).particleModel, "uniform");
});

test.run();
