/**
 * The stress and contact report of a recorded DEM state (paper 000 §3, paper 003 Fig. 4-5): per-particle
 * von Mises stress and mean stress, per-phase mean and SD, a stress profile against height and against
 * particle radius in bins and as an xy heat map, Hertz contact areas, the AM-SE reaction area and the SE
 * coverage of AM.
 *
 * The profiled stress follows the dimension: 3D, sigma_zz (the pressing axis, paper 003 Fig. 4-5) against
 * z; 2D, the in-plane mean stress -(s_xx + s_yy)/2 against y (the frame height, paper 000 §2.2), since
 * s_zz is identically zero for discs held in the xy plane (see vonMisesAndPressure).
 */
import {
  binned,
  contactAreas,
  heatMapXY,
  meanSd,
  vonMisesAndPressure,
  type ContactAreas,
  type MeanSd,
  type StressColumns,
} from "./analysis.js";
import { particleColumns } from "./particle_columns.js";
import type { ResolvedCase } from "./resolve.js";
import type { DemSystem } from "./system.js";
import { stateBox } from "./packing.js";
import type { PackingBox } from "../pack/packing.js";
import * as L from "../../assembly/dem/layout.js";

export type BinnedStress = ReturnType<typeof binned>;

/** What the profile fields hold, with the conventions used for the scalar stresses. */
export interface StressProfile {
  /** per-particle column profiled: szz_Pa (3D) or pressure_Pa (2D: the in-plane mean stress) */
  quantity: "szz_Pa" | "pressure_Pa";
  /** plot label of that quantity */
  label: string;
  /** sign: sigma_zz is a tensor component (negative = compressive); the mean stress is positive in compression */
  compressionPositive: boolean;
  /** coordinate of the height bins */
  heightAxis: "z" | "y";
  /** the conventions behind pressure_Pa and vonMises_Pa */
  pressure: string;
  vonMises: string;
  volume: string;
}

export interface StateReport {
  particles: Record<string, number[] | string[]>;
  contacts: Record<string, number[]>;
  /** per phase: tensor components and the scalar stresses (2D: in-plane mean and plane-stress von Mises) */
  phases: Record<string, { sigmaXx_Pa: MeanSd; sigmaYy_Pa: MeanSd; sigmaZz_Pa: MeanSd; pressure_Pa: MeanSd; vonMises_Pa: MeanSd }>;
  profile: StressProfile;
  /** mean profiled stress per phase in height bins (paper 003 Fig. 4) */
  stressVsHeight: BinnedStress;
  /** mean profiled stress per phase in radius bins (paper 003 Fig. 5) */
  stressVsRadius: BinnedStress;
  /** volume-weighted profiled stress on an xy grid [Pa], rows = y, over heatMapExtent_m */
  stressHeatMapXY: number[][];
  /** the xy region of the heat map [m]: the box, narrowed to the walls that bound it (e.g. a 2D frame after compression) */
  heatMapExtent_m: { lo: [number, number]; hi: [number, number] };
  areas: Omit<ContactAreas, "radius_m" | "area_m2">;
  /** the box of this state: the case box narrowed to the active walls, and the periodicity now (what voxelize needs) */
  box: PackingBox;
}

export function stressProfile(dimension: 2 | 3): StressProfile {
  const volume = "per-particle tensor = LIGGGHTS stress/atom (-(m v v + sum 1/2 d F)) / (4/3 pi R^3), the particle's sphere volume";
  return dimension === 3
    ? {
        quantity: "szz_Pa",
        label: "sigma_zz",
        compressionPositive: false,
        heightAxis: "z",
        pressure: "-(s_xx + s_yy + s_zz)/3",
        vonMises: "von Mises of the full tensor",
        volume,
      }
    : {
        quantity: "pressure_Pa",
        label: "in-plane mean stress -(s_xx + s_yy)/2",
        compressionPositive: true,
        heightAxis: "y",
        pressure: "-(s_xx + s_yy)/2 (in-plane mean; s_zz = 0 for discs in the xy plane)",
        vonMises: "plane-stress von Mises sqrt(s_xx^2 - s_xx s_yy + s_yy^2 + 3 s_xy^2)",
        volume,
      };
}

