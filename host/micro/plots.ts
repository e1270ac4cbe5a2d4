/**
 * Plots of a micro-scale run (vega-lite specs; rendered by host/plot/render.ts): the three averages over
 * time (c_surf, c_bulk normalised, <d>), and the final concentration and interface damage on the geometry.
 */
import type { TopLevelSpec } from "vega-lite";
import type { MicroResult } from "./types.js";

/** c_surf / c_max, c_bulk / c_max and <d> against time, one line each. */
export function averagesSpec(r: MicroResult, title: string): TopLevelSpec {
  const s = r.series;
  const values: { t: number; value: number; quantity: string }[] = [];
  s.t_s.forEach((t, k) => {
    values.push({ t, value: s.c_surf_norm[k], quantity: "surface c / c_max" });
    values.push({ t, value: s.c_bulk_norm[k], quantity: "bulk c / c_max" });
    values.push({ t, value: s.damage_avg[k], quantity: "interface damage <d>" });
  });
  return {
    width: 420,
    height: 260,
    title: {
      text: title,
      subtitle: `J_s = ${r.config.flux_mol_m2_s} mol/(m2 s); stop: ${r.stop.reason} at t = ${r.stop.t_s.toPrecision(4)} s`,
    },
    data: { values },
    mark: { type: "line" },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time [s]" },
      y: { field: "value", type: "quantitative", title: "normalised concentration, damage [-]", scale: { domain: [0, 1] } },
      color: { field: "quantity", type: "nominal", title: null, legend: { orient: "bottom", labelLimit: 240 } },
      order: { field: "t", type: "quantitative" },
    },
  };
}

/**
 * The element-mean of c / c_max on an n x n raster of the box (NaN outside the AM), each pixel centre
 * tested against the two triangles of every quad.
 */
export function rasterize(r: MicroResult, n = 120): { grid: number[][]; lo: [number, number]; hi: [number, number] } {
  const { x_m: x, y_m: y, quads, c_mol_m3: c, phase } = r.final;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < x.length; i++) {
    x0 = Math.min(x0, x[i]);
    x1 = Math.max(x1, x[i]);
    y0 = Math.min(y0, y[i]);
    y1 = Math.max(y1, y[i]);
  }
  const grid = Array.from({ length: n }, () => new Array<number>(n).fill(Number.NaN));
  const dx = (x1 - x0) / n,
    dy = (y1 - y0) / n,
    cmax = r.config.am.maxConcentration_mol_m3;
  const inside = (px: number, py: number, a: number, b: number, d: number) => {
    // barycentric test of (px, py) in the triangle of nodes a, b, d (either orientation)
    const s1 = (x[b] - x[a]) * (py - y[a]) - (y[b] - y[a]) * (px - x[a]);
    const s2 = (x[d] - x[b]) * (py - y[b]) - (y[d] - y[b]) * (px - x[b]);
    const s3 = (x[a] - x[d]) * (py - y[d]) - (y[a] - y[d]) * (px - x[d]);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
  for (let e = 0; e < quads.length / 4; e++) {
    if (phase[e] !== 1) continue;
    const q = [quads[4 * e], quads[4 * e + 1], quads[4 * e + 2], quads[4 * e + 3]];
    const v = (c[q[0]] + c[q[1]] + c[q[2]] + c[q[3]]) / 4 / cmax;
    const ex = q.map((k) => x[k]),
      ey = q.map((k) => y[k]);
    const i0 = Math.max(0, Math.floor((Math.min(...ex) - x0) / dx)),
      i1 = Math.min(n - 1, Math.ceil((Math.max(...ex) - x0) / dx));
    const j0 = Math.max(0, Math.floor((Math.min(...ey) - y0) / dy)),
      j1 = Math.min(n - 1, Math.ceil((Math.max(...ey) - y0) / dy));
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const px = x0 + (i + 0.5) * dx,
          py = y0 + (j + 0.5) * dy;
        if (inside(px, py, q[0], q[1], q[2]) || inside(px, py, q[0], q[2], q[3])) grid[j][i] = v;
      }
  }
  return { grid, lo: [x0, y0], hi: [x1, y1] };
}

/** Final c / c_max in the particle (raster) beside the interface damage d on the interface (one point per element). */
export function fieldsSpec(r: MicroResult, title: string): TopLevelSpec {
  const { grid, lo, hi } = rasterize(r);
  const n = grid.length,
    um = 1e6;
  const dx = ((hi[0] - lo[0]) * um) / n,
    dy = ((hi[1] - lo[1]) * um) / n;
  const cells: { x: number; x2: number; y: number; y2: number; c: number }[] = [];
  grid.forEach((row, j) =>
    row.forEach((v, i) => {
      if (Number.isFinite(v))
        cells.push({ x: lo[0] * um + i * dx, x2: lo[0] * um + (i + 1) * dx, y: lo[1] * um + j * dy, y2: lo[1] * um + (j + 1) * dy, c: v });
    }),
  );
  const I = r.final.interface;
  const points = Array.from(I.x_m, (x, k) => ({ x: x * um, y: I.y_m[k] * um, d: I.d[k], gn: I.gn_m[k] * 1e9, gt: I.gt_m[k] * 1e9 }));
  const axis = (f: string, a: 0 | 1) => ({
    field: f,
    type: "quantitative" as const,
    title: `${a === 0 ? "x" : "y"} [um]`,
    scale: { domain: [lo[a] * um, hi[a] * um], nice: false },
  });
  return {
    title: {
      text: title,
      subtitle: `t = ${r.stop.t_s.toPrecision(4)} s (${r.stop.reason}); Omega_t = Omega/3 diag(2, -1, 2): the particle grows in x, shrinks in y`,
    },
    hconcat: [
      {
        width: 300,
        height: 300,
        title: "c / c_max in the particle",
        data: { values: cells },
        mark: { type: "rect" },
        encoding: {
          x: axis("x", 0),
          x2: { field: "x2" },
          y: axis("y", 1),
          y2: { field: "y2" },
          color: { field: "c", type: "quantitative", title: "c / c_max", scale: { scheme: "viridis" } },
        },
      },
      {
        width: 300,
        height: 300,
        title: "interface damage d",
        data: { values: points },
        mark: { type: "circle", size: 40, opacity: 1 },
        encoding: {
          x: axis("x", 0),
          y: axis("y", 1),
          color: { field: "d", type: "quantitative", title: "d", scale: { domain: [0, 1], scheme: "inferno", reverse: true } },
          tooltip: [{ field: "d" }, { field: "gn", title: "g_n [nm]" }, { field: "gt", title: "g_t [nm]" }],
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  } as TopLevelSpec;
}
