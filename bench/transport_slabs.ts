/**
 * One network in slabs along the transport axis (host/transport/slabs.ts), part of `npm run bench -- transport`
 * (alone: `npm run bench -- transport --only-slabs [--n3 512]`):
 *  1. 200^3 and 300^3 SE networks: one instance (compact level 0, the fused CG) against 2 slabs on 2 workers,
 *     alternating, medians: what both cores give on one network;
 *  2. a 512^3 SE network (past one wasm32 instance): slabs on 2 workers, the tau rule, iterations, time and the
 *     memory per slab and in all (estimate and used), and the process's peak resident memory.
 */
import { memoryUsage } from "node:process";
import type { TransportKernels } from "../host/core/wasm.js";
import { transport } from "../host/transport/tortuosity.js";
import { transportSlabs } from "../host/transport/slabs.js";
import { solverBytes } from "../host/transport/solver.js";
import { twoSphereVolume } from "./transport.js";

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;

export async function slabBench(k: TransportKernels, args: string[]): Promise<void> {
  const n3 = args.includes("--n3") ? Number(args[args.indexOf("--n3") + 1]) : 512;
  console.log("\n## One network in slabs (restricted additive Schwarz over slabs, each slab's own multigrid cycle)");
  for (const [n, reps] of [
    [200, 3],
    [300, 2],
  ]) {
    const v = twoSphereVolume(n, 2024);
    const single: number[] = [],
      slabs: number[] = [];
    let its = "",
      err = 0;
    for (let r = 0; r < reps; r++) {
      let t0 = performance.now();
      const a = transport(k, v, { phase: "SE", axis: 0 });
      single.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      const b = await transportSlabs(v, { phase: "SE", axis: 0 }, { slabs: 2, workers: 2 });
      slabs.push((performance.now() - t0) / 1000);
      its = `${a.solve.iterations} vs ${b.solve.iterations} iterations`;
      err = Math.abs(b.solve.current - a.solve.current) / a.solve.current;
    }
    console.log(
      `${n}^3 SE network, tau rule: one instance ${med(single).toFixed(2)} s (${range(single)}), 2 slabs on 2 workers ${med(slabs).toFixed(2)} s (${range(slabs)}) -> ${(med(single) / med(slabs)).toFixed(2)}x; ${its}; currents differ by ${err.toExponential(1)} (both within the tau rule's 1e-6); median of ${reps}, alternating`,
    );
  }
  let t0 = performance.now();
  const v = twoSphereVolume(n3, 2024);
  console.log(
    `${n3}^3 two-sphere volume (seed 2024) generated in ${((performance.now() - t0) / 1000).toFixed(0)} s; one instance would need ${gib(solverBytes([n3, n3, n3], "pcg"))}`,
  );
  t0 = performance.now();
  let last = 0;
  const r = await transportSlabs(
    v,
    { phase: "SE", axis: 0 },
    {
      workers: 2,
      onIteration: (it, e) => {
        if (performance.now() - last > 20000) {
          last = performance.now();
          console.log(`  iteration ${it}, estimated error ${e.toExponential(1)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        }
      },
    },
  );
  const s = r.solve;
  console.log(
    `${n3}^3 SE network in ${s.slabs.count} slabs on ${s.slabs.workers} workers: ${s.status}, tau = ${r.tauFactor.toPrecision(8)} (eps ${r.eps.toFixed(4)}), ${s.iterations} iterations, tau rule estimate ${s.tauErrorEstimate.toExponential(1)}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `  memory per slab: estimate ${gib(s.memory.estimate_bytes)}, used ${gib(s.memory.used_bytes)} (largest); all slabs ${gib(s.slabs.memory.reduce((a, m) => a + m.used_bytes, 0))} used of ${gib(s.slabs.memory.reduce((a, m) => a + m.estimate_bytes, 0))} estimated; this process's resident memory now ${gib(memoryUsage().rss)}`,
  );
}
