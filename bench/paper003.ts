/**
 * The paper-003 workflow on pack2k_init.csv: uniaxial 375 MPa (compaction.in protocol) -> release ->
 * isostatic pressing at 5 MPa (six servo walls) -> AM diameter +6 % / back, N cycles; prints the four
 * qualitative findings of paper 003 with the numbers behind them, and particle-steps/s.
 *   npm run bench -- paper003 [--cycles 5] [--pressure 5e6]
 */
import { readFileSync } from "node:fs";
import { loadCore } from "../host/core/wasm.js";
import { parseCompact, runCompact } from "../host/dem/compact.js";
import { readConfigFile } from "../host/config/load.js";
import type { PackingStats } from "../host/dem/analysis.js";

export async function main(args: string[]): Promise<void> {
  const cycles = args.includes("--cycles") ? Number(args[args.indexOf("--cycles") + 1]) : 5;
  const P = args.includes("--pressure") ? Number(args[args.indexOf("--pressure") + 1]) : 5e6;
  const base = readConfigFile("fixtures/dem/compaction_pack2k.yaml") as { case: unknown; stages: unknown[] };
  const cfg = parseCompact({
    case: base.case,
    stages: [
      ...base.stages,
      { type: "isostatic", pressure_Pa: P, maxSpeed_m_s: 1, holdSteps: 2000 },
      { type: "cycle", cycles, rampSteps: 20000, holdSteps: 2000 },
    ],
  });
  let last = 0;
  const r = runCompact(
    await loadCore(),
    cfg,
    (p) => readFileSync(`fixtures/dem/${p}`, "utf8"),
    (ph, step, p) => {
      if (performance.now() - last > 1000) {
        last = performance.now();
        process.stderr.write(`\r  ${ph.padEnd(10)} step ${step}  ${(p / 1e6).toFixed(3)}   `);
      }
    },
  );
  process.stderr.write("\n");
  const [uni, , iso, cyc] = [r.stages[0], null, r.stages[1], r.stages[2]];
  if (uni.type !== "uniaxial" || iso.type !== "isostatic" || cyc.type !== "cycle") throw new Error("unexpected stages");
  const pr = (s: PackingStats, ph: string) =>
    -(s.phases[ph].volWeightedStress_Pa[0] + s.phases[ph].volWeightedStress_Pa[1] + s.phases[ph].volWeightedStress_Pa[2]) / 3 / 1e6;
  const zz = (s: PackingStats, ph: string) => -s.phases[ph].volWeightedStress_Pa[2] / 1e6;
  console.log(
    `pack2k, paper-003 workflow: uniaxial 375 MPa -> release -> isostatic ${(P / 1e6).toFixed(0)} MPa -> ${cycles} AM cycles (+6 % diameter)`,
  );
  console.log(`  state            phi     Z     AM p [MPa]  SE p [MPa]  AM/SE   AM szz  SE szz`);
  const row = (name: string, s: PackingStats) =>
    console.log(
      `  ${name.padEnd(14)} ${s.solidFraction.toFixed(4)} ${s.meanCoordination.toFixed(2).padStart(5)} ${pr(s, "AM").toFixed(2).padStart(10)} ${pr(s, "SE").toFixed(2).padStart(11)} ${(pr(s, "AM") / pr(s, "SE")).toFixed(2).padStart(6)} ${zz(s, "AM").toFixed(2).padStart(8)} ${zz(s, "SE").toFixed(2).padStart(7)}`,
    );
  row("uniaxial load", uni.loaded);
  row("released", uni.released);
  row("isostatic", iso.settled);
  for (const c of cyc.states) row(c.name, c);
  const rep = uni.reports.loaded;
  const am = rep.stressVsRadius.groups.AM;
  console.log(
    `  AM sigma_zz vs radius (uniaxial load): ${am.mean
      .map((m, k) =>
        am.count[k]
          ? `${((rep.stressVsRadius.edges[k] + rep.stressVsRadius.edges[k + 1]) * 5e5).toFixed(1)} um: ${(m / 1e6).toFixed(0)}`
          : "",
      )
      .filter(Boolean)
      .join(", ")} MPa`,
  );
  const D = cyc.states.filter((s) => s.name.startsWith("D")),
    C = cyc.states.filter((s) => s.name.startsWith("C"));
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  console.log("  findings of paper 003:");
  console.log(
    `   1. AM carries about twice the SE stress (uniaxial): AM/SE mean pressure ${(pr(uni.loaded, "AM") / pr(uni.loaded, "SE")).toFixed(2)}, sigma_zz ${(zz(uni.loaded, "AM") / zz(uni.loaded, "SE")).toFixed(2)}`,
  );
  const rb = am.mean
    .map((m, k) => ({ r: (rep.stressVsRadius.edges[k] + rep.stressVsRadius.edges[k + 1]) / 2, m, n: am.count[k] }))
    .filter((b) => b.n > 20);
  console.log(
    `   2. smaller AM particles carry higher stress: sigma_zz ${(rb[1].m / 1e6).toFixed(0)} MPa at r = ${(rb[1].r * 1e6).toFixed(1)} um vs ${(rb[rb.length - 1].m / 1e6).toFixed(0)} MPa at r = ${(rb[rb.length - 1].r * 1e6).toFixed(1)} um`,
  );
  console.log(
    `   3. isostatic stresses about two orders below uniaxial: AM pressure ${pr(iso.settled, "AM").toFixed(2)} vs ${pr(uni.loaded, "AM").toFixed(0)} MPa (ratio ${(pr(uni.loaded, "AM") / pr(iso.settled, "AM")).toFixed(0)}), SE ${pr(iso.settled, "SE").toFixed(2)} vs ${pr(uni.loaded, "SE").toFixed(0)} MPa`,
  );
  console.log(
    `   4. stress shifts to SE on contraction: AM/SE pressure ratio ${mean(D.map((s) => pr(s, "AM") / pr(s, "SE"))).toFixed(2)} at D_i vs ${mean(C.map((s) => pr(s, "AM") / pr(s, "SE"))).toFixed(2)} at C_i (means over ${cycles} cycles)`,
  );
  console.log(
    `  ${(r.particleSteps_per_s / 1e6).toFixed(2)}e6 particle-steps/s over ${r.stages.reduce((a, s) => a + s.steps, 0)} steps in ${r.wallClock_s.toFixed(1)} s`,
  );
}
