/**
 * The reference transport solver: the specification of what `GridSolver` (solver.ts, over the kernels of
 * assembly/transport/) computes, written to be read rather than fast, in the spirit of TauFactor (Cooper et
 * al., SoftwareX 2016; Kench et al., JOSS 2023); test/transport/reference.test.ts holds the fast path to it.
 *
 * Discretisation (fixtures/transport/README.md, TauFactor's): cell-centred finite volumes on an n0 x n1 x n2
 * grid, transport along axis 0, cell (i, j, k) at (i n1 + j) n2 + k. Face neighbours are joined by a link of
 * conductance 2 s_a s_b / (s_a + s_b) (0 if either is 0); a lateral axis is no-flux, or periodic (its last
 * cell linked to its first, when it has more than one cell). The first and last layers are joined to
 * electrodes at potential 1 and 0 by half-voxel links of conductance 2 s. Percolation rule: only cells
 * joined through links to both electrodes carry current; the others are removed (potential 0), which
 * changes nothing on the network. There: diag_a x_a - sum_b g_ab x_b = 2 s_a [a in the first layer], diag_a
 * the sum of a's link conductances, electrode links included; stop when ||b - A x||_2 <= rtol ||b||_2.
 * Currents: I_in = sum 2 s (1 - x) over the first layer, I_out = sum 2 s x over the last.
 * Solvers: red-black SOR (TauFactor's method) and conjugate gradients preconditioned by a plain V-cycle
 * (2x2x2 blocks of network cells as aggregates, Galerkin coarse matrices, one forward Gauss-Seidel sweep
 * before and one backward after the coarse correction: a symmetric preconditioner; Cholesky on the coarsest).
 */

export interface ReferenceOptions {
  method?: "cg" | "sor";
  rtol?: number;
  maxIterations?: number;
  /** SOR relaxation factor (default 2 / (1 + sin(pi / N)), N the longest grid dimension, as GridSolver). */
  omega?: number;
}

export interface ReferenceSolve {
  status: "converged" | "not-converged" | "breakdown" | "no-path";
  /** Potential per cell (grid order), 0 off the network. */
  potential: Float64Array;
  fluxIn: number;
  fluxOut: number;
  /** Cells with sigma > 0, and those joined to both electrodes. */
  nActive: number;
  nPercolating: number;
  iterations: number;
  /** Final ||b - A x|| / ||b||. */
  residual: number;
}

/** A symmetric matrix: its diagonal, and its off-diagonal conductances (the entry is -g) in compressed rows. */
interface Matrix {
  n: number;
  diag: Float64Array;
  start: Int32Array;
  col: Int32Array;
  g: Float64Array;
}

const harmonic = (a: number, b: number) => (a + b > 0 ? (2 * a * b) / (a + b) : 0);

const dot = (u: Float64Array, v: Float64Array) => u.reduce((s, ua, a) => s + ua * v[a], 0);

/** out = b - A x, returns ||out||^2; or (b null) out = A x, returns x . A x. */
function apply(A: Matrix, x: Float64Array, out: Float64Array, b: Float64Array | null): number {
  let acc = 0;
  for (let a = 0; a < A.n; a++) {
    let ax = A.diag[a] * x[a];
    for (let p = A.start[a]; p < A.start[a + 1]; p++) ax -= A.g[p] * x[A.col[p]];
    out[a] = b ? b[a] - ax : ax;
    acc += b ? out[a] * out[a] : x[a] * ax;
  }
  return acc;
}

/** Links between nodes: [a, b, g]. */
type Links = [number, number, number][];

/** The matrix of links over n nodes plus an extra diagonal dd (the electrode links). */
function assemble(n: number, links: Links, dd: Float64Array): Matrix {
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const diag = Float64Array.from(dd);
  for (const [a, b, g] of links) {
    diag[a] += g;
    diag[b] += g;
    rows[a].set(b, (rows[a].get(b) ?? 0) + g);
    rows[b].set(a, (rows[b].get(a) ?? 0) + g);
  }
  const start = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) start[a + 1] = start[a] + rows[a].size;
  const col = new Int32Array(start[n]),
    g = new Float64Array(start[n]);
  for (let a = 0; a < n; a++) {
    let p = start[a];
    for (const [b, v] of rows[a]) {
      col[p] = b;
      g[p++] = v;
    }
  }
  return { n, diag, start, col, g };
}

/** Cells reached from `seeds` through the links (a flood fill). */
function flood(n: number, adj: number[][], seeds: number[]): Uint8Array {
  const seen = new Uint8Array(n);
  const stack = [...seeds];
  for (const c of seeds) seen[c] = 1;
  while (stack.length > 0)
    for (const d of adj[stack.pop() as number])
      if (!seen[d]) {
        seen[d] = 1;
        stack.push(d);
      }
  return seen;
}

/** A multigrid level: its matrix and node -> coarse node map and coarse level, or (coarsest) A's Cholesky factor. */
type Level = { A: Matrix; agg?: Int32Array; coarse?: Level; chol?: Float64Array };

