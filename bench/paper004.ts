/**
 * Paper 004 (Iwamoto et al. 2023) end to end with our own DEM: NCA/LPS cathodes with LPS of median 1, 2
 * and 6 um, packed, pressed to 555 MPa, voxelized at 325 nm, tau_AM, tau_SE and D_SCA (Fig 1 d-f), and the
 * P2D capacity vs C-rate with R = D50 / 2 and with R = D_SCA / 2 (Fig 2 b, c).
 *  1. The study fixtures/paper004/study.yaml (--quick: study_quick.yaml) on one worker, resumable: each
 *     case is the whole pipeline with R = D_SCA / 2.
 *  2. R = D50 / 2 on the same microstructure: the cell stage again from each case's volume with
 *     cell.radiusFrom: d50 (eps, tau and the thickness unchanged). For context, the same pressed packing
 *     voxelized with its voids kept (three phases, voxelize.poreAs: pore): eps, tau and D_SCA of that image.
 *  3. Tables (mean ± SD over the seeds), the figures and their data in bench/results/paper004/
 *     (--quick: bench/results/paper004/quick/): fig1_def_tau_dsca.png/.csv, fig2_bc_capacity.png/.csv,
 *     fig2_1C_capacity_vs_lps.png; and the paper's finding checked on our numbers: with 6 um LPS, R = D50 / 2
 *     over-predicts the 1C capacity and R = D_SCA / 2 captures the drop.
 * The paper gives its measured and simulated values in figures only (no numbers in the text): ours are not
 * compared with digitised points.
 *   npm run bench -- paper004 [--quick] [--out studies/paper004/full]
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { loadStudy } from "../host/study/schema.js";
import { expandCases } from "../host/study/expand.js";
import { runStudy } from "../host/study/run.js";
import { loadCore } from "../host/core/wasm.js";
import { parsePipelineConfig, type PipelineConfig } from "../host/pipeline/config.js";
import { runPipeline } from "../host/pipeline/run.js";
import { rateTag } from "../host/pipeline/summary.js";
import { toCsv } from "../host/io/csv.js";
import { writeFileAtomic } from "../host/io/atomic.js";
import { renderPng } from "../host/plot/render.js";
import { progressBar } from "../host/cli/progress.js";

/** The x axis of the figures against the LPS size: log scale, ticks at the study's three sizes. */
const LPS_AXIS = {
  field: "lps",
  type: "quantitative",
  title: "LPS median diameter D50 [µm]",
  scale: { type: "log", domain: [0.8, 8], nice: false },
  axis: { values: [1, 2, 6] },
};

const arg = (args: string[], name: string, def: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : def);
const um = (m: number) => m * 1e6;
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const sd = (a: number[]) => (a.length > 1 ? Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1)) : 0);
const ms = (a: number[], d = 2) => (a.length ? `${mean(a).toFixed(d)} ± ${sd(a).toFixed(d)}` : "-");

/** One pressed structure: the study's case (R = D_SCA / 2) with the D50 cell and the three-phase image beside it. */
interface Row {
  id: string;
  seed: number;
  lps_m: number;
  wall_s: number;
  s: Record<string, number>;
  /** capacity [mAh/g] per C-rate, R = D_SCA / 2 and R = D50 / 2 */
  capDsca: number[];
  capD50: number[];
  radiusD50_m: number;
  /** the same packing imaged with its voids (pores kept) */
  three: { seEps: number; seTau: number; amTau: number; dSca_m: number };
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes("--quick");
  const studyFile = quick ? "fixtures/paper004/study_quick.yaml" : "fixtures/paper004/study.yaml";
  const dir = resolve(arg(args, "out", quick ? "studies/paper004/quick" : "studies/paper004/full"));
  const OUT = quick ? "bench/results/paper004/quick" : "bench/results/paper004";
  mkdirSync(OUT, { recursive: true });
  const rel = (p: string) => relative(process.cwd(), p);

  // 1. the study (finished cases are kept: a rerun only runs what is missing)
  const study = await loadStudy(studyFile);
  const specs = expandCases(study);
  const bar = progressBar();
  const t0 = performance.now();
  const sum = await runStudy(study, dir, {
    workers: 1,
    onProgress: (p) => bar.update("cases", p.done + p.failed, p.total, `${p.failed} failed`),
  });
  bar.done();
  const studyWall = (performance.now() - t0) / 1000;

