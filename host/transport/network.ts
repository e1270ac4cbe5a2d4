/**
 * The spanning network of a 0/1 field on the whole grid, in plain TypeScript: the cells joined to both electrode
 * faces (the percolation rule of assembly/transport/percolate.ts, there per compute core). A volume solved in
 * slabs (slabs.ts) needs it before any slab is built: a piece of the network may leave a slab through one face
 * and come back through the same one, so no slab can tell on its own which of its cells span.
 *
 * Union-find over runs (maximal sequences of conducting cells along k), streamed plane by plane: only two planes
 * of run numbers are held, so the memory is the field itself plus 5 bytes per run.
 */

export interface SpanningNetwork {
  /** Conducting cells (field value 1). */
  nActive: number;
  /** Cells joined to both electrode faces (left at 1 in the field; every other cell is set to 0). */
  nSpanning: number;
}

/**
 * Keeps in `on` (0/1 per cell, internal order: transport axis first, cell (i, j, k) at (i n1 + j) n2 + k) the cells
 * joined to both the i = 0 and the i = n0 - 1 face; sets the others to 0. Lateral axes no-flux or periodic.
 */
export function keepSpanning(on: Uint8Array, shape: [number, number, number], periodic: [boolean, boolean]): SpanningNetwork {
  const [n0, n1, n2] = shape;
  const m = n1 * n2;
  const per1 = periodic[0] && n1 > 1,
    per2 = periodic[1] && n2 > 1;
  let parent = new Int32Array(Math.max(1024, m));
  let flags = new Uint8Array(parent.length);
  let nRuns = 0;
  const find = (a: number): number => {
    let r = a;
    while (parent[r] !== r) {
      const g = parent[parent[r]];
      parent[r] = g;
      r = g;
    }
    return r;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a),
      rb = find(b);
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };
  const newRun = (flag: number): number => {
    if (nRuns === parent.length) {
      const p = new Int32Array(parent.length * 2);
      p.set(parent);
      parent = p;
      const f = new Uint8Array(parent.length);
      f.set(flags);
      flags = f;
    }
    parent[nRuns] = nRuns;
    flags[nRuns] = flag;
    return nRuns++;
  };
  let prev = new Int32Array(m).fill(-1);
  let cur = new Int32Array(m);
  let nActive = 0;
  for (let i = 0; i < n0; i++) {
    const flag = (i === 0 ? 1 : 0) | (i === n0 - 1 ? 2 : 0);
    const base = i * m;
    for (let j = 0; j < n1; j++) {
      const row = j * n2;
      let run = -1;
      for (let k = 0; k < n2; k++) {
        const jk = row + k;
        if (on[base + jk] === 0) {
          cur[jk] = -1;
          run = -1;
          continue;
        }
        nActive++;
        if (run < 0) run = newRun(flag);
        cur[jk] = run;
        // one union per overlap with the run below (previous plane) and beside (previous row), not one per cell
        const px = prev[jk];
        if (px >= 0 && !(k > 0 && cur[jk - 1] === run && prev[jk - 1] === px)) union(run, px);
        if (j > 0) {
          const py = cur[jk - n2];
          if (py >= 0 && !(k > 0 && cur[jk - 1] === run && cur[jk - 1 - n2] === py)) union(run, py);
        }
      }
      // the periodic seam along k joins the row's last run to its first
      if (per2 && cur[row] >= 0 && cur[row + n2 - 1] >= 0) union(cur[row], cur[row + n2 - 1]);
    }
    if (per1) for (let k = 0; k < n2; k++) if (cur[k] >= 0 && cur[(n1 - 1) * n2 + k] >= 0) union(cur[k], cur[(n1 - 1) * n2 + k]);
    const t = prev;
    prev = cur;
    cur = t;
  }
  // face flags at the roots, then a run's verdict
  for (let r = 0; r < nRuns; r++) {
    const root = find(r);
    if (root !== r) flags[root] |= flags[r];
  }
  const keep = new Uint8Array(nRuns);
  for (let r = 0; r < nRuns; r++) keep[r] = flags[find(r)] === 3 ? 1 : 0;
  // the runs again, in the same order: clear the cells of runs that do not span
  let id = 0,
    nSpanning = 0;
  for (let row = 0; row < n0 * n1; row++) {
    const base = row * n2;
    let inRun = false,
      k0 = keep[0];
    for (let k = 0; k < n2; k++) {
      if (on[base + k] === 0) {
        inRun = false;
        continue;
      }
      if (!inRun) {
        k0 = keep[id++];
        inRun = true;
      }
      if (k0) nSpanning++;
      else on[base + k] = 0;
    }
  }
  return { nActive, nSpanning };
}
