// Velocity Verlet for spheres, as LAMMPS/LIGGGHTS fix nve/sphere: half kick, drift, half kick;
// omega from torque with I = inertia * m R^2 (0.4 for spheres).
import { gI, sI, gF, sF, gP, ldF, stF } from "../common/mem";
import {
  H_N, H_DIM, H_DT, H_INERTIA, H_MAXDISP2, H_MAX_STEPDISP, H_STATUS_I, H_STATUS_J, H_STATUS_VAL,
  H_EXTFX, H_EXTFY, H_EXTFZ, H_GX, H_GY, H_GZ, H_NWALLS, P_WALLS, WALL_SLOTS,
  P_X, P_Y, P_Z, P_VX, P_VY, P_VZ, P_WX, P_WY, P_WZ, P_FX, P_FY, P_FZ, P_TX, P_TY, P_TZ,
  P_R, P_MASS, P_DTFM, P_DTIR, P_XR, P_YR, P_ZR,
  W_AXIS, W_POS, W_VX, W_VY, W_VZ, W_MODE, W_TARGET, W_GAIN, W_VMAX, W_SIDE, W_FX, W_FY, W_FZ, W_LOAD,
  W_PRESS, W_KP, W_FACE, W_LSUM, W_LCOUNT, H_SKIN, P_WREF,
  ST_OK, ST_UNSTABLE_SPEED,
} from "./layout";
import { wallList } from "./wall_list";

/** Per-particle factors dt/2/m and dt/2/(I_f m R^2); call after dt, radii or masses change. */
export function demPrepare(sys: usize): void {
  const n = gI(sys, H_N);
  const dtf = 0.5 * gF(sys, H_DT);
  const dtfrotate = dtf / gF(sys, H_INERTIA);
  const pr = gP(sys, P_R), pm = gP(sys, P_MASS), pdtfm = gP(sys, P_DTFM), pdtir = gP(sys, P_DTIR);
  for (let i = 0; i < n; i++) {
    const m = ldF(pm, i), r = ldF(pr, i);
    stF(pdtfm, i, dtf / m);
    stF(pdtir, i, dtfrotate / (r * r * m));
  }
}

/** First half kick and drift; tracks the largest displacement since the last neighbour build. */
export function initialIntegrate(sys: usize): void {
  sF(sys, H_MAXDISP2, initialIntegrateRange(sys, 0, gI(sys, H_N), gF(sys, H_MAXDISP2)));
}

/** initialIntegrate over particles [i0, i1); returns the larger of maxd2 and their squared displacements. */
export function initialIntegrateRange(sys: usize, i0: i32, i1: i32, maxd2: f64): f64 {
  const dt = gF(sys, H_DT);
  const px = gP(sys, P_X), py = gP(sys, P_Y), pz = gP(sys, P_Z);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ);
  const ptx = gP(sys, P_TX), pty = gP(sys, P_TY), ptz = gP(sys, P_TZ);
  const pdtfm = gP(sys, P_DTFM), pdtir = gP(sys, P_DTIR);
  const xr = gP(sys, P_XR), yr = gP(sys, P_YR), zr = gP(sys, P_ZR);
  for (let i = i0; i < i1; i++) {
    const dtfm = ldF(pdtfm, i);
    const vx = ldF(pvx, i) + dtfm * ldF(pfx, i);
    const vy = ldF(pvy, i) + dtfm * ldF(pfy, i);
    const vz = ldF(pvz, i) + dtfm * ldF(pfz, i);
    stF(pvx, i, vx); stF(pvy, i, vy); stF(pvz, i, vz);
    const x = ldF(px, i) + dt * vx, y = ldF(py, i) + dt * vy, z = ldF(pz, i) + dt * vz;
    stF(px, i, x); stF(py, i, y); stF(pz, i, z);
    const dtir = ldF(pdtir, i);
    stF(pwx, i, ldF(pwx, i) + dtir * ldF(ptx, i));
    stF(pwy, i, ldF(pwy, i) + dtir * ldF(pty, i));
    stF(pwz, i, ldF(pwz, i) + dtir * ldF(ptz, i));
    const ddx = x - ldF(xr, i), ddy = y - ldF(yr, i), ddz = z - ldF(zr, i);
    const d2 = ddx * ddx + ddy * ddy + ddz * ddz;
    if (d2 > maxd2) maxd2 = d2;
  }
  return maxd2;
}

