/**
 * The stress and contact report of a recorded DEM state (paper 000 §3, paper 003 Fig. 4-5): per-particle
 * von Mises stress and pressure, per-phase mean and SD, stress vs height and vs particle radius in bins,
 * an xy heat map of sigma_zz, Hertz contact areas, the AM-SE reaction area and the SE coverage of AM.
 */
import { binned, contactAreas, heatMapXY, meanSd, vonMisesAndPressure, type ContactAreas, type MeanSd, type StressColumns } from "./analysis.js";
import { particleColumns, type ResolvedCase } from "./run.js";
import type { DemSystem } from "./system.js";
import * as L from "../../assembly/dem/layout.js";

export interface StateReport {
  particles: Record<string, number[] | string[]>;
  contacts: Record<string, number[]>;
  phases: Record<string, { sigmaZz_Pa: MeanSd; pressure_Pa: MeanSd; vonMises_Pa: MeanSd }>;
  /** mean sigma_zz per phase in height bins (paper 003 Fig. 4) */
  sigmaZzVsHeight: ReturnType<typeof binned>;
  /** mean sigma_zz per phase in radius bins (paper 003 Fig. 5) */
  sigmaZzVsRadius: ReturnType<typeof binned>;
  /** volume-weighted sigma_zz on an xy grid [Pa], rows = y */
  sigmaZzHeatMapXY: number[][];
  areas: Omit<ContactAreas, "radius_m" | "area_m2">;
}

export function stateReport(s: DemSystem, rc: ResolvedCase, opts: { bins?: number; heatMap?: number; am?: string; se?: string } = {}): StateReport {
  const bins = opts.bins ?? 10;
  // about three particle centres per heat-map cell on average
  const hm = opts.heatMap ?? Math.min(40, Math.max(4, Math.round(Math.sqrt(s.n / 3))));
  const particles = particleColumns(s, rc);
  const st = particles as unknown as StressColumns;
  const { vonMises_Pa, pressure_Pa } = vonMisesAndPressure(st);
  particles.vonMises_Pa = vonMises_Pa;
  particles.pressure_Pa = pressure_Pa;
  const mat = particles.material as string[];
  const phases: StateReport["phases"] = {};
  for (const ph of [...new Set(mat)].sort()) {
    const idx = mat.flatMap((m, k) => (m === ph ? [k] : []));
    phases[ph] = { sigmaZz_Pa: meanSd(idx.map((k) => st.szz_Pa[k])), pressure_Pa: meanSd(idx.map((k) => pressure_Pa[k])), vonMises_Pa: meanSd(idx.map((k) => vonMises_Pa[k])) };
  }
  const z = particles.z_m as number[], r = particles.radius_m as number[], x = particles.x_m as number[], y = particles.y_m as number[];
  const box = rc.config.box;
  const zBins = binned(z, st.szz_Pa, mat, Math.min(...z), Math.max(...z) + 1e-15, bins);
  const rBins = binned(r, st.szz_Pa, mat, Math.min(...r), Math.max(...r) * (1 + 1e-12), bins);
  const heat = heatMapXY(x, y, r, st.szz_Pa, [box.lo_m[0], box.lo_m[1]], [box.hi_m[0], box.hi_m[1]], hm, hm);
  const ct = s.contacts();
  const areas = contactAreas(ct, s.f64(L.P_R), s.i32(L.P_MAT), rc.materialNames, rc.init.pairs.yEff_Pa, opts.am, opts.se);
  const ids = rc.particles.id;
  const contacts = {
    i_id: Array.from(ct.i, (i) => ids[i]), j_id: Array.from(ct.j, (j) => ids[j]),
    overlap_m: Array.from(ct.overlap_m), fn_N: Array.from(ct.fn_N),
    ftx_N: Array.from(ct.ft_N[0]), fty_N: Array.from(ct.ft_N[1]), ftz_N: Array.from(ct.ft_N[2]),
    contactRadius_m: areas.radius_m, contactArea_m2: areas.area_m2,
  };
  const { radius_m: _r, area_m2: _a, ...areaSummary } = areas;
  return { particles, contacts, phases, sigmaZzVsHeight: zBins, sigmaZzVsRadius: rBins, sigmaZzHeatMapXY: heat, areas: areaSummary };
}
