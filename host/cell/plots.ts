/** Vega-lite specs of the cell plots (no file access: browsers too); host/cell/output.ts renders them to PNG. */
import type { TopLevelSpec } from "vega-lite";
import type { CellResult } from "./result.js";

/**
 * Voltage vs capacity, drawn in time order (vega-lite `order` on t) with the signed capacity (net
 * discharge throughput: it goes back down on charge), so a discharge-rest-charge-hold cycle is a loop
 * and not a zig-zag in capacity order.
 */
export function voltageCapacitySpec(series: { label: string; r: CellResult }[], title: string): TopLevelSpec {
  const values = series.flatMap(({ label, r }) => r.capacity_Ah_m2.map((c, i) => ({ t: r.time_s[i], c, v: r.voltage_V[i], run: label })));
  return {
    width: 520,
    height: 340,
    title,
    data: { values },
    mark: { type: "line" },
    encoding: {
      x: { field: "c", type: "quantitative", title: "capacity, net discharged [Ah/m^2]" },
      y: { field: "v", type: "quantitative", title: "voltage [V]", scale: { zero: false } },
      color: { field: "run", type: "nominal", title: "" },
      order: { field: "t", type: "quantitative" },
    },
  } as TopLevelSpec;
}

export function rateSpec(rows: { cRate: number; capacity_Ah_m2: number; capacity_mAh_g: number }[], title: string): TopLevelSpec {
  return {
    width: 520,
    height: 340,
    title,
    data: { values: rows },
    layer: [{ mark: { type: "line", point: true } }],
    encoding: {
      x: { field: "cRate", type: "quantitative", title: "C-rate", scale: { type: "log" } },
      y: { field: "capacity_mAh_g", type: "quantitative", title: "discharge capacity [mAh/g]", scale: { zero: true } },
    },
  } as TopLevelSpec;
}

/** <d>(x) along the cathode at up to six output times, x from the separator (paper 001 Fig 9b-11). */
export function damageProfileSpec(r: CellResult, title: string): TopLevelSpec {
  const d = r.fields.damage_avg ?? [];
  const T = r.time_s,
    tEnd = T.at(-1) ?? 0;
  // six times evenly spread over the run (output points crowd where the stepper refines), each the first point at or after it
  const picks = [
    ...new Set(
      Array.from({ length: 6 }, (_, i) =>
        Math.max(
          0,
          T.findIndex((t) => t >= (i * tEnd) / 5),
        ),
      ),
    ),
  ];
  const values = picks.flatMap((k) => r.x_m.map((x, j) => ({ x: x * 1e6, d: d[k][j], t: `${r.time_s[k].toFixed(0)} s` })));
  return {
    width: 520,
    height: 340,
    title,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "x", type: "quantitative", title: "distance from the separator [um]" },
      y: { field: "d", type: "quantitative", title: "interface damage <d>" },
      color: { field: "t", type: "nominal", title: "time", sort: null },
    },
  } as TopLevelSpec;
}
