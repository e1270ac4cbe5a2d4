/**
 * The micro model's mesh (paper 001 Fig 6; SPEC §6): a structured O-grid of bilinear quads (Q1) over a square
 * box of side L around a circular AM particle of radius R, centred at the origin.
 *
 *   - the particle: an inner square block (nq x nq quads) and a ring of ma layers from the square to the circle;
 *   - the SE: a ring of ms layers from the circle to the box sides;
 *   - every line outside the inner square is a ray from the centre at the angles
 *     theta_k = -pi/4 + (pi/2) k / nq, k = 0 .. 4 nq - 1, so the interface is the regular polygon of 4 nq
 *     sides inscribed in the circle and the elements next to it are orthogonal;
 *   - the layers are graded towards the interface (the concentration boundary layer of a lithiating particle
 *     is thin at the start: sqrt(D t) ~ 0.15 R when the surface saturates at the paper's fastest flux);
 *   - `interface: "cohesive"`: the interface nodes are duplicated (AM side, SE side) and joined by zero-thickness
 *     cohesive elements integrated at the node pairs (Lobatto points, nodal normal = the circle's radius), so the
 *     interface carries one damage value per node pair; `"bonded"`: the phases share the interface nodes.
 *
 * The one refinement knob is `resolution` (integer >= MIN_RESOLUTION): nq = 4 r quads per quarter of the
 * circle, ma = 3 r AM layers and ms = 2 r SE layers (+ fixed extras), so every element size scales as 1/r.
 */
import { ConfigError, inputError } from "../config/errors.js";
import { cos, pow, sin } from "../core/portable_math.js";

/** The coarsest mesh that resolves the interface: 16 segments around the circle (perimeter within 0.7 %
 *  of 2 pi R), 4 AM layers graded to ~0.05 R at the surface; refuse anything coarser. */
export const MIN_RESOLUTION = 1;
/** The finest mesh accepted (r = 12: ~16,000 nodes; the factorisation grows as N^1.5). */
export const MAX_RESOLUTION = 12;

/** What a `resolution` must be (the config schema and checkResolution say the same). */
export const RESOLUTION_EXPECTED = `expected an integer from ${MIN_RESOLUTION} (the coarsest mesh that resolves the interface) to ${MAX_RESOLUTION}`;

/** Refuses a `resolution` that does not give a mesh resolving the interface (ConfigError naming the field). */
export function checkResolution(resolution: number, where = "resolution"): void {
  if (!Number.isInteger(resolution) || resolution < MIN_RESOLUTION || resolution > MAX_RESOLUTION)
    throw inputError(
      where,
      resolution,
      `an integer from ${MIN_RESOLUTION} (the coarsest mesh that resolves the interface) to ${MAX_RESOLUTION}`,
    );
}

/** Mesh sizes for a resolution (see the file comment). */
export function meshSizes(resolution: number): { nq: number; ma: number; ms: number } {
  checkResolution(resolution);
  return { nq: 4 * resolution, ma: 3 * resolution + 1, ms: 2 * resolution + 1 };
}

/** Half-side of the inner square of the particle [R]. */
const INNER = 0.45;
/** Ratio of the first to the last layer size of the AM ring (finest at the surface). */
const GRADE_AM = 4;
/** Ratio of the last to the first layer size of the SE ring (finest at the interface). */
const GRADE_SE = 3;

export interface MicroMesh {
  R: number;
  L: number;
  nq: number;
  ma: number;
  ms: number;
  cohesive: boolean;
  /** node coordinates [m] */
  x: Float64Array;
  y: Float64Array;
  /** 1: the node carries the AM fields (c, p): it belongs to an AM element */
  am: Uint8Array;
  /** quads, 4 node indices each, counter-clockwise; the AM quads first */
  quads: Int32Array;
  nAmElements: number;
  /** interface node pairs (one per polygon vertex, counter-clockwise from theta_0): AM node, SE node (the same when bonded) */
  pairAm: Int32Array;
  pairSe: Int32Array;
  /** outward unit normal of the particle at the pair (the radius) and the pair's length weight [m] (half of each adjacent side) */
  pairNx: Float64Array;
  pairNy: Float64Array;
  pairW: Float64Array;
  /** nodes with u_x = 0 (the left side) */
  left: Int32Array;
  /** right-side nodes and their length weights [m] (the distributed spring) */
  right: Int32Array;
  rightW: Float64Array;
  /** periodic top/bottom: top[i] moves as bottom[i] (same x) */
  top: Int32Array;
  bottom: Int32Array;
  /** the particle's centre node (u_y = 0) */
  centre: number;
}

const grade = (z: number, q: number) => (q === 1 ? z : (1 - pow(q, -z)) / (1 - 1 / q)); // first/last size ratio q

