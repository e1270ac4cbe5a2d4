/**
 * Study benchmarks: how much a case costs when a study runs it, next to the work of the case.
 *  1. A 200-case cell study (10 C-rates x 5 AM fractions x 4 particle radii, Asheri2023, 20 x 10) and
 *  2. a 20-case pipeline study (the example pipeline at 80 particles: 5 pressures x 4 AM mass fractions),
 *  each run (a) through the study on 1 and 2 local workers, (b) on the BullMQ queue (Debian's redis-server on a
 *  free port) with 2 `assb worker` processes, and (c) one by one through the stage's CLI (`assb cell-rates`,
 *  `assb run`, each a new Node process, plots off), all in this run. The per-case overhead of a study is its
 *  wall time on one worker less the cases' own run times (case.json wall_s), per case.
 *   npm run bench -- study
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { expandCases } from "../host/study/expand.js";
import { openResults, runStudy } from "../host/study/run.js";
import { parseStudy } from "../host/study/schema.js";
import { startRedis } from "../test/support/redis.js";

const CLI = join(process.cwd(), "dist/host/cli/main.js");
const RATES = [0.1, 0.2, 0.5, 1, 1.5, 2, 3, 4, 5, 6];
const AM = [0.4, 0.5, 0.6, 0.65, 0.7];
const RADII = [0.5e-6, 1e-6, 2e-6, 3e-6];
const PRESSURES = ["100 MPa", "200 MPa", "300 MPa", "375 MPa", "450 MPa"];
const AM_MASS = [0.5, 0.6, 0.7, 0.8];

function cellStudy() {
  return {
    name: "bench_cell",
    seed: 1,
    base: { kind: "cell", config: { params: "Asheri2023", rate: 1, numerics: { nx: 20, nr: 10 } } },
    axes: [
      { path: "rate", list: RATES },
      { path: 'parameters["Active material volume fraction"]', name: "am_fraction", list: AM },
      { path: 'parameters["Particle radius [m]"]', name: "radius_m", list: RADII },
    ],
  };
}

function pipelineStudy(base: Record<string, unknown>) {
  return {
    name: "bench_pipeline",
    seed: 2,
    base: { kind: "pipeline", config: base },
    axes: [
      { path: "compact.stages[0].targetPressure_Pa", name: "pressure", list: PRESSURES },
      { path: "pack.amMassFraction", list: AM_MASS },
    ],
  };
}

/** The cases' own run time, and from their start times: the start-up before the first case and the gap between
 *  one case's end and the next one's start on one worker (the per-case cost of the study machinery). */
async function caseTimes(dir: string): Promise<{ work_s: number; startup_s: number; gap_ms: number; errors: string[] }> {
  const s = await openResults(dir);
  try {
    const r = await s.query("select started_at, wall_s, status, error from results order by started_at");
    const t = r.rows.map((x) => [Date.parse(String(x[0])) / 1000, Number(x[1])]);
    const work_s = t.reduce((a, x) => a + x[1], 0);
    const span = t.length ? t[t.length - 1][0] + t[t.length - 1][1] - t[0][0] : 0;
    const errors = r.rows.filter((x) => x[2] === "failed").map((x) => String(x[3]));
    return { work_s, startup_s: t.length ? t[0][0] : 0, gap_ms: t.length > 1 ? (1000 * (span - work_s)) / (t.length - 1) : 0, errors };
  } finally {
    s.close();
  }
}

function worker(url: string): Promise<{ kill(): void }> {
  const p = spawn(process.execPath, [CLI, "worker", url], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => {
    let buf = "";
    p.stdout?.on("data", (b: Buffer) => {
      buf += b.toString();
      if (buf.includes('"ready"')) resolve({ kill: () => p.kill("SIGTERM") });
    });
  });
}

