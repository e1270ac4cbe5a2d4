/**
 * Restart state of a DemSystem: everything the kernels need to continue bit for bit (arrays as base64 bytes),
 * checked for completeness when read back. compact_io.ts wraps it in restart files with hashes of the case.
 */
import { ConfigError } from "../config/errors.js";
import * as L from "../../assembly/dem/layout.js";
import { toBase64, f64FromBase64, i32FromBase64 } from "../io/b64.js";
import { VERSION } from "../version.js";
import type { DemSystem } from "./system.js";
import { PARTICLE_F64 } from "./system_init.js";

/**
 * Restart state: everything the kernels need to continue bit for bit (arrays as base64 bytes), plus the
 * quantities of the last recorded step (virial, coordination) so a restored state reports the same
 * per-particle stresses as the one that was saved.
 */
export interface RestartState {
  kind: "assbkit.dem.restart";
  version: string;
  n: number;
  nWalls: number;
  header: Record<string, number>;
  particles: Record<string, string>;
  neighbors: { npairs: number; row: string; nbr: string; hx: string; hy: string; hz: string };
  walls: { block: string; hx: string; hy: string; hz: string }[];
}

// a restart saves every f64 particle array: the integrator's half-step factors and the virial included
const RESTART_F64 = PARTICLE_F64;
const RESTART_HEADER_F = [L.H_DT, L.H_SKIN, L.H_TIME, L.H_STEP, L.H_RMAX, L.H_MAXDISP2, L.H_MAX_OVERLAP, L.H_MAX_STEPDISP, L.H_INERTIA];
const RESTART_HEADER_I = [L.H_PERX, L.H_PERY, L.H_NREBUILD, L.H_FORCE_REBUILD];
const WALL_POINTER_SLOTS = [L.W_HX, L.W_HY, L.W_HZ];

/** Throws a ConfigError when a restart state is incomplete or its arrays have the wrong length (a damaged file). */
function checkRestartShape(st: RestartState, n: number): void {
  const bad = (what: string) => new ConfigError(`restart: ${what} is missing or damaged; the file is not a complete restart state`);
  const len = (b64: unknown, bytes: number, what: string) => {
    if (typeof b64 !== "string") throw bad(what);
    // base64 length without padding -> bytes
    const m = b64.replace(/=+$/, "").length;
    if (Math.floor((m * 3) / 4) !== bytes) throw bad(what);
  };
  if (!st.header || !st.particles || !st.neighbors || !Array.isArray(st.walls))
    throw bad("a section (header, particles, neighbors, walls)");
  for (const sl of RESTART_HEADER_F) if (typeof st.header[`f${sl}`] !== "number") throw bad(`header slot ${sl}`);
  for (const sl of RESTART_HEADER_I) if (typeof st.header[`i${sl}`] !== "number") throw bad(`header slot ${sl}`);
  const names: Record<number, string> = {
    [L.P_X]: "x",
    [L.P_Y]: "y",
    [L.P_Z]: "z",
    [L.P_VX]: "vx",
    [L.P_VY]: "vy",
    [L.P_VZ]: "vz",
    [L.P_WX]: "wx",
    [L.P_WY]: "wy",
    [L.P_WZ]: "wz",
    [L.P_FX]: "fx",
    [L.P_FY]: "fy",
    [L.P_FZ]: "fz",
    [L.P_TX]: "tx",
    [L.P_TY]: "ty",
    [L.P_TZ]: "tz",
    [L.P_R]: "radius",
    [L.P_MASS]: "mass",
    [L.P_WXX]: "virial xx",
  };
  for (const sl of RESTART_F64) len(st.particles[`f${sl}`], n * 8, `the particle array ${names[sl] ?? `slot ${sl}`}`);
  len(st.particles.mat, n * 4, "the material array");
  len(st.particles.ncont, n * 4, "the coordination array");
  const np = st.neighbors.npairs;
  if (!Number.isInteger(np) || np < 0) throw bad("the neighbour count");
  len(st.neighbors.row, (n + 1) * 4, "the neighbour rows");
  len(st.neighbors.nbr, np * 4, "the neighbour list");
  for (const h of ["hx", "hy", "hz"] as const) len(st.neighbors[h], np * 8, "the contact history");
  st.walls.forEach((w, k) => {
    len(w?.block, L.WALL_SLOTS * 8, `wall ${k}`);
    for (const h of ["hx", "hy", "hz"] as const) len(w[h], n * 8, `wall ${k} history`);
  });
}

