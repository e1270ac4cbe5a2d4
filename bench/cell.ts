/**
 * P2D cell benchmarks:
 *  1. One 1C discharge to 3.0 V of the Asheri2023 half cell (paper 001) at 20 x 10 and 80 x 40:
 *     wall time per discharge (median and mean over repeated runs, one CellSim reused), wasm core
 *     (SIMD particle batch) and the plain-TS twin in the same run. Anchors measured elsewhere:
 *     PyBaMM (IDAKLU) 50-100 ms at 20 x 10; PETLION ~3 ms. Target <= 3 ms at 20 x 10 on one core (set with
 *     step tolerances of 2e-4; the defaults are now 1e-5 V / 5e-6 so that capacity is within 1e-4 up to 5C,
 *     which costs ~2.4x the steps at 1C: `--tol-v 2e-4 --tol-theta 2e-4` is the old speed).
 *  2. A C-rate x parameter sweep (default 1,000 discharges: 40 rates 0.1-5C x 25 variants of AM
 *     radius and AM fraction): discharges per second on one thread, on the old pool (workers only,
 *     chunks of 20) and on the pool with the main thread working while the workers start.
 *   npm run bench -- cell [--runs 50] [--sweep 1000] [--workers N]
 */
import { availableParallelism } from "node:os";
import { loadCore } from "../host/core/wasm.js";
import { ArrayHeap } from "../host/core/heap.js";
import { createCellTwin } from "../host/cell/twin.js";
import { loadCellParams, resolveCellParams } from "../host/cell/params.js";
import { CellSim, DEFAULT_NUMERICS, runExperiment } from "../host/cell/model.js";
import { parseExperiment } from "../host/cell/experiment.js";
import { sweepParallel, sweepSerial, type SweepJob, type SweepOptions, type SweepStats } from "../host/cell/sweep.js";

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

