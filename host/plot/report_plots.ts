/**
 * PNG plots of a DEM state report: stress histograms per phase, the profiled stress vs height and vs
 * radius, and its xy heat map. 3D profiles sigma_zz against z; 2D the in-plane mean stress -(s_xx + s_yy)/2
 * against y (s_zz is identically zero for discs in the xy plane, so no sigma_zz plot is drawn in 2D).
 */
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../io/atomic.js";
import { binnedStress, curve, heatMap, stressHistogram, type BinnedSeries, type MeanSd } from "./charts.js";
import { renderPng } from "./render.js";

/**
 * What the stress plots of a state draw, as plain series (a DEM state report has all of it): per
 * particle `material` (its phase) and the stresses szz_Pa, pressure_Pa, vonMises_Pa; per phase their
 * means and SDs; the profiled stress binned by height and by radius; the xy heat map and its extent.
 */
export interface StressPlotData {
  particles: Record<string, number[] | string[]>;
  phases: Record<string, { sigmaZz_Pa: MeanSd; pressure_Pa: MeanSd; vonMises_Pa: MeanSd }>;
  stressVsHeight: BinnedSeries;
  stressVsRadius: BinnedSeries;
  /** rows = y, over heatMapExtent_m (or the box) */
  stressHeatMapXY: number[][];
  heatMapExtent_m?: { lo: [number, number]; hi: [number, number] };
}

type StressColumn = "szz_Pa" | "pressure_Pa" | "vonMises_Pa";
const STAT_OF = { szz_Pa: "sigmaZz_Pa", pressure_Pa: "pressure_Pa", vonMises_Pa: "vonMises_Pa" } as const;

/** Histogram of one per-particle stress column per phase; the x axis titled as the column in MPa. */
function histogram(rep: StressPlotData, column: StressColumn, title: string): TopLevelSpec {
  const stats = Object.fromEntries(Object.entries(rep.phases).map(([ph, s]) => [ph, s[STAT_OF[column]]]));
  const values = { values: rep.particles[column] as number[], phase: rep.particles.material as string[], stats };
  return stressHistogram(values, `${column.replace("_Pa", "")} [MPa]`, title);
}

/** Replaces axis/legend titles of a chart spec (the chart builders title sigma_zz by default). */
function retitle(spec: TopLevelSpec, titles: { x?: string; y?: string; color?: string }): TopLevelSpec {
  const enc = (spec as { encoding?: Record<string, { title?: string }> }).encoding;
  if (enc) for (const [ch, t] of Object.entries(titles)) if (t !== undefined && enc[ch]) enc[ch] = { ...enc[ch], title: t };
  return spec;
}

/** File names and chart specs of a state's plots (no rendering; see writeReportPlots). `box`: the xy extent used when the report has none. */
export function reportPlotSpecs(
  tag: string,
  rep: StressPlotData,
  box: { lx_m: number; ly_m: number },
  dimension: 2 | 3,
): [string, TopLevelSpec][] {
  // the heat map is drawn over the region it was computed on (the box narrowed to its walls)
  const e = rep.heatMapExtent_m;
  const L: [number, number] = e ? [e.hi[0] - e.lo[0], e.hi[1] - e.lo[1]] : [box.lx_m, box.ly_m];
  if (dimension === 3) {
    return [
      [`${tag}_stress_histogram.png`, histogram(rep, "szz_Pa", `${tag}: sigma_zz per particle`)],
      [`${tag}_stress_vs_height.png`, binnedStress(rep.stressVsHeight, "height z [um]", `${tag}: sigma_zz vs height`)],
      [`${tag}_stress_vs_radius.png`, binnedStress(rep.stressVsRadius, "particle radius [um]", `${tag}: sigma_zz vs radius`)],
      [`${tag}_szz_heatmap_xy.png`, heatMap(rep.stressHeatMapXY, L, `${tag}: sigma_zz over the xy cross-section`)],
    ];
  }
  const pm = "in-plane mean stress -(sxx+syy)/2";
  return [
    [`${tag}_pressure_histogram.png`, retitle(histogram(rep, "pressure_Pa", `${tag}: ${pm} per particle`), { x: `${pm} [MPa]` })],
    [
      `${tag}_vonmises_histogram.png`,
      retitle(histogram(rep, "vonMises_Pa", `${tag}: in-plane (plane-stress) von Mises stress per particle`), {
        x: "von Mises stress [MPa]",
      }),
    ],
    [
      `${tag}_stress_vs_height.png`,
      retitle(binnedStress(rep.stressVsHeight, "height y [um]", `${tag}: ${pm} vs height`), { y: `mean ${pm} [MPa]` }),
    ],
    [
      `${tag}_stress_vs_radius.png`,
      retitle(binnedStress(rep.stressVsRadius, "particle radius [um]", `${tag}: ${pm} vs radius`), { y: `mean ${pm} [MPa]` }),
    ],
    [
      `${tag}_pressure_heatmap_xy.png`,
      retitle(heatMap(rep.stressHeatMapXY, L, `${tag}: ${pm} over the xy plane`), { color: `${pm} [MPa]` }),
    ],
  ];
}

export async function writeReportPlots(
  dir: string,
  tag: string,
  rep: StressPlotData,
  box: { lx_m: number; ly_m: number },
  dimension: 2 | 3,
): Promise<string[]> {
  const files: string[] = [];
  for (const [name, spec] of reportPlotSpecs(tag, rep, box, dimension)) {
    const f = join(dir, name);
    writeFileAtomic(f, await renderPng(spec));
    files.push(f);
  }
  return files;
}

export async function writeCurvePlot(
  file: string,
  points: { x: number; y: number }[],
  xTitle: string,
  yTitle: string,
  title: string,
): Promise<string> {
  writeFileAtomic(file, await renderPng(curve(points, xTitle, yTitle, title)));
  return file;
}
