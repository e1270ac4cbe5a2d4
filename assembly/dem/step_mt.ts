// The DEM time loop on T threads sharing one memory (the shared-memory core, index_mt.ts): every thread calls
// demStepMT(sys, t, T, n) on its own instance, and the threads meet at barriers four times a step.
//   1. all: first half kick and drift of their particle range (n/T each);
//   2. thread 0: walls moved, the cell grid when a neighbour build is due; then every thread builds the rows of its
//      particles (buildRows), and thread 0 splits the listed pairs into T equal parts;
//   3. all: pass 1 and pass 2 over their rows of the half list (contacts from row[s_t] on in P_CK/P_CI), the walls
//      on their particle range, into their own force block (thread 0: the particles' arrays; P_FBLK) and wall
//      partial sums (P_WPART): no two threads write the same memory;
//   4. all: forces of their particle range summed over the blocks in thread order, body forces, second half kick;
//   5. every thread: the first failing thread's status ends the run; thread 0: wall totals in thread order, servo
//      walls, time.
// The sums run in a fixed order, so a run on T threads is deterministic; it differs from one thread by the order
// of the force sums (round-off). Recorded steps run single-threaded (step.ts). Not translated to the TS twin.
import { gI, sI, gF, sF, gP, ldF, stF, ldI, stI } from "../common/mem";
import {
  H_N, H_NWALLS, H_SKIN, H_DT, H_TIME, H_STEP, H_RESUME, H_FORCE_REBUILD, H_MAXDISP2, H_STATUS, H_STATUS_I, H_STATUS_J,
  H_NPAIRS, P_ROW, P_FX, P_TZ, P_FBLK, P_WPART, P_SYNC, P_WALLS, WALL_SLOTS,
  W_FX, W_FY, W_FZ, W_NCONT, FB_SLOTS, FB_FX, ST_OK, ST_NEED_PAIRS, ST_THREAD_LOST, H_PAIRCAP, H_STATUS_VAL, P_NBR2, P_ROW2, P_CK, P_CI,
  SY_COUNT, SY_GEN, SY_ABORT, SY_BUILD, SY_TIMEOUT, SY_THREAD, SY_BYTES_PER_THREAD,
} from "./layout";
import { neighborCells, neighborRows, neighborHistory, neighborSwap } from "./neighbor";
import { pairTouching } from "./touching_simd";
import { pairContacts } from "./contact_pairs_simd";
import { wallForcesRange } from "./contact_walls";
import { initialIntegrateRange, moveWalls, bodyForcesRange, finalIntegrateRange, updateWalls } from "./integrate";

// the particles' force and torque arrays are consecutive header slots (zeroBlock, sumBlocks)
assert(P_TZ == P_FX + 5);

/**
 * Spins before a barrier sleeps (about 0.5-1 ms): a futex wake-up cost about 60 us per barrier, which held two
 * threads at 1.3-1.5x one; threads are expected on their own cores (the run is opt-in).
 */
const SPINS = 500000;

/**
 * All T threads arrive before any leaves. False when the others did not come within SY_TIMEOUT ms (a worker that died):
 * the run then fails instead of waiting for ever (the host ends the workers).
 */
function barrier(sync: usize, T: i32): bool {
  const gen = atomic.load<i32>(sync + SY_GEN);
  if (atomic.add<i32>(sync + SY_COUNT, 1) == T - 1) {
    atomic.store<i32>(sync + SY_COUNT, 0);
    atomic.store<i32>(sync + SY_GEN, gen + 1);
    atomic.notify(sync + SY_GEN, T);
    return true;
  }
  let spins = 0;
  const slices = <i32>(ldF(sync + SY_TIMEOUT, 0) / 10.0);
  let waited = 0;
  while (atomic.load<i32>(sync + SY_GEN) == gen) {
    if (++spins > SPINS) {
      // 10 ms slices, so a lost thread is noticed
      if (atomic.wait<i32>(sync + SY_GEN, gen, 10_000_000) == AtomicWaitResult.TIMED_OUT && ++waited > slices) return false;
    }
  }
  return true;
}

@inline function slot(sync: usize, t: i32): usize { return sync + SY_THREAD + <usize>(t * SY_BYTES_PER_THREAD); }