export async function main(args: string[]): Promise<void> {
  const runs = arg(args, "runs", 50),
    nSweep = arg(args, "sweep", 1000),
    workers = arg(args, "workers", availableParallelism());
  const rp = resolveCellParams(loadCellParams("Asheri2023"));
  const exp = parseExperiment("Discharge at 1C until 3.0 V");
  const wasm = await loadCore();
  const twin = createCellTwin(new ArrayHeap());
  console.log(`cell bench: Asheri2023 (paper 001), 1C discharge to 3.0 V, symmetric BV; ${runs} timed runs after 5 warm-up runs`);
  const ms: Record<string, number> = {};
  for (const [nx, nr] of [
    [20, 10],
    [80, 40],
  ]) {
    for (const [name, k] of [
      ["wasm", wasm],
      ["ts twin", twin],
    ] as const) {
      const num = { ...DEFAULT_NUMERICS, nx, nr };
      const sim = new CellSim(k, rp, num);
      let r = runExperiment(k, rp, exp, { numerics: num, sim });
      for (let i = 0; i < 4; i++) runExperiment(k, rp, exp, { numerics: num, sim });
      const n = nx > 20 && name !== "wasm" ? Math.max(5, Math.ceil(runs / 5)) : runs;
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        r = runExperiment(k, rp, exp, { numerics: num, sim });
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const med = times[times.length >> 1],
        mean = times.reduce((a, b) => a + b, 0) / n;
      ms[`${name} ${nx}x${nr}`] = med;
      console.log(
        `  ${name.padEnd(7)} ${`${nx}x${nr}`.padEnd(6)} ${med.toFixed(3).padStart(8)} ms median  ${mean.toFixed(3).padStart(8)} ms mean  (min ${times[0].toFixed(3)})  ${r.stats.steps} steps, ${r.stats.rejected} rejected, ${r.stats.newton} Newton its, capacity ${r.capacity_Ah_m2.at(-1)!.toFixed(5)} Ah/m2`,
      );
    }
    console.log(
      `  -> ${nx}x${nr}: wasm is ${(ms[`ts twin ${nx}x${nr}`] / ms[`wasm ${nx}x${nr}`]).toFixed(2)}x the TS twin; vs PyBaMM 50-100 ms: ${(50 / ms[`wasm ${nx}x${nr}`]).toFixed(0)}-${(100 / ms[`wasm ${nx}x${nr}`]).toFixed(0)}x; PETLION ~3 ms; target <= 3 ms at 20x10: ${nx === 20 ? (ms["wasm 20x10"] <= 3 ? "met" : "NOT met") : "-"}`,
    );
  }
  // sweep: rates x parameter variants
  const rates = Array.from({ length: 40 }, (_, i) => 0.1 * Math.pow(50, i / 39));
  const variants: Record<string, unknown>[] = [];
  for (const R of [0.5e-6, 0.75e-6, 1e-6, 1.5e-6, 2e-6])
    for (const am of [0.4, 0.5, 0.6, 0.65, 0.7])
      variants.push({
        "Particle radius [m]": R,
        "Active material volume fraction": am,
        "SE volume fraction in cathode": Math.min(0.3, 1 - am),
      });
  const jobs: SweepJob[] = [];
  for (let i = 0; i < nSweep; i++)
    jobs.push({
      params: "Asheri2023",
      overrides: variants[Math.floor(i / rates.length) % variants.length],
      cRate: Number(rates[i % rates.length].toPrecision(6)),
      cutoff_V: 3.0,
    });
  const t0 = performance.now();
  const serial = sweepSerial(wasm, jobs);
  const tSerial = (performance.now() - t0) / 1000;
  const steps = serial.reduce((a, r) => a + r.steps, 0) / serial.length;
  console.log(
    `sweep: ${jobs.length} discharges (40 rates 0.1-5C x ${variants.length} variants of AM radius and fraction, 20x10, mean ${steps.toFixed(0)} steps each)`,
  );
  console.log(
    `  one thread (in process):                           ${tSerial.toFixed(2)} s, ${(jobs.length / tSerial).toFixed(0)} discharges/s (${((1000 * tSerial) / jobs.length).toFixed(2)} ms each)`,
  );
  const pools: [string, SweepOptions][] = [
    [`${workers} workers only, chunks of 20 (the old pool)`, { workers, mainThread: false, chunk: 20 }],
    [`main thread + ${Math.max(0, workers - 1)} worker(s), guided chunks`, { workers: Math.max(0, workers - 1) }],
  ];
  for (const [label, o] of pools) {
    const stats: SweepStats = { main: 0, workers: [], workerReady_ms: [], poolStarted: false, estimatedSerial_s: 0 };
    const t1 = performance.now();
    const rows = await sweepParallel(jobs, { ...o, kernels: wasm, stats });
    const t = (performance.now() - t1) / 1000;
    const same = serial.every((r, i) => r.capacity_Ah_m2 === rows[i].capacity_Ah_m2);
    console.log(
      `  ${label.padEnd(50)} ${t.toFixed(2)} s, ${(rows.length / t).toFixed(0)} discharges/s (${(tSerial / t).toFixed(2)}x one thread); worker ready after ${stats.workerReady_ms.map((x) => (x === null ? "-" : x.toFixed(0))).join(", ")} ms; jobs main ${stats.main}, workers ${stats.workers.join(", ")}; identical to serial: ${same}`,
    );
  }
  // small sweep: the pool must not cost more than one thread
  const small = jobs.slice(0, 100);
  let t2 = performance.now();
  sweepSerial(wasm, small);
  const ts = performance.now() - t2;
  const st: SweepStats = { main: 0, workers: [], workerReady_ms: [], poolStarted: false, estimatedSerial_s: 0 };
  t2 = performance.now();
  await sweepParallel(small, { workers: Math.max(0, workers - 1), kernels: wasm, stats: st });
  const tp = performance.now() - t2;
  console.log(
    `  100-discharge sweep: one thread ${ts.toFixed(0)} ms, pool ${tp.toFixed(0)} ms (estimated ${(1000 * st.estimatedSerial_s).toFixed(0)} ms of work left after the first chunk: workers ${st.poolStarted ? "started" : "not started"})`,
  );
}