/** Builds the O-grid of a box of side L [m] around a particle of radius R [m]. */
export function buildMesh(R: number, L: number, resolution: number, cohesive: boolean): MicroMesh {
  const { nq, ma, ms } = meshSizes(resolution);
  if (!(L > 2 * R * Math.SQRT2 * 0.75)) throw new ConfigError(`micro mesh: box side ${L} m too small for the particle radius ${R} m`);
  const nk = 4 * nq;
  const nInner = (nq + 1) * (nq + 1);
  const nAmRing = nk * ma;
  const nSe = nk * (cohesive ? ms + 1 : ms);
  const nn = nInner + nAmRing + nSe;
  const x = new Float64Array(nn),
    y = new Float64Array(nn),
    am = new Uint8Array(nn);
  const s = INNER * R,
    b = L / 2;
  const th = (k: number) => -Math.PI / 4 + (Math.PI / 2) * (k / nq);
  // inner square: the tensor grid of s tan(theta) (its sides are where the rays meet the square)
  const t1 = (i: number) => s * Math.tan(th(i));
  const inner = (i: number, j: number) => j * (nq + 1) + i;
  for (let j = 0; j <= nq; j++)
    for (let i = 0; i <= nq; i++) {
      x[inner(i, j)] = t1(i);
      y[inner(i, j)] = t1(j);
      am[inner(i, j)] = 1;
    }
  // the square's boundary loop, counter-clockwise from theta_0 (the bottom-right corner)
  const loop = new Int32Array(nk);
  for (let k = 0; k < nk; k++) {
    const side = Math.floor(k / nq),
      m = k - side * nq;
    loop[k] = side === 0 ? inner(nq, m) : side === 1 ? inner(nq - m, nq) : side === 2 ? inner(0, nq - m) : inner(m, 0);
  }
  // ray point: on the square (sq), the circle, the box
  const onSquare = (k: number, h: number) => {
    const c = cos(th(k)),
      sn = sin(th(k)),
      m = Math.max(Math.abs(c), Math.abs(sn));
    return [(h * c) / m, (h * sn) / m];
  };
  // AM ring: layer l = 1 .. ma (l = ma on the circle)
  const ring = (l: number, k: number) => nInner + (l - 1) * nk + (((k % nk) + nk) % nk);
  for (let l = 1; l <= ma; l++) {
    const f = grade(l / ma, GRADE_AM);
    for (let k = 0; k < nk; k++) {
      const [qx, qy] = onSquare(k, s);
      const cx = R * cos(th(k)),
        cy = R * sin(th(k));
      const n = ring(l, k);
      x[n] = l === ma ? cx : qx + f * (cx - qx);
      y[n] = l === ma ? cy : qy + f * (cy - qy);
      am[n] = 1;
    }
  }
  // SE ring: layer l = 0 .. ms (l = 0 on the circle: the AM ring's last layer when bonded)
  const se0 = nInner + nAmRing;
  const seNode = (l: number, k: number) => {
    const kk = ((k % nk) + nk) % nk;
    if (!cohesive) return l === 0 ? ring(ma, kk) : se0 + (l - 1) * nk + kk;
    return se0 + l * nk + kk;
  };
  for (let l = cohesive ? 0 : 1; l <= ms; l++) {
    const f = 1 - grade(1 - l / ms, GRADE_SE);
    for (let k = 0; k < nk; k++) {
      const [bx, by] = onSquare(k, b);
      const cx = R * cos(th(k)),
        cy = R * sin(th(k));
      const n = seNode(l, k);
      x[n] = l === 0 ? cx : l === ms ? bx : cx + f * (bx - cx);
      y[n] = l === 0 ? cy : l === ms ? by : cy + f * (by - cy);
    }
  }
  // quads: inner, AM ring, SE ring (counter-clockwise)
  const nAm = nq * nq + nk * ma,
    ne = nAm + nk * ms;
  const quads = new Int32Array(4 * ne);
  let e = 0;
  const quad = (a: number, b2: number, c: number, d: number) => {
    quads.set([a, b2, c, d], 4 * e++);
  };
  for (let j = 0; j < nq; j++) for (let i = 0; i < nq; i++) quad(inner(i, j), inner(i + 1, j), inner(i + 1, j + 1), inner(i, j + 1));
  for (let l = 1; l <= ma; l++)
    for (let k = 0; k < nk; k++) {
      const lo = (kk: number) => (l === 1 ? loop[((kk % nk) + nk) % nk] : ring(l - 1, kk));
      quad(lo(k), ring(l, k), ring(l, k + 1), lo(k + 1));
    }
  for (let l = 1; l <= ms; l++) for (let k = 0; k < nk; k++) quad(seNode(l - 1, k), seNode(l, k), seNode(l, k + 1), seNode(l - 1, k + 1));
  // interface pairs (polygon vertices), normals, length weights (half of each adjacent chord)
  const chord = 2 * R * sin(Math.PI / nk);
  const pairAm = new Int32Array(nk),
    pairSe = new Int32Array(nk),
    pairNx = new Float64Array(nk),
    pairNy = new Float64Array(nk),
    pairW = new Float64Array(nk).fill(chord);
  for (let k = 0; k < nk; k++) {
    pairAm[k] = ring(ma, k);
    pairSe[k] = seNode(0, k);
    pairNx[k] = cos(th(k));
    pairNy[k] = sin(th(k));
  }
  // box sides (SE layer ms): right k = 0..nq, top nq..2nq, left 2nq..3nq, bottom 3nq..4nq
  const box = (k: number) => seNode(ms, k);
  const sideNodes = (k0: number) => Int32Array.from({ length: nq + 1 }, (_, m) => box(k0 + m));
  const left = sideNodes(2 * nq);
  const right = sideNodes(0);
  const rightW = new Float64Array(nq + 1);
  for (let m = 0; m < nq; m++) {
    const h = Math.abs(y[right[m + 1]] - y[right[m]]);
    rightW[m] += h / 2;
    rightW[m + 1] += h / 2;
  }
  // top node at theta = pi/4 + (pi/2) m/nq is the mirror (x, -y) of the bottom node k = 4 nq - m
  const top = Int32Array.from({ length: nq + 1 }, (_, m) => box(nq + m));
  const bottom = Int32Array.from({ length: nq + 1 }, (_, m) => box(nk - m));
  return {
    R,
    L,
    nq,
    ma,
    ms,
    cohesive,
    x,
    y,
    am,
    quads,
    nAmElements: nAm,
    pairAm,
    pairSe,
    pairNx,
    pairNy,
    pairW,
    left,
    right,
    rightW,
    top,
    bottom,
    centre: inner(nq / 2, nq / 2),
  };
}
