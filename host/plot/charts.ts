/**
 * vega-lite chart specs from plain series: histograms per phase, binned means per phase, xy heat maps,
 * curves. Plotting takes numbers and names, never a stage's result type, so no stage is imported here.
 */
import type { TopLevelSpec } from "vega-lite";

/** Mean and SD of a quantity. */
export interface MeanSd {
  mean: number;
  sd: number;
}

/** One value per particle [Pa], the phase of each particle, and each phase's mean and SD [Pa]. */
export interface PhaseValues {
  values: number[];
  phase: string[];
  stats: Record<string, MeanSd>;
}

/** Means per group in bins: bin k spans edges[k]..edges[k + 1] and holds groups[g].mean[k] (NaN: empty). */
export interface BinnedSeries {
  edges: number[];
  groups: Record<string, { mean: number[] }>;
}

const W = 420,
  H = 280;
const MPa = (v: number) => v / 1e6;

/** Histogram of a per-particle stress (MPa) per phase, with the phase mean/SD in the title (paper 000 Fig. 4). */
export function stressHistogram(s: PhaseValues, xTitle: string, title: string): TopLevelSpec {
  const v = s.values,
    m = s.phase;
  // axis over the 0.5-99.5 % range: a few extreme particles would squeeze the distribution into one bar
  const sorted = v
    .filter(Number.isFinite)
    .map(MPa)
    .sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(f * (sorted.length - 1))))];
  const lo = q(0.005),
    hi = q(0.995);
  const values = v.map((x, k) => ({ stress: MPa(x), phase: m[k] })).filter((d) => d.stress >= lo && d.stress <= hi);
  const outside = v.length - values.length;
  const stats =
    Object.entries(s.stats)
      .map(([ph, ms]) => `${ph} ${MPa(ms.mean).toFixed(0)} ± ${MPa(ms.sd).toFixed(0)} MPa`)
      .join(", ") + (outside ? `; ${outside} particles outside the axis` : "");
  return {
    width: W,
    height: H,
    title: { text: title, subtitle: stats },
    data: { values },
    mark: { type: "bar", opacity: 0.6 },
    encoding: {
      x: { field: "stress", bin: { maxbins: 40, extent: [lo, hi] }, type: "quantitative", title: xTitle },
      y: { aggregate: "count", type: "quantitative", title: "particles", stack: null },
      color: { field: "phase", type: "nominal", scale: { domain: ["AM", "SE"], range: ["#666666", "#3b7dd8"] } },
    },
  };
}

/** Binned mean of sigma_zz per phase against height or radius (paper 003 Fig. 4-5). */
export function binnedStress(b: BinnedSeries, xTitle: string, title: string, scaleX = 1e6): TopLevelSpec {
  const values: { x: number; stress: number; phase: string }[] = [];
  for (const [ph, g] of Object.entries(b.groups))
    g.mean.forEach((m, k) => {
      if (Number.isFinite(m)) values.push({ x: ((b.edges[k] + b.edges[k + 1]) / 2) * scaleX, stress: MPa(m), phase: ph });
    });
  return {
    width: W,
    height: H,
    title,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: xTitle },
      y: { field: "stress", type: "quantitative", title: "mean sigma_zz [MPa]" },
      color: { field: "phase", type: "nominal", scale: { domain: ["AM", "SE"], range: ["#666666", "#3b7dd8"] } },
    },
  };
}

/** xy heat map of the volume-weighted sigma_zz (paper 003 Fig. 5b). */
export function heatMap(grid: number[][], L: [number, number], title: string): TopLevelSpec {
  const ny = grid.length,
    nx = grid[0]?.length ?? 0;
  const dx = (L[0] * 1e6) / nx,
    dy = (L[1] * 1e6) / ny;
  const values: { x: number; x2: number; y: number; y2: number; stress: number }[] = [];
  grid.forEach((row, j) =>
    row.forEach((v, i) => {
      if (Number.isFinite(v)) values.push({ x: i * dx, x2: (i + 1) * dx, y: j * dy, y2: (j + 1) * dy, stress: MPa(v) });
    }),
  );
  return {
    width: 320,
    height: 320,
    title: { text: title, subtitle: "volume-weighted mean per cell; empty cells white" },
    data: { values },
    mark: { type: "rect" },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x [um]", scale: { domain: [0, L[0] * 1e6], nice: false } },
      x2: { field: "x2" },
      y: { field: "y", type: "quantitative", title: "y [um]", scale: { domain: [0, L[1] * 1e6], nice: false } },
      y2: { field: "y2" },
      color: { field: "stress", type: "quantitative", title: "sigma_zz [MPa]", scale: { scheme: "inferno", reverse: true } },
    },
  };
}

/** A line plot of y against x (e.g. wall pressure vs wall position: the compaction curve). */
export function curve(points: { x: number; y: number }[], xTitle: string, yTitle: string, title: string): TopLevelSpec {
  return {
    width: W,
    height: H,
    title,
    data: { values: points },
    mark: { type: "line" },
    encoding: {
      x: { field: "x", type: "quantitative", title: xTitle, scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: yTitle },
    },
  };
}