/** Moves walls that have a velocity (modes 1 and 2) by dt along their axis (fixed and off walls stay). */
export function moveWalls(sys: usize): void {
  const nw = gI(sys, H_NWALLS);
  const dt = gF(sys, H_DT);
  const half = 0.5 * gF(sys, H_SKIN);
  const ref = gP(sys, P_WREF);
  for (let w = 0; w < nw; w++) {
    const wb = gP(sys, P_WALLS) + (<usize>(w * WALL_SLOTS) << 3);
    const mode = gI(wb, W_MODE);
    if (mode == 0 || mode == 3) continue;
    const axis = gI(wb, W_AXIS);
    const v = axis == 0 ? gF(wb, W_VX) : axis == 1 ? gF(wb, W_VY) : gF(wb, W_VZ);
    const pos = gF(wb, W_POS) + dt * v;
    sF(wb, W_POS, pos);
    // half a skin from where its particle list was made: remake it (wall_list.ts)
    if (abs<f64>(pos - ldF(ref, w)) > half) wallList(sys, w);
  }
}

/** Zeroes forces and torques, then adds gravity and the external per-particle force later. */
export function zeroForces(sys: usize): void {
  const n = gI(sys, H_N);
  const bytes = <usize>n << 3;
  memory.fill(gP(sys, P_FX), 0, bytes); memory.fill(gP(sys, P_FY), 0, bytes); memory.fill(gP(sys, P_FZ), 0, bytes);
  memory.fill(gP(sys, P_TX), 0, bytes); memory.fill(gP(sys, P_TY), 0, bytes); memory.fill(gP(sys, P_TZ), 0, bytes);
}

/** Body forces (gravity m g, then a constant force per particle, LIGGGHTS fix addforce) and the 2D constraint. */
export function bodyForces(sys: usize): void {
  bodyForcesRange(sys, 0, gI(sys, H_N));
}

/** bodyForces on particles [i0, i1). */
export function bodyForcesRange(sys: usize, i0: i32, i1: i32): void {
  const gx = gF(sys, H_GX), gy = gF(sys, H_GY), gz = gF(sys, H_GZ);
  const ex = gF(sys, H_EXTFX), ey = gF(sys, H_EXTFY), ez = gF(sys, H_EXTFZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ), pm = gP(sys, P_MASS);
  if (gx != 0.0 || gy != 0.0 || gz != 0.0) {
    for (let i = i0; i < i1; i++) {
      const m = ldF(pm, i);
      stF(pfx, i, ldF(pfx, i) + m * gx); stF(pfy, i, ldF(pfy, i) + m * gy); stF(pfz, i, ldF(pfz, i) + m * gz);
    }
  }
  if (ex != 0.0 || ey != 0.0 || ez != 0.0) {
    for (let i = i0; i < i1; i++) {
      stF(pfx, i, ldF(pfx, i) + ex); stF(pfy, i, ldF(pfy, i) + ey); stF(pfz, i, ldF(pfz, i) + ez);
    }
  }
  if (gI(sys, H_DIM) == 2) {
    // discs in the xy plane (LAMMPS fix enforce2d): no z force, no in-plane torque
    const at = <usize>i0 << 3, bytes = <usize>(i1 - i0) << 3;
    memory.fill(pfz + at, 0, bytes); memory.fill(gP(sys, P_TX) + at, 0, bytes); memory.fill(gP(sys, P_TY) + at, 0, bytes);
  }
}

/** Second half kick, then the stability check |v| dt <= limit * R (catches NaN too). */
export function finalIntegrate(sys: usize): i32 {
  return finalIntegrateRange(sys, 0, gI(sys, H_N));
}

