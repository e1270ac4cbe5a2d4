/** PNG plots of a DEM state report: stress histogram per phase, sigma_zz vs height and vs radius, xy heat map. */
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import type { StateReport } from "../dem/report.js";
import { binnedStress, curve, heatMap, stressHistogram } from "./charts.js";
import { renderPng } from "./render.js";

export async function writeReportPlots(dir: string, tag: string, rep: StateReport, box: { lx_m: number; ly_m: number }, dimension: 2 | 3): Promise<string[]> {
  const out: [string, Parameters<typeof renderPng>[0]][] = dimension === 3
    ? [
      [`${tag}_stress_histogram.png`, stressHistogram(rep, "szz_Pa", `${tag}: sigma_zz per particle`)],
      [`${tag}_stress_vs_height.png`, binnedStress(rep.sigmaZzVsHeight, "height z [um]", `${tag}: sigma_zz vs height`)],
      [`${tag}_stress_vs_radius.png`, binnedStress(rep.sigmaZzVsRadius, "particle radius [um]", `${tag}: sigma_zz vs radius`)],
      [`${tag}_szz_heatmap_xy.png`, heatMap(rep.sigmaZzHeatMapXY, [box.lx_m, box.ly_m], `${tag}: sigma_zz over the xy cross-section`)],
    ]
    : [
      [`${tag}_pressure_histogram.png`, stressHistogram(rep, "pressure_Pa", `${tag}: pressure per particle`)],
      [`${tag}_vonmises_histogram.png`, stressHistogram(rep, "vonMises_Pa", `${tag}: von Mises stress per particle`)],
    ];
  const files: string[] = [];
  for (const [name, spec] of out) { const f = join(dir, name); writeFileAtomic(f, await renderPng(spec)); files.push(f); }
  return files;
}

export async function writeCurvePlot(file: string, points: { x: number; y: number }[], xTitle: string, yTitle: string, title: string): Promise<string> {
  writeFileAtomic(file, await renderPng(curve(points, xTitle, yTitle, title)));
  return file;
}
