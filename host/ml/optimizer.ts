/**
 * The optimizer of the training loop: Adam as in tf.train.adam, written here with its state in plain
 * view (bias corrections computed in float64 from the step count) so that a checkpoint holds all of
 * it and a resumed run repeats the uninterrupted one bit for bit; and the learning-rate schedule.
 */
import type * as TF from "@tensorflow/tfjs";
import { tf } from "./tf.js";

/** Linear warm-up over `warmup` steps, then cosine from lr to lrMin at `total` steps. */
export function learningRateAt(step: number, total: number, warmup: number, lr: number, lrMin: number): number {
  if (warmup > 0 && step < warmup) return (lr * (step + 1)) / warmup;
  const span = Math.max(1, total - warmup);
  const p = Math.min(1, Math.max(0, (step - warmup) / span));
  return lrMin + 0.5 * (lr - lrMin) * (1 + Math.cos(Math.PI * p));
}

/** Adam as in tf.train.adam, with its state in plain view for checkpoints. */
export class Adam {
  readonly m: TF.Variable[];
  readonly v: TF.Variable[];
  t = 0;
  constructor(
    readonly vars: TF.Variable[],
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    this.m = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
    this.v = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
  }
  apply(grads: TF.Tensor[], lr: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const c1 = 1 - Math.pow(b1, this.t),
      c2 = 1 - Math.pow(b2, this.t);
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        const g = grads[i];
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        w.assign(tf.add(w, tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon)), -lr)));
      });
    });
  }
  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
