/** Uniform hash grid for overlap tests during insertion (periodic along x/y when asked). */
export class OverlapGrid {
  private cells = new Map<number, number[]>();
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly z: number[] = [];
  readonly r: number[] = [];
  /** cell edge per axis: along a periodic axis it divides the period exactly */
  private readonly c: [number, number, number];
  private readonly n: [number, number];
  constructor(
    cell: number,
    private readonly L: [number, number],
    private readonly periodic: [boolean, boolean],
  ) {
    const nx = periodic[0] ? Math.max(1, Math.floor(L[0] / cell)) : 0;
    const ny = periodic[1] ? Math.max(1, Math.floor(L[1] / cell)) : 0;
    this.n = [nx, ny];
    this.c = [periodic[0] ? L[0] / nx : cell, periodic[1] ? L[1] / ny : cell, cell];
  }
  private key(ix: number, iy: number, iz: number): number {
    return ((ix * 73856093) ^ (iy * 19349663) ^ (iz * 83492791)) | 0;
  }
  private wrap(i: number, a: 0 | 1): number {
    return this.periodic[a] ? ((i % this.n[a]) + this.n[a]) % this.n[a] : i;
  }
  add(x: number, y: number, z: number, r: number): void {
    const k = this.x.length;
    this.x.push(x);
    this.y.push(y);
    this.z.push(z);
    this.r.push(r);
    const key = this.key(this.wrap(Math.floor(x / this.c[0]), 0), this.wrap(Math.floor(y / this.c[1]), 1), Math.floor(z / this.c[2]));
    const list = this.cells.get(key);
    if (list) list.push(k);
    else this.cells.set(key, [k]);
  }
  /** true if a sphere at (x, y, z) of radius r overlaps any stored one (touching is not overlap). */
  overlaps(x: number, y: number, z: number, r: number, rmax: number): boolean {
    const ix = Math.floor(x / this.c[0]),
      iy = Math.floor(y / this.c[1]),
      iz = Math.floor(z / this.c[2]);
    const rx = Math.ceil((r + rmax) / this.c[0]),
      ry = Math.ceil((r + rmax) / this.c[1]),
      rz = Math.ceil((r + rmax) / this.c[2]);
    const seen = new Set<number>();
    for (let a = -rx; a <= rx; a++)
      for (let b = -ry; b <= ry; b++)
        for (let c = -rz; c <= rz; c++) {
          const key = this.key(this.wrap(ix + a, 0), this.wrap(iy + b, 1), iz + c);
          if (seen.has(key)) continue;
          seen.add(key);
          const list = this.cells.get(key);
          if (!list) continue;
          for (const k of list) {
            let dx = x - this.x[k],
              dy = y - this.y[k];
            const dz = z - this.z[k];
            if (this.periodic[0]) dx -= this.L[0] * Math.round(dx / this.L[0]);
            if (this.periodic[1]) dy -= this.L[1] * Math.round(dy / this.L[1]);
            const rs = r + this.r[k];
            if (dx * dx + dy * dy + dz * dz < rs * rs) return true;
          }
        }
    return false;
  }
}
