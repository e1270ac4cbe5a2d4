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