/** Advances nsteps steps on thread t of T. Every thread returns the same status (capacity codes as demStep). */
export function demStepMT(sys: usize, t: i32, T: i32, nsteps: i32): i32 {
  const sync = gP(sys, P_SYNC);
  const n = gI(sys, H_N), nw = gI(sys, H_NWALLS);
  const dt = gF(sys, H_DT);
  const half = 0.5 * gF(sys, H_SKIN);
  const trigger = half * half;
  const p0 = <i32>(<i64>n * <i64>t / <i64>T), p1 = <i32>(<i64>n * <i64>(t + 1) / <i64>T);
  const fb: usize = t == 0 ? 0 : gP(sys, P_FBLK) + <usize>(t * FB_SLOTS * 8);
  const wpart = gP(sys, P_WPART);
  const mine = slot(sync, t);
  if (t == 0) { sI(sys, H_STATUS_I, -1); sI(sys, H_STATUS_J, -1); atomic.store<i32>(sync + SY_ABORT, 0); }
  for (let s = 0; s < nsteps; s++) {
    // 1. first half kick and drift (skipped when the previous call stopped after it: capacity, H_RESUME)
    const resume = gI(sys, H_RESUME) != 0;
    if (!resume) stF(mine, 0, initialIntegrateRange(sys, p0, p1, 0.0));
    if (!barrier(sync, T)) return done(sys, t, ST_THREAD_LOST);
    // 2. thread 0: walls, and the cell grid when a neighbour build is due
    if (t == 0) {
      let maxd2 = gF(sys, H_MAXDISP2);
      if (!resume) {
        moveWalls(sys);
        for (let u = 0; u < T; u++) maxd2 = max<f64>(maxd2, ldF(slot(sync, u), 0));
        sF(sys, H_MAXDISP2, maxd2);
      }
      let build = 0;
      if (gI(sys, H_FORCE_REBUILD) != 0 || maxd2 > trigger) {
        const st = neighborCells(sys);
        if (st != ST_OK) { sI(sys, H_RESUME, 1); atomic.store<i32>(sync + SY_ABORT, st); }
        else build = 1;
      }
      atomic.store<i32>(sync + SY_BUILD, build);
    }
    if (!barrier(sync, T)) return done(sys, t, ST_THREAD_LOST);
    const ab = atomic.load<i32>(sync + SY_ABORT);
    if (ab != ST_OK) return done(sys, t, ab);
    // 2b. a neighbour build: every thread the rows and histories of its particles (neighbor.ts)
    if (atomic.load<i32>(sync + SY_BUILD) != 0) {
      const sb = buildRows(sys, sync, t, T, p0, p1);
      if (sb != ST_OK) return done(sys, t, sb);
    }
    if (t == 0) { sI(sys, H_RESUME, 0); splitPairs(sys, sync, T); }
    if (!barrier(sync, T)) return done(sys, t, ST_THREAD_LOST);
    // 3. forces of this thread's pairs and wall contacts into its own arrays
    zeroBlock(sys, fb, n);
    const r0 = ldI(slot(sync, t) + 12, 0), r1 = t + 1 < T ? ldI(slot(sync, t + 1) + 12, 0) : n;
    const c0 = ldI(gP(sys, P_ROW), r0);
    const nc = pairTouching(sys, r0, r1, c0, 0);
    let st = pairContacts(sys, c0, c0 + nc, 1, 0, fb);
    const stw = wallForcesRange(sys, 1, p0, p1, fb, wpart + (<usize>(t * nw * 4) << 3));
    if (st == ST_OK) st = stw;
    if (!barrier(sync, T)) return done(sys, t, ST_THREAD_LOST);
    // 4. this thread's particles: the blocks summed in thread order, body forces, second half kick
    sumBlocks(sys, p0, p1, T);
    bodyForcesRange(sys, p0, p1);
    const stf = finalIntegrateRange(sys, p0, p1);
    if (st == ST_OK) st = stf;
    sI(mine + 8, 0, st);
    if (!barrier(sync, T)) return done(sys, t, ST_THREAD_LOST);
    // 5. every thread: the first failing thread's status; thread 0: wall totals, servo walls, time (while the
    // others go on with their next half kick, which reads none of these)
    st = ST_OK;
    for (let u = 0; u < T && st == ST_OK; u++) st = ldI(slot(sync, u) + 8, 0);
    if (t == 0) {
      wallTotals(sys, wpart, nw, T);
      updateWalls(sys, true);
      sF(sys, H_TIME, gF(sys, H_TIME) + dt);
      sF(sys, H_STEP, gF(sys, H_STEP) + 1.0);
    }
    if (st != ST_OK) return done(sys, t, st);
  }
  return done(sys, t, ST_OK);
}

/**
 * The rows of the new list for particles [p0, p1): thread 0 writes its rows into the list, thread t > 0 into scratch
 * (P_CK, P_CI: free until pass 1; more than 3 threads build on thread 0 alone), then each moves its rows behind the
 * rows of the threads before it, carries their histories over, and thread 0 swaps the list in.
 */