/** Multigrid levels: 2x2x2 blocks of the nodes at grid positions `pos`, until at most 200 nodes are left. */
function hierarchy(A: Matrix, pos: number[][]): Level {
  if (A.n <= 200) return { A, chol: cholesky(A) };
  const id = new Map<string, number>(),
    agg = new Int32Array(A.n),
    cpos: number[][] = [];
  pos.forEach(([i, j, k], a) => {
    const key = `${i >> 1},${j >> 1},${k >> 1}`;
    if (!id.has(key)) id.set(key, cpos.push([i >> 1, j >> 1, k >> 1]) - 1);
    agg[a] = id.get(key) as number;
  });
  // Galerkin A_c = P^T A P: the links between aggregates; a link inside one adds nothing (its +g and -g cancel)
  const links: Links = [],
    dd = new Float64Array(cpos.length);
  for (let a = 0; a < A.n; a++) {
    let sum = 0;
    for (let p = A.start[a]; p < A.start[a + 1]; p++) {
      const b = A.col[p];
      sum += A.g[p];
      if (b > a && agg[b] !== agg[a]) links.push([agg[a], agg[b], A.g[p]]);
    }
    dd[agg[a]] += A.diag[a] - sum;
  }
  return { A, agg, coarse: hierarchy(assemble(cpos.length, links, dd), cpos) };
}

/** Dense lower Cholesky factor of A (row-major n x n). */
function cholesky(A: Matrix): Float64Array {
  const n = A.n,
    L = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    L[a * n + a] = A.diag[a];
    for (let p = A.start[a]; p < A.start[a + 1]; p++) L[a * n + A.col[p]] = -A.g[p];
  }
  for (let j = 0; j < n; j++) {
    for (let t = 0; t < j; t++) L[j * n + j] -= L[j * n + t] ** 2;
    L[j * n + j] = Math.sqrt(L[j * n + j]);
    for (let i = j + 1; i < n; i++) {
      for (let t = 0; t < j; t++) L[i * n + j] -= L[i * n + t] * L[j * n + t];
      L[i * n + j] /= L[j * n + j];
    }
  }
  return L;
}

/** Relaxes node a: x_a += omega ((b_a + sum_b g_ab x_b) / diag_a - x_a) (omega 1: Gauss-Seidel). */
function relax(A: Matrix, x: Float64Array, b: Float64Array, a: number, omega: number): void {
  let s = b[a];
  for (let p = A.start[a]; p < A.start[a + 1]; p++) s += A.g[p] * x[A.col[p]];
  x[a] += omega * (s / A.diag[a] - x[a]);
}

/** One Gauss-Seidel sweep (nodes ascending, or descending: the adjoint). */
function gaussSeidel(A: Matrix, x: Float64Array, b: Float64Array, descending: boolean): void {
  for (let t = 0; t < A.n; t++) relax(A, x, b, descending ? A.n - 1 - t : t, 1);
}