/** finalIntegrate on particles [i0, i1). */
export function finalIntegrateRange(sys: usize, i0: i32, i1: i32): i32 {
  const dt = gF(sys, H_DT);
  const lim = gF(sys, H_MAX_STEPDISP);
  const pvx = gP(sys, P_VX), pvy = gP(sys, P_VY), pvz = gP(sys, P_VZ);
  const pwx = gP(sys, P_WX), pwy = gP(sys, P_WY), pwz = gP(sys, P_WZ);
  const pfx = gP(sys, P_FX), pfy = gP(sys, P_FY), pfz = gP(sys, P_FZ);
  const ptx = gP(sys, P_TX), pty = gP(sys, P_TY), ptz = gP(sys, P_TZ);
  const pdtfm = gP(sys, P_DTFM), pdtir = gP(sys, P_DTIR), pr = gP(sys, P_R);
  let status = ST_OK;
  for (let i = i0; i < i1; i++) {
    const dtfm = ldF(pdtfm, i);
    const vx = ldF(pvx, i) + dtfm * ldF(pfx, i);
    const vy = ldF(pvy, i) + dtfm * ldF(pfy, i);
    const vz = ldF(pvz, i) + dtfm * ldF(pfz, i);
    stF(pvx, i, vx); stF(pvy, i, vy); stF(pvz, i, vz);
    const dtir = ldF(pdtir, i);
    stF(pwx, i, ldF(pwx, i) + dtir * ldF(ptx, i));
    stF(pwy, i, ldF(pwy, i) + dtir * ldF(pty, i));
    stF(pwz, i, ldF(pwz, i) + dtir * ldF(ptz, i));
    const s = (vx * vx + vy * vy + vz * vz) * dt * dt;
    const l = lim * ldF(pr, i);
    if (!(s <= l * l) && status == ST_OK) {
      status = ST_UNSTABLE_SPEED;
      // the force pass of this step may have recorded an overlap already: its status wins (step.ts), so
      // keep its particle/partner/value rather than mixing them with this speed check's
      if (gI(sys, H_STATUS_I) < 0) { sI(sys, H_STATUS_I, i); sI(sys, H_STATUS_J, -1); sF(sys, H_STATUS_VAL, sqrt<f64>(s) / ldF(pr, i)); }
    }
  }
  return status;
}

/**
 * Servo walls. Normal speed = clamp(gain (target - load), -vmax, vmax), into the particles when the load is low;
 * with W_KP > 0, LIGGGHTS's law (fix mesh/surface/stress/servo, proportional part): vmax kp (1 - load / target). With
 * W_PRESS > 0 the target is that pressure times the face area between the four walls of W_FACE, this step (as a
 * deck's `target_val v_F` with F = P x area re-evaluated every step). `sum` adds the load to the chunk sums.
 */
export function updateWalls(sys: usize, sum: bool): void {
  const nw = gI(sys, H_NWALLS);
  const walls = gP(sys, P_WALLS);
  for (let w = 0; w < nw; w++) {
    const wb = walls + (<usize>(w * WALL_SLOTS) << 3);
    const axis = gI(wb, W_AXIS);
    const side = gF(wb, W_SIDE);
    const fa = axis == 0 ? gF(wb, W_FX) : axis == 1 ? gF(wb, W_FY) : gF(wb, W_FZ);
    const load = -side * fa;
    sF(wb, W_LOAD, load);
    if (sum) { sF(wb, W_LSUM, gF(wb, W_LSUM) + load); sI(wb, W_LCOUNT, gI(wb, W_LCOUNT) + 1); }
    if (gI(wb, W_MODE) != 2) continue;
    const press = gF(wb, W_PRESS);
    if (press > 0.0) sF(wb, W_TARGET, press * faceArea(walls, gI(wb, W_FACE)));
    const target = gF(wb, W_TARGET), kp = gF(wb, W_KP);
    const vmax = gF(wb, W_VMAX);
    let vn = kp > 0.0 ? vmax * kp * (1.0 - load / target) : gF(wb, W_GAIN) * (target - load);
    if (vn > vmax) vn = vmax;
    if (vn < -vmax) vn = -vmax;
    const v = side * vn;
    if (axis == 0) sF(wb, W_VX, v); else if (axis == 1) sF(wb, W_VY, v); else sF(wb, W_VZ, v);
  }
}

/** (hi - lo) x (hi - lo) of the two wall pairs packed in `face` (a byte per wall index: lo0, hi0, lo1, hi1). */
@inline function faceArea(walls: usize, face: i32): f64 {
  const a = wallPos(walls, (face >> 8) & 255) - wallPos(walls, face & 255);
  return a * (wallPos(walls, (face >> 24) & 255) - wallPos(walls, (face >> 16) & 255));
}

@inline function wallPos(walls: usize, k: i32): f64 {
  return gF(walls + (<usize>(k * WALL_SLOTS) << 3), W_POS);
}