  // 2. per case: R = D50 / 2 from the case's volume, and its packing imaged with the voids kept
  const core = await loadCore();
  const rows: Row[] = [];
  const failed: string[] = [];
  let rates: number[] = [];
  for (const spec of specs) {
    const cd = join(dir, "cases", spec.id);
    const rec = JSON.parse(readFileSync(join(cd, "case.json"), "utf8")) as {
      status: string;
      error: string | null;
      wall_s: number;
      scalars: Record<string, number>;
    };
    const written = spec.config as Record<string, unknown>;
    const cfg = parsePipelineConfig(written, spec.source);
    const lps = cfg.pack?.kind === "3d" && cfg.pack.se.size.dist === "lognormal" ? cfg.pack.se.size.median_m : Number.NaN;
    if (rec.status !== "done") {
      failed.push(`LPS ${um(lps)} um, seed ${spec.seed} (case ${spec.id}): ${rec.error}`);
      continue;
    }
    rates = cfg.cell!.rates;
    const d50Cfg: PipelineConfig = parsePipelineConfig(
      { ...written, from: { stage: "transport", file: "voxels/volume.json" }, cell: { ...(written.cell as object), radiusFrom: "d50" } },
      spec.source,
    );
    const d50 = runPipeline(core, d50Cfg, { baseDir: cd });
    const threeCfg = parsePipelineConfig(
      {
        ...written,
        from: { stage: "voxelize", file: "compact/particles.csv" },
        voxelize: { ...(written.voxelize as object), poreAs: "pore" },
        cell: undefined,
      },
      spec.source,
    );
    const three = runPipeline(core, threeCfg, { baseDir: cd });
    const s = rec.scalars;
    rows.push({
      id: spec.id,
      seed: spec.seed,
      lps_m: lps,
      wall_s: rec.wall_s,
      s,
      capDsca: rates.map((c) => s[`cell_capacity_mAh_g_at_${rateTag(c)}`]),
      capD50: d50.cell!.rows.map((r) => r.capacity_mAh_g),
      radiusD50_m: d50.cell!.derived.radius_m,
      three: {
        seEps: three.transport.se!.eps,
        seTau: three.transport.se!.tauFactor,
        amTau: three.transport.am!.tauFactor,
        dSca_m: three.voxels.surface.dSca_m,
      },
    });
  }

  const sizes = [...new Set(rows.map((r) => r.lps_m))].sort((a, b) => a - b);
  const by = (l: number) => rows.filter((r) => r.lps_m === l);
  const col = (l: number, f: (r: Row) => number) => by(l).map(f);
  const walls = rows.map((r) => r.wall_s);
  console.log("paper004: Iwamoto et al. 2023 (NCA/LPS, tau and D_SCA from 3D images, P2D with R from D50 or D_SCA) with our DEM");
  console.log(`study: ${studyFile} -> ${rel(dir)}`);
  console.log(
    `  ${sum.total} cases (${sum.total / study.repeat} LPS sizes x ${study.repeat} seed${study.repeat > 1 ? "s" : ""}): ${sum.done} done, ${sum.failed} failed; ${sum.ran} run now in ${(studyWall / 60).toFixed(1)} min on 1 worker; per case ${walls.length ? `${Math.min(...walls).toFixed(0)}-${Math.max(...walls).toFixed(0)} s, all ${(walls.reduce((a, b) => a + b, 0) / 60).toFixed(1)} min of one core` : "-"}`,
  );
  for (const f of failed) console.log(`  failed: ${f}`);
  if (!rows.length) return;
  const c0 = rows[0].s;
  console.log(
    `  pressed 555 MPa -> released to 30 MPa; voxels ${um(c0.voxels_size_m).toFixed(3)} um; cell NCA_LPS_2023, 1C = ${c0.cell_oneC_A_m2} A/m2 (${(c0.cell_oneC_A_m2 / c0.cell_amLoading_kg_m2).toFixed(0)} mAh/g), rates ${rates.join(", ")} C`,
  );

