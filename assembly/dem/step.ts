// The DEM time loop. One call runs many steps inside wasm; the host is called back only through
// the status code (capacity, instability) and between calls (recording, stage logic).
import { gI, sI, gF, sF, gP } from "../common/mem";
import {
  H_N, H_SKIN, H_DT, H_TIME, H_STEP, H_RECORD, H_RESUME, H_FORCE_REBUILD, H_MAXDISP2,
  H_STATUS, H_STATUS_I, H_STATUS_J, P_NCONT, P_WXX, P_WYY, P_WZZ, P_WXY, P_WXZ, P_WYZ, ST_OK,
} from "./layout";
import { buildNeighbors } from "./neighbor";
import { pairForces } from "./pair_forces";
import { wallForces } from "./contact_walls";
import { initialIntegrate, moveWalls, zeroForces, bodyForces, finalIntegrate, updateWalls } from "./integrate";

function clearRecord(sys: usize): void {
  const n = <usize>gI(sys, H_N);
  memory.fill(gP(sys, P_NCONT), 0, n << 2);
  memory.fill(gP(sys, P_WXX), 0, n << 3); memory.fill(gP(sys, P_WYY), 0, n << 3); memory.fill(gP(sys, P_WZZ), 0, n << 3);
  memory.fill(gP(sys, P_WXY), 0, n << 3); memory.fill(gP(sys, P_WXZ), 0, n << 3); memory.fill(gP(sys, P_WYZ), 0, n << 3);
}

@inline function forces(sys: usize, computeFlag: i32): i32 {
  const record = gI(sys, H_RECORD);
  if (record) clearRecord(sys);
  zeroForces(sys);
  let st = pairForces(sys, computeFlag, record);
  const st2 = wallForces(sys, computeFlag, record);
  if (st == ST_OK) st = st2;
  bodyForces(sys);
  return st;
}

@inline function setStatus(sys: usize, st: i32): i32 {
  sI(sys, H_STATUS, st);
  return st;
}

/** Start of a run (LIGGGHTS `run` set-up): neighbour build and a force evaluation that does not
 *  advance the tangential history, from the current full-step velocities. */
export function demSetup(sys: usize): i32 {
  sI(sys, H_STATUS_I, -1); sI(sys, H_STATUS_J, -1);
  sI(sys, H_RESUME, 0);
  let st = buildNeighbors(sys);
  if (st != ST_OK) return setStatus(sys, st);
  sI(sys, H_FORCE_REBUILD, 0);
  st = forces(sys, 0);
  updateWalls(sys, false);
  return setStatus(sys, st);
}

/** Runs nsteps velocity-Verlet steps. Returns 0, or a status code with the step unfinished only for
 *  capacity codes (H_RESUME = 1: call again after the host has grown the arrays). */
export function demStep(sys: usize, nsteps: i32): i32 {
  sI(sys, H_STATUS_I, -1); sI(sys, H_STATUS_J, -1);
  const dt = gF(sys, H_DT);
  const half = 0.5 * gF(sys, H_SKIN);
  const trigger = half * half;
  for (let s = 0; s < nsteps; s++) {
    if (gI(sys, H_RESUME) == 0) {
      initialIntegrate(sys);
      moveWalls(sys);
    }
    if (gI(sys, H_FORCE_REBUILD) != 0 || gF(sys, H_MAXDISP2) > trigger) {
      const st = buildNeighbors(sys);
      if (st != ST_OK) { sI(sys, H_RESUME, 1); return setStatus(sys, st); }
      sI(sys, H_FORCE_REBUILD, 0);
    }
    sI(sys, H_RESUME, 0);
    let st = forces(sys, 1);
    const st2 = finalIntegrate(sys);
    if (st == ST_OK) st = st2;
    updateWalls(sys, true);
    sF(sys, H_TIME, gF(sys, H_TIME) + dt);
    sF(sys, H_STEP, gF(sys, H_STEP) + 1.0);
    if (st != ST_OK) return setStatus(sys, st);
  }
  return setStatus(sys, ST_OK);
}

/** One force evaluation at the current state (history advanced when computeFlag = 1), no time step. */
export function demForces(sys: usize, computeFlag: i32): i32 {
  sI(sys, H_STATUS_I, -1); sI(sys, H_STATUS_J, -1);
  return setStatus(sys, forces(sys, computeFlag));
}

/** Neighbour-list build alone (wraps periodic positions, carries the contact history over). */
export function demBuild(sys: usize): i32 {
  const st = buildNeighbors(sys);
  if (st == ST_OK) sI(sys, H_FORCE_REBUILD, 0);
  return setStatus(sys, st);
}