export async function main(_args: string[]): Promise<void> {
  spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { stdio: "inherit" }); // dist for the CLI and workers
  const root = mkdtempSync(join(tmpdir(), "assb-bench-study-"));
  const redis = await startRedis();
  const { PIPELINE_EXAMPLE_YAML } = await import("../host/pipeline/example.js");
  const { parse } = await import("yaml");
  const pipeBase = parse(PIPELINE_EXAMPLE_YAML) as Record<string, { [k: string]: unknown }>;
  pipeBase.pack.particles = 80;
  pipeBase.cell.rates = [0.1, 0.5];
  try {
    for (const [label, plain] of [
      ["cell", cellStudy()],
      ["pipeline", pipelineStudy(pipeBase)],
    ] as const) {
      const file = join(root, `${label}.yaml`);
      writeFileSync(file, stringify(plain));
      const study = await parseStudy(plain, file, root);
      console.log(`\n${label} study: ${expandCases(study).length} cases`);
      const wall: Record<string, number> = {};
      for (const workers of [1, 2]) {
        const dir = join(root, `${label}-w${workers}`);
        const t0 = Date.now() / 1000;
        const s = await runStudy(study, dir, { workers });
        wall[`w${workers}`] = Date.now() / 1000 - t0;
        const c = await caseTimes(dir);
        console.log(
          `  study, ${workers} local worker(s): ${wall[`w${workers}`].toFixed(2)} s, ${(s.total / wall[`w${workers}`]).toFixed(2)} cases/s (${s.done} done, ${s.failed} failed); cases' own run time ${c.work_s.toFixed(2)} s`,
        );
        if (workers === 1)
          console.log(
            `    overhead: ${(c.startup_s - t0).toFixed(2)} s before the first case (plan, store, pool start), then ${c.gap_ms.toFixed(1)} ms between cases (${((100 * c.gap_ms) / ((1000 * c.work_s) / s.total)).toFixed(1)} % of a case's ${((1000 * c.work_s) / s.total).toFixed(1)} ms), ${((wall.w1 - (c.startup_s - t0) - c.work_s - (c.gap_ms * (s.total - 1)) / 1000) * 1000).toFixed(0)} ms after the last`,
          );
        for (const e of new Set(c.errors)) if (workers === 1) console.log(`    failed: ${e}`);
      }
      const w = [await worker(redis.url), await worker(redis.url)];
      const dq = join(root, `${label}-queue`);
      const tq = performance.now();
      const { queueExecutor } = await import("../host/study/queue/executor.js");
      const sq = await runStudy(study, dq, { executor: (casesDir) => queueExecutor(redis.url, casesDir) });
      const wq = (performance.now() - tq) / 1000;
      for (const x of w) x.kill();
      console.log(
        `  study on the queue, 2 workers: ${wq.toFixed(2)} s, ${(sq.total / wq).toFixed(2)} cases/s (${sq.done} done, ${sq.failed} failed)`,
      );
      // one by one through the stage's CLI, a new process per case
      const cases = expandCases(study);
      const tc = performance.now();
      let failed = 0;
      for (const c of cases) {
        const out = join(root, `${label}-cli`, c.id);
        let r: ReturnType<typeof spawnSync>;
        if (label === "cell") {
          const p = c.params as Record<string, number>;
          r = spawnSync(process.execPath, [
            CLI,
            "cell-rates",
            "Asheri2023",
            "--rates",
            String(p.rate),
            "--set",
            `Active material volume fraction=${p['parameters["Active material volume fraction"]']}`,
            "--set",
            `Particle radius [m]=${p['parameters["Particle radius [m]"]']}`,
            "-o",
            out,
          ]);
        } else {
          const cfgFile = join(root, `${c.id}.yaml`);
          writeFileSync(cfgFile, stringify(c.config));
          r = spawnSync(process.execPath, [CLI, "run", cfgFile, "--no-report", "-o", out]);
        }
        if (r.status !== 0) failed++;
      }
      const wc = (performance.now() - tc) / 1000;
      console.log(
        `  one by one through the CLI (${label === "cell" ? "assb cell-rates, with its plots and Parquet" : "assb run --no-report"}): ${wc.toFixed(2)} s, ${(cases.length / wc).toFixed(2)} cases/s (${failed} failed); the study on 1 worker is ${(wc / wall.w1).toFixed(1)}x faster, on 2 workers ${(wc / wall.w2).toFixed(1)}x`,
      );
    }
  } finally {
    await redis.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