  // 3a. Fig 1 d-f numbers
  console.log("\nFig 1 d-f: structure per LPS size (mean ± SD over seeds; two-phase image: voids are SE, as the paper's CT segmentation)");
  console.log(
    "  LPS D50  n  particles  phi loaded  phi 30 MPa  eps_AM        eps_SE        tau_AM        tau_SE        D_SCA [um]     L_c [um]",
  );
  for (const l of sizes) {
    const c = (k: string) => col(l, (r) => r.s[k]);
    console.log(
      `  ${um(l).toFixed(0).padStart(3)} um  ${by(l).length}  ${mean(c("pack_particles")).toFixed(0).padStart(9)}  ${ms(c("compact_solidFraction_loaded"), 3).padStart(11)}  ${ms(c("compact_solidFraction_final"), 3).padStart(11)}  ${ms(c("am_eps"), 3).padStart(12)}  ${ms(c("se_eps"), 3).padStart(12)}  ${ms(c("am_tauFactor")).padStart(12)}  ${ms(c("se_tauFactor")).padStart(12)}  ${ms(c("dSca_m").map(um)).padStart(13)}  ${ms(c("cell_thickness_m").map(um), 1).padStart(11)}`,
    );
  }
  console.log("  the same packings imaged with their voids (three phases: what the SE spheres themselves give)");
  console.log("  LPS D50  eps_SE        tau_SE                 tau_AM          D_SCA [um]");
  for (const l of sizes) {
    const t = by(l).map((r) => r.three);
    const perc = t.filter((x) => Number.isFinite(x.seTau));
    console.log(
      `  ${um(l).toFixed(0).padStart(3)} um  ${ms(
        t.map((x) => x.seEps),
        3,
      ).padStart(
        12,
      )}  ${`${ms(perc.map((x) => x.seTau))}${perc.length < t.length ? ` (${t.length - perc.length} of ${t.length} not percolating)` : ""}`.padEnd(22)} ${ms(
        t.map((x) => x.amTau),
      ).padStart(13)}  ${ms(
        t.map((x) => um(x.dSca_m)),
        1,
      ).padStart(13)}`,
    );
  }

  // 3b. Fig 2 b, c numbers
  console.log("\nFig 2 b, c: P2D discharge capacity [mAh/g of NCA] vs C-rate, mean ± SD over seeds");
  console.log(`  LPS D50  R from   R [um]        ${rates.map((c) => `${c}C`.padStart(13)).join("")}`);
  for (const l of sizes)
    for (const [name, caps, R] of [
      ["D50/2", (r: Row) => r.capD50, (r: Row) => r.radiusD50_m],
      ["D_SCA/2", (r: Row) => r.capDsca, (r: Row) => r.s.cell_radius_m],
    ] as const)
      console.log(
        `  ${um(l).toFixed(0).padStart(3)} um  ${name.padEnd(8)} ${ms(col(l, R).map(um)).padStart(12)}  ${rates
          .map((_, k) =>
            ms(
              col(l, (r) => caps(r)[k]),
              1,
            ).padStart(13),
          )
          .join("")}`,
      );