/** x = M^-1 b: one V-cycle from x = 0. */
function vcycle(L: Level, b: Float64Array): Float64Array {
  const A = L.A,
    n = A.n,
    x = new Float64Array(n);
  if (L.chol) {
    const f = L.chol;
    for (let i = 0; i < n; i++) {
      x[i] = b[i];
      for (let t = 0; t < i; t++) x[i] -= f[i * n + t] * x[t];
      x[i] /= f[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      for (let t = i + 1; t < n; t++) x[i] -= f[t * n + i] * x[t];
      x[i] /= f[i * n + i];
    }
    return x;
  }
  const agg = L.agg as Int32Array,
    coarse = L.coarse as Level;
  gaussSeidel(A, x, b, false);
  const r = new Float64Array(n),
    bc = new Float64Array(coarse.A.n);
  apply(A, x, r, b);
  for (let a = 0; a < n; a++) bc[agg[a]] += r[a];
  const xc = vcycle(coarse, bc);
  for (let a = 0; a < n; a++) x[a] += xc[agg[a]];
  gaussSeidel(A, x, b, true);
  return x;
}

/** Red-black SOR from x until ||b - A x|| <= rtol ||b|| (checked every 10 sweeps); returns the sweeps. */
function sor(A: Matrix, b: Float64Array, x: Float64Array, colour: number[], omega: number, rtol: number, maxIt: number): number {
  const r = new Float64Array(A.n),
    bn = Math.sqrt(dot(b, b));
  let it = 0;
  while (Math.sqrt(apply(A, x, r, b)) > rtol * bn && it < maxIt)
    for (let sweep = 0; sweep < 10 && it < maxIt; sweep++, it++)
      for (const red of [0, 1]) for (let a = 0; a < A.n; a++) if (colour[a] === red) relax(A, x, b, a, omega);
  return it;
}

/**
 * Conjugate gradients preconditioned by M from x until the true ||b - A x|| <= rtol ||b|| (where the
 * updated residual says so but the true one does not, CG restarts from the true one); returns the
 * iterations (-1: breakdown).
 */
function cg(A: Matrix, b: Float64Array, x: Float64Array, M: Level, rtol: number, maxIt: number): number {
  const r = new Float64Array(A.n),
    q = new Float64Array(A.n),
    p = new Float64Array(A.n),
    bn = Math.sqrt(dot(b, b));
  let rz = 0;
  for (let it = 0; ; it++) {
    if (it === 0 || it === maxIt || Math.sqrt(dot(r, r)) <= rtol * bn) {
      if (Math.sqrt(apply(A, x, r, b)) <= rtol * bn || it === maxIt) return it;
      rz = 0; // (re)start: p = z
    }
    const z = vcycle(M, r),
      rzNew = dot(r, z);
    for (let a = 0; a < A.n; a++) p[a] = z[a] + (rz === 0 ? 0 : rzNew / rz) * p[a];
    rz = rzNew;
    const pq = apply(A, p, q, null);
    if (!(pq > 0)) return -1;
    for (let a = 0; a < A.n; a++) {
      x[a] += (rz / pq) * p[a];
      r[a] -= (rz / pq) * q[a];
    }
  }
}

/** Solves a conduction problem on a grid of conductivities `sigma` (grid order, transport axis first). */
export function referenceSolve(
  sigma: ArrayLike<number>,
  shape: [number, number, number],
  periodic: [boolean, boolean],
  opts: ReferenceOptions = {},
): ReferenceSolve {
  const { method = "cg", rtol = 1e-10, maxIterations = 20000 } = opts;
  const [n0, n1, n2] = shape,
    m = n1 * n2,
    n = n0 * m;
  const at = (c: number) => [Math.floor(c / m), Math.floor(c / n2) % n1, c % n2];
  const gin = (c: number) => (c < m ? 2 * sigma[c] : 0),
    gout = (c: number) => (c >= n - m ? 2 * sigma[c] : 0);
  // links with g > 0, each once: to the next cell along each axis, or across a periodic seam from the last
  const links: Links = [],
    adj: number[][] = Array.from({ length: n }, () => []),
    stride = [m, n2, 1];
  for (let c = 0; c < n; c++)
    at(c).forEach((idx, ax) => {
      if (idx === shape[ax] - 1 && !(ax > 0 && periodic[ax - 1] && shape[ax] > 1)) return;
      const d = idx < shape[ax] - 1 ? c + stride[ax] : c - idx * stride[ax];
      const g = harmonic(sigma[c], sigma[d]);
      if (!(g > 0)) return;
      links.push([c, d, g]);
      adj[c].push(d);
      adj[d].push(c);
    });
  // percolation: the cells reached by flood fills from both electrodes
  const cells = [...Array(n).keys()];
  const inlet = cells.filter((c) => gin(c) > 0),
    outlet = cells.filter((c) => gout(c) > 0);
  const fromIn = flood(n, adj, inlet),
    fromOut = flood(n, adj, outlet);
  const net = cells.filter((c) => fromIn[c] && fromOut[c]);
  const node = new Int32Array(n).fill(-1);
  for (const [a, c] of net.entries()) node[c] = a;
  const potential = new Float64Array(n);
  const out = { potential, nActive: cells.filter((c) => sigma[c] > 0).length, nPercolating: net.length };
  if (net.length === 0) return { ...out, status: "no-path", fluxIn: 0, fluxOut: 0, iterations: 0, residual: 0 };
  // the system on the network (a link with one end on it has both), from the linear profile of a straight channel
  const onNet: Links = links.filter(([c]) => node[c] >= 0).map(([c, d, g]) => [node[c], node[d], g]);
  const dd = Float64Array.from(net, (c) => gin(c) + gout(c));
  const A = assemble(net.length, onNet, dd);
  const b = Float64Array.from(net, gin);
  const x = Float64Array.from(net, (c) => 1 - (at(c)[0] + 0.5) / n0);
  const omega = opts.omega ?? 2 / (1 + Math.sin(Math.PI / Math.max(2, ...shape)));
  const colour = net.map((c) => (at(c)[0] + at(c)[1] + at(c)[2]) & 1);
  const it =
    method === "sor" ? sor(A, b, x, colour, omega, rtol, maxIterations) : cg(A, b, x, hierarchy(A, net.map(at)), rtol, maxIterations);
  const residual = Math.sqrt(apply(A, x, new Float64Array(A.n), b) / dot(b, b));
  let fluxIn = 0,
    fluxOut = 0;
  net.forEach((c, a) => {
    potential[c] = x[a];
    fluxIn += gin(c) * (1 - x[a]);
    fluxOut += gout(c) * x[a];
  });
  const status = it < 0 || Number.isNaN(residual) ? "breakdown" : residual <= rtol ? "converged" : "not-converged";
  return { ...out, status, fluxIn, fluxOut, iterations: Math.max(it, 0), residual };
}