export function stateReport(
  s: DemSystem,
  rc: ResolvedCase,
  opts: { bins?: number; heatMap?: number; am?: string; se?: string } = {},
): StateReport {
  const bins = opts.bins ?? 10;
  const dim = rc.config.dimension;
  // about three particle centres per heat-map cell on average
  const hm = opts.heatMap ?? Math.min(40, Math.max(4, Math.round(Math.sqrt(s.n / 3))));
  const particles = particleColumns(s, rc);
  const st = particles as unknown as StressColumns;
  const { vonMises_Pa, pressure_Pa } = vonMisesAndPressure(st, dim);
  particles.vonMises_Pa = vonMises_Pa;
  particles.pressure_Pa = pressure_Pa;
  const mat = particles.material as string[];
  const phases: StateReport["phases"] = {};
  for (const ph of [...new Set(mat)].sort()) {
    const idx = mat.flatMap((m, k) => (m === ph ? [k] : []));
    const ms = (col: number[]) => meanSd(idx.map((k) => col[k]));
    phases[ph] = {
      sigmaXx_Pa: ms(st.sxx_Pa),
      sigmaYy_Pa: ms(st.syy_Pa),
      sigmaZz_Pa: ms(st.szz_Pa),
      pressure_Pa: ms(pressure_Pa),
      vonMises_Pa: ms(vonMises_Pa),
    };
  }
  const profile = stressProfile(dim);
  const value = profile.quantity === "szz_Pa" ? st.szz_Pa : pressure_Pa;
  const h = particles[dim === 3 ? "z_m" : "y_m"] as number[],
    r = particles.radius_m as number[],
    x = particles.x_m as number[],
    y = particles.y_m as number[];
  const box = rc.config.box;
  const ext = { lo: [box.lo_m[0], box.lo_m[1]] as [number, number], hi: [box.hi_m[0], box.hi_m[1]] as [number, number] };
  for (let k = 0; k < s.nWalls; k++) {
    const w = s.wall(k);
    if (w.mode === "off" || w.axis > 1) continue;
    const a = w.axis as 0 | 1;
    if (s.wallSide(k) === 1) ext.lo[a] = Math.max(ext.lo[a], w.position_m);
    else ext.hi[a] = Math.min(ext.hi[a], w.position_m);
  }
  const hBins = binned(h, value, mat, Math.min(...h), Math.max(...h) + 1e-15, bins);
  const rBins = binned(r, value, mat, Math.min(...r), Math.max(...r) * (1 + 1e-12), bins);
  const heat = heatMapXY(x, y, r, value, ext.lo, ext.hi, hm, hm);
  const stateB = stateBox(s, rc.config);
  const ct = s.contacts();
  const areas = contactAreas(ct, s.f64(L.P_R), s.i32(L.P_MAT), rc.materialNames, rc.init.pairs.yEff_Pa, opts.am, opts.se);
  const ids = rc.particles.id;
  const contacts = {
    i_id: Array.from(ct.i, (i) => ids[i]),
    j_id: Array.from(ct.j, (j) => ids[j]),
    overlap_m: Array.from(ct.overlap_m),
    fn_N: Array.from(ct.fn_N),
    ftx_N: Array.from(ct.ft_N[0]),
    fty_N: Array.from(ct.ft_N[1]),
    ftz_N: Array.from(ct.ft_N[2]),
    contactRadius_m: areas.radius_m,
    contactArea_m2: areas.area_m2,
  };
  const { radius_m: _r, area_m2: _a, ...areaSummary } = areas;
  const rep = {
    particles,
    contacts,
    phases,
    profile,
    stressVsHeight: hBins,
    stressVsRadius: rBins,
    stressHeatMapXY: heat,
    heatMapExtent_m: ext,
    areas: areaSummary,
    box: stateB,
  } satisfies StateReport;
  return rep;
}