  // 3c. the paper's finding on our numbers
  const k1 = rates.indexOf(1);
  const cap1 = (l: number, f: (r: Row) => number[]) => col(l, (r) => f(r)[k1]);
  const lo = sizes[0],
    hi = sizes.at(-1)!;
  const dFig1 = mean(col(hi, (r) => r.s.dSca_m)) - mean(col(lo, (r) => r.s.dSca_m));
  const seOf = (a: number[], b: number[]) => Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);
  const seFig1 = seOf(
    col(hi, (r) => r.s.dSca_m),
    col(lo, (r) => r.s.dSca_m),
  );
  console.log("\nfindings of paper 004 on our numbers:");
  console.log(
    `  Fig 1 d, e: tau_AM ${sizes.map((l) => mean(col(l, (r) => r.s.am_tauFactor)).toFixed(2)).join(" / ")}, tau_SE ${sizes.map((l) => mean(col(l, (r) => r.s.se_tauFactor)).toFixed(2)).join(" / ")} for LPS ${sizes.map((l) => um(l).toFixed(0)).join(" / ")} um (paper: independent of the LPS size)`,
  );
  console.log(
    `  Fig 1 f: D_SCA ${sizes.map((l) => ms(col(l, (r) => um(r.s.dSca_m)))).join(" / ")} um: it changes by ${um(dFig1).toFixed(2)} ± ${um(seFig1).toFixed(2)} um (standard error) from LPS ${um(lo).toFixed(0)} to ${um(hi).toFixed(0)} um, so it ${dFig1 > 2 * seFig1 ? "grows" : "does not grow"} with the LPS size (paper: grows; smaller SE keeps the AM apart)`,
  );
  if (k1 >= 0) {
    console.log("  1C capacity [mAh/g], R = D50/2 vs R = D_SCA/2:");
    for (const l of sizes)
      console.log(
        `    LPS ${um(l).toFixed(0)} um: ${ms(
          cap1(l, (r) => r.capD50),
          1,
        )} vs ${ms(
          cap1(l, (r) => r.capDsca),
          1,
        )}; D50 over-predicts by ${(mean(cap1(l, (r) => r.capD50)) - mean(cap1(l, (r) => r.capDsca))).toFixed(1)}`,
      );
    const dropD50 = mean(cap1(lo, (r) => r.capD50)) - mean(cap1(hi, (r) => r.capD50));
    const dropDsca = mean(cap1(lo, (r) => r.capDsca)) - mean(cap1(hi, (r) => r.capDsca));
    // scatter of the D_SCA drop: the standard error of the difference of the two means
    const se = seOf(
      cap1(lo, (r) => r.capDsca),
      cap1(hi, (r) => r.capDsca),
    );
    const over = mean(cap1(hi, (r) => r.capD50)) - mean(cap1(hi, (r) => r.capDsca));
    console.log(
      `    drop of the 1C capacity from LPS ${um(lo).toFixed(0)} to ${um(hi).toFixed(0)} um: ${dropD50.toFixed(1)} mAh/g with R = D50/2, ${dropDsca.toFixed(1)} ± ${se.toFixed(1)} (standard error) with R = D_SCA/2`,
    );
    const holds = over > 0 && dropDsca > dropD50 && dropDsca > 2 * se;
    console.log(
      `  paper's finding (with ${um(hi).toFixed(0)} um LPS, D50 over-predicts the 1C capacity and D_SCA captures the drop): ${holds ? "HOLDS" : "does NOT hold"} on our DEM: D50 over-predicts ${um(hi).toFixed(0)} um by ${over.toFixed(1)} mAh/g; the D_SCA drop ${dropDsca.toFixed(1)} mAh/g ${dropDsca > 2 * se ? "exceeds" : "does not exceed"} twice its standard error, the D50 drop is ${dropD50.toFixed(1)}`,
    );
  }

  // 4. figures and their data
  const lpsLabel = (l: number) => `${um(l).toFixed(0)} µm`;
  const f1 = rows.map((r) => ({
    case_id: r.id,
    seed: r.seed,
    lps_d50_m: r.lps_m,
    particles: r.s.pack_particles,
    solidFraction_loaded: r.s.compact_solidFraction_loaded,
    solidFraction_final: r.s.compact_solidFraction_final,
    am_eps: r.s.am_eps,
    se_eps: r.s.se_eps,
    am_tauFactor: r.s.am_tauFactor,
    se_tauFactor: r.s.se_tauFactor,
    dSca_m: r.s.dSca_m,
    cathode_thickness_m: r.s.cell_thickness_m,
    poresKept_se_eps: r.three.seEps,
    poresKept_se_tauFactor: r.three.seTau,
    poresKept_am_tauFactor: r.three.amTau,
    poresKept_dSca_m: r.three.dSca_m,
  }));
  const csv = (rs: Record<string, string | number>[]) =>
    toCsv({
      columns: Object.keys(rs[0]),
      rows: rs.map((o) => Object.values(o).map((v) => (typeof v === "number" && !Number.isFinite(v) ? "" : v))),
    });
  writeFileAtomic(join(OUT, "fig1_def_tau_dsca.csv"), csv(f1));
  // the paper's image (voids as SE) and, in (e) and (f), the same packings with their voids kept
  const TWO = "two-phase: voids as SE (the paper's CT)",
    THREE = "three-phase: voids kept";
  const pts = rows.flatMap((r) => [
    { lps: um(r.lps_m), image: TWO, tauAM: r.s.am_tauFactor, tauSE: r.s.se_tauFactor, dsca: um(r.s.dSca_m) },
    {
      lps: um(r.lps_m),
      image: THREE,
      tauAM: r.three.amTau,
      tauSE: Number.isFinite(r.three.seTau) ? r.three.seTau : null,
      dsca: um(r.three.dSca_m),
    },
  ]);
  const x = LPS_AXIS;
  const imageColor = {
    field: "image",
    type: "nominal",
    title: "voxel image",
    sort: [TWO, THREE],
    scale: { range: ["#e45756", "#4c78a8"] },
    legend: { orient: "bottom", labelLimit: 400 },
  };
  const panel = (field: string, title: string, ytitle: string, o: { images: string[]; log?: boolean; extra?: unknown[] }) => {
    const values = pts.filter((p) => o.images.includes(p.image) && p[field as keyof typeof p] !== null);
    const y = { field, type: "quantitative", title: ytitle, scale: o.log ? { type: "log" } : { zero: true } };
    return {
      width: 240,
      height: 240,
      title,
      layer: [
        { data: { values }, mark: { type: "point", filled: true, size: 40, opacity: 0.45 }, encoding: { x, y, color: imageColor } },
        {
          data: { values },
          mark: { type: "line", point: { size: 60 } },
          encoding: { x, y: { ...y, aggregate: "mean" }, color: imageColor },
        },
        { data: { values }, mark: { type: "errorbar", extent: "stdev", ticks: true }, encoding: { x, y, color: imageColor } },
        ...(o.extra ?? []),
      ],
    };
  };
  const amRule = {
    data: { values: [{ y: 5, label: "AM D50 = 5 µm" }] },
    layer: [
      { mark: { type: "rule", strokeDash: [4, 3], color: "gray" }, encoding: { y: { field: "y", type: "quantitative" } } },
      {
        mark: { type: "text", align: "left", dx: 4, dy: 10, color: "gray" },
        encoding: { y: { field: "y", type: "quantitative" }, x: { datum: 0.85 }, text: { field: "label" } },
      },
    ],
  };
  const nPerc = rows.filter((r) => Number.isFinite(r.three.seTau)).length;
  writeFileAtomic(
    join(OUT, "fig1_def_tau_dsca.png"),
    await renderPng({
      title: {
        text: "Paper 004 Fig 1 d–f with our DEM: NCA/LPS 85:15 wt %, 555 MPa, 325 nm voxels",
        subtitle: `points: ${rows.length} structures (${study.repeat} seed${study.repeat > 1 ? "s" : ""} per LPS size); lines: mean ± SD; three-phase τ_SE of the ${nPerc} structures whose SE spheres percolate`,
      },
      hconcat: [
        panel("tauAM", "(d) tortuosity of the AM network", "τ_AM [–]", { images: [TWO] }),
        panel("tauSE", "(e) tortuosity of the SE network", "τ_SE [–] (log scale)", { images: [TWO, THREE], log: true }),
        panel("dsca", "(f) D_SCA = 6 V_AM / S_AM–SE", "D_SCA [µm] (log scale)", {
          images: [TWO, THREE],
          log: true,
          extra: [amRule],
        }),
      ],
      resolve: { scale: { color: "shared" } },
    } as unknown as TopLevelSpec),
  );

  const f2 = rows.flatMap((r) =>
    rates.flatMap((c, k) => [
      {
        case_id: r.id,
        seed: r.seed,
        lps_d50_m: r.lps_m,
        radius_from: "D50",
        radius_m: r.radiusD50_m,
        c_rate: c,
        capacity_mAh_g: r.capD50[k],
      },
      {
        case_id: r.id,
        seed: r.seed,
        lps_d50_m: r.lps_m,
        radius_from: "D_SCA",
        radius_m: r.s.cell_radius_m,
        c_rate: c,
        capacity_mAh_g: r.capDsca[k],
      },
    ]),
  );
  writeFileAtomic(join(OUT, "fig2_bc_capacity.csv"), csv(f2));
  const capMax = Math.max(...f2.map((x) => x.capacity_mAh_g));
  // the largest gap between the LPS sizes' mean capacities at one rate, either radius
  const spread = Math.max(
    ...(["D50", "D_SCA"] as const).flatMap((from) =>
      rates.map((c) => {
        const m = sizes.map((l) =>
          mean(f2.filter((x) => x.radius_from === from && x.c_rate === c && x.lps_d50_m === l).map((x) => x.capacity_mAh_g)),
        );
        return Math.max(...m) - Math.min(...m);
      }),
    ),
  );
  const capPanel = (from: "D50" | "D_SCA", title: string) => {
    const values = f2
      .filter((x) => x.radius_from === from)
      .map((x) => ({ rate: x.c_rate, cap: x.capacity_mAh_g, lps: lpsLabel(x.lps_d50_m) }));
    const color = { field: "lps", type: "nominal", title: "LPS D50", sort: sizes.map(lpsLabel), scale: { scheme: "category10" } };
    const x = {
      field: "rate",
      type: "quantitative",
      title: "C-rate [1/h]",
      scale: { type: "log", domain: [Math.min(...rates) / 1.3, Math.max(...rates) * 1.3], nice: false },
      axis: { values: rates },
    };
    const y = {
      field: "cap",
      type: "quantitative",
      title: "discharge capacity [mAh/g NCA]",
      scale: { domain: [0, Math.ceil(capMax / 20) * 20] },
    };
    return {
      width: 300,
      height: 260,
      title,
      data: { values },
      layer: [
        { mark: { type: "line", point: { size: 50, filled: true } }, encoding: { x, y: { ...y, aggregate: "mean" }, color } },
        { mark: { type: "errorbar", extent: "stdev", ticks: true }, encoding: { x, y, color } },
      ],
    };
  };
  writeFileAtomic(
    join(OUT, "fig2_bc_capacity.png"),
    await renderPng({
      title: {
        text: "Paper 004 Fig 2 b, c with our DEM: P2D capacity vs C-rate (NCA_LPS_2023, ε and τ of each structure)",
        subtitle: [
          `mean ± SD over ${study.repeat} seed${study.repeat > 1 ? "s" : ""} per LPS size; cut-off ${c0.cell_cutoff_V} V; 1C = ${c0.cell_oneC_A_m2} A/m² = ${(c0.cell_oneC_A_m2 / c0.cell_amLoading_kg_m2).toFixed(0)} mA/g NCA (the paper's: 1.89 mA for 10.5 mg)`,
          `the LPS sizes' mean curves lie within ${spread.toFixed(1)} mAh/g of each other in each panel (they overlap)`,
        ],
      },
      hconcat: [
        capPanel("D50", `(b) R = D50_AM / 2 = ${um(rows[0].radiusD50_m).toFixed(2)} µm`),
        capPanel("D_SCA", "(c) R = D_SCA / 2 of each structure"),
      ],
      resolve: { scale: { color: "shared" } },
    } as unknown as TopLevelSpec),
  );
  if (k1 >= 0) {
    const v = rows.flatMap((r) => [
      { lps: um(r.lps_m), cap: r.capD50[k1], from: "R = D50/2" },
      { lps: um(r.lps_m), cap: r.capDsca[k1], from: "R = D_SCA/2" },
    ]);
    const x = LPS_AXIS;
    const y = { field: "cap", type: "quantitative", title: "1C discharge capacity [mAh/g NCA]", scale: { zero: false } };
    const color = { field: "from", type: "nominal", title: "AM radius in the P2D", scale: { range: ["#4c78a8", "#e45756"] } };
    writeFileAtomic(
      join(OUT, "fig2_1C_capacity_vs_lps.png"),
      await renderPng({
        width: 360,
        height: 260,
        title: {
          text: "1C discharge capacity vs LPS size (paper 004's finding)",
          subtitle: "points: structures; lines: mean ± SD (the axis does not start at zero)",
        },
        data: { values: v },
        layer: [
          { mark: { type: "point", opacity: 0.5, filled: true }, encoding: { x, y, color } },
          { mark: { type: "line", point: true }, encoding: { x, y: { ...y, aggregate: "mean" }, color } },
          { mark: { type: "errorbar", extent: "stdev", ticks: true }, encoding: { x, y, color } },
        ],
      } as unknown as TopLevelSpec),
    );
  }
  const files = [
    "fig1_def_tau_dsca.png",
    "fig1_def_tau_dsca.csv",
    "fig2_bc_capacity.png",
    "fig2_bc_capacity.csv",
    "fig2_1C_capacity_vs_lps.png",
  ];
  console.log(`\nfigures and data: ${files.filter((f) => existsSync(join(OUT, f))).join(", ")} in ${OUT}/`);
}