function buildRows(sys: usize, sync: usize, t: i32, T: i32, p0: i32, p1: i32): i32 {
  const n = gI(sys, H_N), cap = gI(sys, H_PAIRCAP);
  if (T > 3) {
    if (t != 0) return ST_OK;
    const np = neighborRows(sys, 0, n, gP(sys, P_NBR2), cap);
    stI(gP(sys, P_ROW2), n, np);
    if (np > cap) { sF(sys, H_STATUS_VAL, <f64>np); sI(sys, H_RESUME, 1); return ST_NEED_PAIRS; }
    neighborHistory(sys, 0, n);
    neighborSwap(sys, np);
    sI(sys, H_FORCE_REBUILD, 0);
    return ST_OK;
  }
  // the rows split as the current list's pairs are (splitPairs): a row's candidates are the particles j > i, so equal
  // particle ranges would give the first thread about 3/4 of the work; the first build splits the particles
  let b0 = p0, b1 = p1;
  if (gI(sys, H_NPAIRS) > 0) { b0 = ldI(slot(sync, t) + 12, 0); b1 = t + 1 < T ? ldI(slot(sync, t + 1) + 12, 0) : n; }
  const out = t == 0 ? gP(sys, P_NBR2) : gP(sys, t == 1 ? P_CK : P_CI);
  sI(slot(sync, t) + 16, 0, neighborRows(sys, b0, b1, out, cap));
  if (!barrier(sync, T)) return ST_THREAD_LOST;
  let offset = 0, total = 0;
  for (let u = 0; u < T; u++) {
    const c = ldI(slot(sync, u) + 16, 0);
    if (u < t) offset += c;
    total += c;
  }
  // too many pairs: every thread sees it; thread 0 asks the host for room (the step resumes after the drift)
  if (total > cap) {
    if (t == 0) { sF(sys, H_STATUS_VAL, <f64>total); sI(sys, H_RESUME, 1); }
    return ST_NEED_PAIRS;
  }
  const row2 = gP(sys, P_ROW2);
  if (t > 0) {
    const cnt = ldI(slot(sync, t) + 16, 0);
    memory.copy(gP(sys, P_NBR2) + (<usize>offset << 2), out, <usize>cnt << 2);
    for (let i = b0; i < b1; i++) stI(row2, i, ldI(row2, i) + offset);
  } else stI(row2, n, total);
  if (!barrier(sync, T)) return ST_THREAD_LOST;
  neighborHistory(sys, b0, b1);
  if (!barrier(sync, T)) return ST_THREAD_LOST;
  if (t == 0) { neighborSwap(sys, total); sI(sys, H_FORCE_REBUILD, 0); }
  return ST_OK;
}

@inline function done(sys: usize, t: i32, st: i32): i32 {
  if (t == 0) sI(sys, H_STATUS, st);
  return st;
}

/** Thread u's rows start at the first particle whose row begins past u/T of the listed pairs (row is monotone). */
function splitPairs(sys: usize, sync: usize, T: i32): void {
  const n = gI(sys, H_N), row = gP(sys, P_ROW);
  const np = <i64>gI(sys, H_NPAIRS);
  sI(slot(sync, 0) + 12, 0, 0);
  for (let u = 1; u < T; u++) {
    const want = <i32>(np * <i64>u / <i64>T);
    let lo = 0, hi = n;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (ldI(row, mid) < want) lo = mid + 1; else hi = mid; }
    sI(slot(sync, u) + 12, 0, lo);
  }
}

/** Zeroes a thread's force and torque arrays (fb = 0: the particles' own, P_FX..P_TZ in header order). */
function zeroBlock(sys: usize, fb: usize, n: i32): void {
  const bytes = <usize>n << 3;
  for (let k = 0; k < 6; k++) memory.fill(fb == 0 ? gP(sys, P_FX + k) : gP(fb, FB_FX + k), 0, bytes);
}

/** f[i] += block u's f[i] for u = 1..T-1 in order, on particles [i0, i1); the same for the torques. */
function sumBlocks(sys: usize, i0: i32, i1: i32, T: i32): void {
  const blk = gP(sys, P_FBLK);
  for (let k = 0; k < 6; k++) {
    const dst = gP(sys, P_FX + k);
    for (let u = 1; u < T; u++) {
      const src = gP(blk + <usize>(u * FB_SLOTS * 8), FB_FX + k);
      for (let i = i0; i < i1; i++) stF(dst, i, ldF(dst, i) + ldF(src, i));
    }
  }
}

/** Each wall's force and contacts: the threads' partial sums in thread order. */
function wallTotals(sys: usize, wpart: usize, nw: i32, T: i32): void {
  for (let w = 0; w < nw; w++) {
    const wb = gP(sys, P_WALLS) + (<usize>(w * WALL_SLOTS) << 3);
    let fx = 0.0, fy = 0.0, fz = 0.0, nc = 0.0;
    for (let u = 0; u < T; u++) {
      const p = wpart + (<usize>((u * nw + w) * 4) << 3);
      fx += ldF(p, 0); fy += ldF(p, 1); fz += ldF(p, 2); nc += ldF(p, 3);
    }
    sF(wb, W_FX, fx); sF(wb, W_FY, fy); sF(wb, W_FZ, fz); sI(wb, W_NCONT, <i32>nc);
  }
}
