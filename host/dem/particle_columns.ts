/**
 * Per-particle output columns of a DemSystem's recorded step, in increasing id order: state, coordination,
 * the total contact force and the LIGGGHTS `stress/atom` tensor divided by the particle volume.
 */
import * as L from "../../assembly/dem/layout.js";
import type { ResolvedCase } from "./resolve.js";
import type { DemSystem } from "./system.js";

/** Per-particle output columns of the current state (recorded step), in increasing id order. */
export function particleColumns(s: DemSystem, rc: ResolvedCase): Record<string, number[] | string[]> {
  const c = rc.config;
  const n = s.n;
  const ids = rc.particles.id;
  // per-particle output in increasing id order
  const byId = Array.from({ length: n }, (_, i) => i).sort((a, b) => rc.particles.id[a] - rc.particles.id[b]);
  const f = (slot: number) => {
    const a = s.f64(slot);
    return byId.map((i) => a[i]);
  };
  const mass = s.f64(L.P_MASS),
    rad = s.f64(L.P_R);
  const vx = s.f64(L.P_VX),
    vy = s.f64(L.P_VY),
    vz = s.f64(L.P_VZ);
  const W = [L.P_WXX, L.P_WYY, L.P_WZZ, L.P_WXY, L.P_WXZ, L.P_WYZ].map((sl) => s.f64(sl));
  const vv = [
    [vx, vx],
    [vy, vy],
    [vz, vz],
    [vx, vy],
    [vx, vz],
    [vy, vz],
  ];
  const stress = ["sxx_Pa", "syy_Pa", "szz_Pa", "sxy_Pa", "sxz_Pa", "syz_Pa"];
  const particles: Record<string, number[] | string[]> = {
    id: byId.map((i) => ids[i]),
    material: byId.map((i) => rc.materialNames[rc.particles.material[i]]),
    x_m: f(L.P_X),
    y_m: f(L.P_Y),
    z_m: f(L.P_Z),
    radius_m: f(L.P_R),
    mass_kg: f(L.P_MASS),
    vx_m_s: f(L.P_VX),
    vy_m_s: f(L.P_VY),
    vz_m_s: f(L.P_VZ),
    wx_rad_s: f(L.P_WX),
    wy_rad_s: f(L.P_WY),
    wz_rad_s: f(L.P_WZ),
    fx_N: f(L.P_FX),
    fy_N: f(L.P_FY),
    fz_N: f(L.P_FZ),
    tx_N_m: f(L.P_TX),
    ty_N_m: f(L.P_TY),
    tz_N_m: f(L.P_TZ),
    coordination: (() => {
      const a = s.i32(L.P_NCONT);
      return byId.map((i) => a[i]);
    })(),
  };
  // total contact force (particles and walls) = total force minus gravity and the external force
  const fxAll = particles.fx_N as number[],
    fyAll = particles.fy_N as number[],
    fzAll = particles.fz_N as number[];
  const mById = particles.mass_kg as number[];
  const g = c.gravity_m_s2,
    ext = c.externalForce_N;
  const is2d = c.dimension === 2;
  particles.contactFx_N = fxAll.map((fv, k) => fv - (mById[k] * g[0] + ext[0]));
  particles.contactFy_N = fyAll.map((fv, k) => fv - (mById[k] * g[1] + ext[1]));
  particles.contactFz_N = fzAll.map((fv, k) => (is2d ? 0 : fv - (mById[k] * g[2] + ext[2])));
  // LIGGGHTS compute stress/atom divided by the particle volume: s_ab = -(m v_a v_b + sum 1/2 d_a F_b) / V
  stress.forEach((name, c6) => {
    const col: number[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const i = byId[k];
      const V = (4 / 3) * Math.PI * rad[i] * rad[i] * rad[i];
      col[k] = -(mass[i] * vv[c6][0][i] * vv[c6][1][i] + W[c6][i]) / V;
    }
    particles[name] = col;
  });
  return particles;
}