/** The full state of a system for a restart file (call between runs). */
export function saveRestart(s: DemSystem): RestartState {
  const header: Record<string, number> = {};
  for (const sl of RESTART_HEADER_F) header[`f${sl}`] = s.getF(sl);
  for (const sl of RESTART_HEADER_I) header[`i${sl}`] = s.getI(sl);
  const particles: Record<string, string> = {};
  for (const sl of RESTART_F64) particles[`f${sl}`] = toBase64(s.f64(sl));
  particles.mat = toBase64(s.i32(L.P_MAT));
  particles.ncont = toBase64(s.i32(L.P_NCONT));
  const np = s.getI(L.H_NPAIRS);
  const neighbors = {
    npairs: np,
    row: toBase64(s.i32(L.P_ROW, s.n + 1)),
    nbr: toBase64(s.i32(L.P_NBR, np)),
    hx: toBase64(s.f64(L.P_HX, np)),
    hy: toBase64(s.f64(L.P_HY, np)),
    hz: toBase64(s.f64(L.P_HZ, np)),
  };
  const walls = Array.from({ length: s.nWalls }, (_, k) => {
    const b = s.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;
    const dv = new DataView(s.kernels.heap.buffer);
    const hist = WALL_POINTER_SLOTS.map((sl) => toBase64(new Float64Array(s.kernels.heap.buffer, dv.getUint32(b + sl * 8, true), s.n)));
    return { block: toBase64(new Uint8Array(s.kernels.heap.buffer, b, L.WALL_SLOTS * 8)), hx: hist[0], hy: hist[1], hz: hist[2] };
  });
  return { kind: "assbkit.dem.restart", version: VERSION, n: s.n, nWalls: s.nWalls, header, particles, neighbors, walls };
}

/** Restores a saved state into a system built from the same case (same particles and walls). */
export function loadRestart(s: DemSystem, st: RestartState): void {
  if (st?.kind !== "assbkit.dem.restart")
    throw new ConfigError(`restart: not an assbkit DEM restart state (kind = ${JSON.stringify(st?.kind)})`);
  if (st.n !== s.n || st.nWalls !== s.nWalls)
    throw new ConfigError(
      `restart: the file holds ${st.n} particles and ${st.nWalls} walls, this case ${s.n} and ${s.nWalls}; use the case that wrote it`,
    );
  checkRestartShape(st, s.n);
  for (const sl of RESTART_HEADER_F) s.setF(sl, st.header[`f${sl}`]);
  for (const sl of RESTART_HEADER_I) s.setI(sl, st.header[`i${sl}`]);
  for (const sl of RESTART_F64) s.f64(sl).set(f64FromBase64(st.particles[`f${sl}`]));
  s.i32(L.P_MAT).set(i32FromBase64(st.particles.mat));
  s.i32(L.P_NCONT).set(i32FromBase64(st.particles.ncont));
  const np = st.neighbors.npairs;
  s.ensurePairCapacity(np);
  s.i32(L.P_ROW, s.n + 1).set(i32FromBase64(st.neighbors.row));
  s.i32(L.P_NBR, np).set(i32FromBase64(st.neighbors.nbr));
  s.f64(L.P_HX, np).set(f64FromBase64(st.neighbors.hx));
  s.f64(L.P_HY, np).set(f64FromBase64(st.neighbors.hy));
  s.f64(L.P_HZ, np).set(f64FromBase64(st.neighbors.hz));
  s.setI(L.H_NPAIRS, np);
  st.walls.forEach((w, k) => {
    const b = s.getP(L.P_WALLS) + k * L.WALL_SLOTS * 8;
    const dv = new DataView(s.kernels.heap.buffer);
    const ptrs = WALL_POINTER_SLOTS.map((sl) => dv.getUint32(b + sl * 8, true));
    new Uint8Array(s.kernels.heap.buffer, b, L.WALL_SLOTS * 8).set(new Uint8Array(f64FromBase64(w.block).buffer));
    ptrs.forEach((p, j) => {
      dv.setUint32(b + WALL_POINTER_SLOTS[j] * 8, p, true);
      new Float64Array(s.kernels.heap.buffer, p, s.n).set(f64FromBase64([w.hx, w.hy, w.hz][j]));
    });
  });
  // the walls' particle lists from the restored positions (derived, not saved: wall_list.ts's band covers the
  // travel still allowed before the next neighbour build)
  s.kernels.demWallLists(s.sys);
}
