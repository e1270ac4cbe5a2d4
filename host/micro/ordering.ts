/**
 * The sparse direct solver's set-up, done once per mesh on the host: a fill-reducing order of the mesh's
 * vertices (nested dissection by breadth-first level-set separators, George 1973, on the vertex graph), and the
 * symbolic factorisation of the (structurally symmetric) matrix in that order: the elimination tree and the
 * row indices of every column of L (the columns of L and the rows of U share them). The numeric LU is
 * assembly/micro/lu.ts.
 */

/** A graph in adjacency form (CSR, no self loops, symmetric). */
export interface Graph {
  n: number;
  ptr: Int32Array;
  adj: Int32Array;
}

/** Builds a symmetric graph from undirected edges (duplicates removed). */
export function graphFromEdges(n: number, edges: ArrayLike<number>): Graph {
  const sets: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let e = 0; e + 1 < edges.length; e += 2) {
    const a = edges[e],
      b = edges[e + 1];
    if (a === b) continue;
    sets[a].add(b);
    sets[b].add(a);
  }
  const ptr = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) ptr[v + 1] = ptr[v] + sets[v].size;
  const adj = new Int32Array(ptr[n]);
  for (let v = 0; v < n; v++) adj.set(Int32Array.from(sets[v]).sort(), ptr[v]);
  return { n, ptr, adj };
}

const LEAF = 12;

/**
 * Nested-dissection order of the vertices: perm[k] = the vertex eliminated k-th. A subgraph is split by the
 * middle level set of a breadth-first search from a pseudo-peripheral vertex (trimmed to the vertices that
 * touch the far side); both halves first, the separator last; small parts in breadth-first order.
 */
export function nestedDissection(g: Graph): Int32Array {
  const { n, ptr, adj } = g;
  const perm = new Int32Array(n);
  let out = 0;
  const part = new Int32Array(n).fill(-1); // current subset id of each vertex
  const level = new Int32Array(n);
  const queue = new Int32Array(n);
  let nextId = 0;

  /** BFS inside subset `id` from `root`; returns the vertices in visiting order (levels in `level`). */
  const bfs = (root: number, id: number, mark: Int32Array, stamp: number): number => {
    let qh = 0,
      qt = 0;
    queue[qt++] = root;
    mark[root] = stamp;
    level[root] = 0;
    while (qh < qt) {
      const v = queue[qh++];
      for (let p = ptr[v]; p < ptr[v + 1]; p++) {
        const w = adj[p];
        if (part[w] === id && mark[w] !== stamp) {
          mark[w] = stamp;
          level[w] = level[v] + 1;
          queue[qt++] = w;
        }
      }
    }
    return qt;
  };
  const mark = new Int32Array(n).fill(-1);
  let stamp = 0;

  const dissect = (verts: Int32Array): void => {
    if (verts.length === 0) return;
    const id = nextId++;
    for (const v of verts) part[v] = id;
    // split into connected components first
    const comps: Int32Array[] = [];
    {
      const st = stamp++;
      for (const v of verts) {
        if (mark[v] === st) continue;
        const m = bfs(v, id, mark, st);
        comps.push(queue.slice(0, m));
      }
    }
    if (comps.length > 1) {
      for (const c of comps) dissect(c);
      return;
    }
    if (verts.length <= LEAF) {
      const m = comps[0];
      for (let k = 0; k < m.length; k++) perm[out++] = m[k];
      return;
    }
    // pseudo-peripheral root: repeat BFS from the last vertex reached while the depth grows
    let root = verts[0],
      depth = -1,
      m = 0;
    for (let it = 0; it < 8; it++) {
      m = bfs(root, id, mark, stamp++);
      const last = queue[m - 1];
      if (level[last] <= depth) break;
      depth = level[last];
      root = last;
    }
    m = bfs(root, id, mark, stamp++);
    const order = queue.slice(0, m);
    // the level where the count crosses half
    const half = m >> 1;
    const sepLevel = level[order[half]];
    if (sepLevel === 0 || sepLevel === level[order[m - 1]]) {
      for (let k = 0; k < m; k++) perm[out++] = order[k];
      return;
    }
    const A: number[] = [],
      B: number[] = [],
      S: number[] = [];
    for (const v of order) (level[v] < sepLevel ? A : level[v] > sepLevel ? B : S).push(v);
    // trim: a separator vertex with no neighbour beyond it belongs to the near side
    const keep: number[] = [];
    for (const v of S) {
      let touchesB = false;
      for (let p = ptr[v]; p < ptr[v + 1] && !touchesB; p++) touchesB = part[adj[p]] === id && level[adj[p]] > sepLevel;
      (touchesB ? keep : A).push(v);
    }
    dissect(Int32Array.from(A));
    dissect(Int32Array.from(B));
    for (const v of keep) perm[out++] = v;
  };
  const all = Int32Array.from({ length: n }, (_, v) => v);
  dissect(all);
  if (out !== n) throw new Error(`nestedDissection: ordered ${out} of ${n} vertices`);
  return perm;
}

/** The structure of L for a structurally symmetric matrix given by its (full) CSR pattern in elimination order. */
export interface Symbolic {
  n: number;
  /** column pointers of L (strictly lower; the same index lists are the rows of U) */
  lp: Int32Array;
  /** row indices of L, sorted within each column */
  li: Int32Array;
  parent: Int32Array;
  /** multiply-adds of the numeric LU (both triangles) */
  flops: number;
}

/** Symbolic factorisation: struct(L_j) = struct(A_{>j, j}) united with the structures of j's children in the elimination tree. */
export function symbolic(n: number, rp: Int32Array, ci: Int32Array): Symbolic {
  const parent = new Int32Array(n).fill(-1);
  const childHead = new Int32Array(n).fill(-1),
    childNext = new Int32Array(n).fill(-1);
  const cols: Int32Array[] = new Array(n);
  const mark = new Int32Array(n).fill(-1);
  const buf = new Int32Array(n);
  let nnz = 0,
    flops = 0;
  for (let j = 0; j < n; j++) {
    let m = 0;
    mark[j] = j;
    for (let p = rp[j]; p < rp[j + 1]; p++) {
      const i = ci[p];
      if (i > j && mark[i] !== j) {
        mark[i] = j;
        buf[m++] = i;
      }
    }
    for (let c = childHead[j]; c >= 0; c = childNext[c]) {
      const lc = cols[c];
      for (let q = 0; q < lc.length; q++) {
        const i = lc[q];
        if (mark[i] !== j) {
          mark[i] = j;
          buf[m++] = i;
        }
      }
    }
    const col = buf.slice(0, m).sort();
    cols[j] = col;
    nnz += m;
    flops += m * m;
    if (m > 0) {
      const pj = col[0];
      parent[j] = pj;
      childNext[j] = childHead[pj];
      childHead[pj] = j;
    }
  }
  const lp = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) lp[j + 1] = lp[j] + cols[j].length;
  const li = new Int32Array(nnz);
  for (let j = 0; j < n; j++) li.set(cols[j], lp[j]);
  return { n, lp, li, parent, flops: 2 * flops + nnz };
}
