/**
 * A grey-value histogram with its segmentation thresholds marked: bars coloured by the phase each bin
 * falls in, a dashed rule and a label at each threshold. Takes plain numbers (bin counts, edges,
 * thresholds, names), so no stage is imported here.
 */
import type { TopLevelSpec } from "vega-lite";

/** Known phase colours (as the stress plots: SE blue, AM grey), others from a palette. */
const PHASE_COLOURS: Record<string, string> = { pore: "#222222", SE: "#3b7dd8", AM: "#8c8c8c", solid: "#8c8c8c" };
const PALETTE = ["#e08a2c", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948"];

export interface ThresholdHistogram {
  /** voxels per bin; bin k spans lo + k * width .. lo + (k + 1) * width */
  counts: ArrayLike<number>;
  lo: number;
  width: number;
  /** ascending grey thresholds; phase c holds thresholds[c - 1] <= v < thresholds[c] */
  thresholds: number[];
  /** phase names, darkest first (one more than the thresholds) */
  phases: string[];
}

/** The histogram as a vega-lite spec, merged down to at most `maxBars` bars. */
export function thresholdHistogramSpec(
  h: ThresholdHistogram,
  title: string,
  subtitle: string,
  xTitle = "grey value",
  maxBars = 256,
): TopLevelSpec {
  const L = h.counts.length;
  const merge = Math.max(1, Math.ceil(L / maxBars));
  const bars: { x0: number; x1: number; count: number; phase: string }[] = [];
  for (let k = 0; k < L; k += merge) {
    let c = 0;
    for (let j = k; j < Math.min(L, k + merge); j++) c += h.counts[j];
    const x0 = h.lo + k * h.width,
      x1 = h.lo + Math.min(L, k + merge) * h.width;
    let p = 0;
    while (p < h.thresholds.length && x0 >= h.thresholds[p]) p++;
    bars.push({ x0, x1, count: c, phase: h.phases[p] });
  }
  const colours = h.phases.map((nm, i) => PHASE_COLOURS[nm] ?? PALETTE[i % PALETTE.length]);
  const rules = h.thresholds.map((t, i) => ({ t, label: `${Number(t.toPrecision(6))} (${h.phases[i]} / ${h.phases[i + 1]})` }));
  const x = { type: "quantitative" as const, title: xTitle, scale: { domain: [h.lo, h.lo + L * h.width], nice: false, zero: false } };
  return {
    width: 520,
    height: 300,
    title: { text: title, subtitle },
    layer: [
      {
        data: { values: bars },
        mark: { type: "bar" },
        encoding: {
          x: { field: "x0", ...x },
          x2: { field: "x1" },
          // ranged in x and y (bins from edge to edge, bars from 0): else vega-lite draws ranged-x bars horizontally
          y: { field: "count", type: "quantitative", title: "voxels" },
          y2: { datum: 0 },
          color: { field: "phase", type: "nominal", title: "phase", scale: { domain: h.phases, range: colours } },
        },
      },
      {
        data: { values: rules },
        mark: { type: "rule", color: "#d62728", strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: { field: "t", ...x } },
      },
      // one text layer per threshold, each at its own height from the top (pixels), so close labels do not overlap
      ...rules.map((r, i) => ({
        data: { values: [r] },
        mark: { type: "text" as const, align: "left" as const, baseline: "top" as const, dx: 4, color: "#d62728", fontSize: 11 },
        encoding: { x: { field: "t", ...x }, y: { value: 4 + 15 * i }, text: { field: "label" } },
      })),
    ],
  };
}
