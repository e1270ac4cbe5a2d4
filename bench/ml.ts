/**
 * ML engine benchmark, one core: training images/s at batch 16 for model A (paper 000
 * Table 2, 224x224x1) and model B (EfficientNetV2-style, 64x64x1), MLP samples/s (model C, paper 001
 * surrogate sizes), inference images/s; the stock tfjs 'cpu' backend measured for a step in the same
 * run as the baseline. Throughput is taken from the second epoch (the first pays for warm-up).
 *   npm run bench -- ml [--no-cpu] [--images-a 48] [--images-b 320]
 */
import { initMl } from "../host/ml/backend.js";
import { buildModelA, buildModelB, buildModelC } from "../host/ml/models.js";
import { train, predictScaled, type Scaled } from "../host/ml/train.js";
import { Rng } from "../host/core/rng.js";
import type { LayersModel } from "@tensorflow/tfjs";

function images(n: number, size: number, outs: number, seed: number): Scaled {
  const rng = new Rng(seed);
  const x = new Float32Array(n * size * size),
    y = new Float32Array(n * outs);
  for (let i = 0; i < x.length; i++) x[i] = Math.floor(rng.next() * 3) / 2;
  for (let i = 0; i < y.length; i++) y[i] = rng.next();
  return { x, y, n };
}

/** Images (samples) per second of the last of `epochs` epochs. */
async function trainRate(model: LayersModel, data: Scaled, batchSize: number, epochs = 2): Promise<{ rate: number; loss: number[] }> {
  const run = await train(model, { train: data }, { epochs, batchSize, learningRate: 1e-3, warmupEpochs: 0, seed: 3 });
  const last = run.history[run.history.length - 1];
  return { rate: data.n / last.seconds, loss: run.history.map((h) => h.loss) };
}

function inferRate(model: LayersModel, data: Scaled, batch: number): number {
  predictScaled(model, data.x.subarray(0, (data.x.length / data.n) * batch), batch, batch); // warm-up
  const t0 = performance.now();
  predictScaled(model, data.x, data.n, batch);
  return data.n / ((performance.now() - t0) / 1000);
}

export async function main(args: string[]): Promise<void> {
  const arg = (k: string, d: number) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);
  const nA = arg("--images-a", 48),
    nB = arg("--images-b", 320);
  const { tf, info } = await initMl();
  console.log(
    `backend: ${info.backend} (${info.package}), simd ${info.simd ?? "-"}, threads ${info.threads ?? "-"}; not used: ${info.notUsed.map((c) => c.name).join(", ")}`,
  );

  const A = buildModelA({ outputs: 9 }, 1);
  const dA = images(nA, 224, 9, 1);
  const a = await trainRate(A, dA, 16);
  const aInf = inferRate(A, dA, 16);
  console.log(
    `model A (224x224x1, ${A.countParams()} weights), train batch 16: ${a.rate.toFixed(2)} img/s (target >= 8; PyTorch 1.13 CPU 1 thread 12.9; first kernel pack 5.6), loss ${a.loss.map((l) => l.toExponential(2)).join(" -> ")}; inference ${aInf.toFixed(1)} img/s`,
  );

  const B = buildModelB({ outputs: 1 }, 1);
  const dB = images(nB, 64, 1, 2);
  const b = await trainRate(B, dB, 16);
  const bInf = inferRate(B, dB, 32);
  console.log(
    `model B (64x64x1, ${B.countParams()} weights), train batch 16: ${b.rate.toFixed(1)} img/s (target >= 35; first kernel pack 27), loss ${b.loss.map((l) => l.toExponential(2)).join(" -> ")}; inference ${bInf.toFixed(0)} img/s`,
  );

  for (const hidden of [128, 1024, 3072]) {
    const C = buildModelC({ inputs: 4, outputs: 3, hidden }, 1);
    const rng = new Rng(hidden);
    const n = 8192,
      x = new Float32Array(n * 4),
      y = new Float32Array(n * 3);
    for (let i = 0; i < x.length; i++) x[i] = rng.next();
    for (let i = 0; i < n; i++) for (let o = 0; o < 3; o++) y[i * 3 + o] = 0.5 + 0.3 * Math.sin(x[i * 4] * (o + 1)) * x[i * 4 + 1];
    const c = await trainRate(C, { x, y, n }, 32);
    console.log(
      `model C (MLP 4 -> ${hidden} -> 3), train batch 32: ${c.rate.toFixed(0)} samples/s (stock wasm probe: 4061 / 8205 / 1024-1808 for H = 128 / 1024 / 3072)`,
    );
    C.dispose();
  }

  if (!args.includes("--no-cpu")) {
    await initMl({ backend: "cpu" });
    const Ac = buildModelA({ outputs: 9 }, 1);
    const t0 = performance.now();
    await train(Ac, { train: images(1, 224, 9, 1) }, { epochs: 1, batchSize: 1, warmupEpochs: 0 });
    const cpuA = 1 / ((performance.now() - t0) / 1000);
    const Bc = buildModelB({ outputs: 1 }, 1);
    const t1 = performance.now();
    await train(Bc, { train: images(4, 64, 1, 2) }, { epochs: 1, batchSize: 4, warmupEpochs: 0 });
    const cpuB = 4 / ((performance.now() - t1) / 1000);
    console.log(
      `stock tfjs 'cpu' backend, one training step in this run: model A ${cpuA.toFixed(3)} img/s (batch 1) -> ${info.backend} is ${(a.rate / cpuA).toFixed(0)}x faster; model B ${cpuB.toFixed(2)} img/s (batch 4) -> ${(b.rate / cpuB).toFixed(0)}x`,
    );
  }
  void tf;
}
