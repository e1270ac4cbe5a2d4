/**
 * Voxelization of a sphere packing (paper 003 §2.1.4): a voxel takes the phase of the sphere that
 * contains its centre; where AM and SE overlap the voxel goes to AM; periodic wrap in x and y.
 * Volume shape [nz, ny, nx] (z slowest, so TIFF pages are z-slices); axes named in meta.axes.
 */
import { ConfigError, inputError } from "../config/errors.js";
import { checkPacking, phaseOf, type Packing } from "../pack/packing.js";
import type { Volume } from "./volume_type.js";

export const PHASE_CODES = { pore: 0, AM: 1, SE: 2 } as const;

export interface SpherePacking {
  x_m: ArrayLike<number>;
  y_m: ArrayLike<number>;
  z_m: ArrayLike<number>;
  radius_m: ArrayLike<number>;
  phase: ArrayLike<string>;
}

export interface VoxelizeOptions {
  /** Voxel edge [m] (default 0.5 um). */
  voxelSize_m?: number;
  /** Box corners [m]; default: the packing's box (for a pressed packing, the wall positions in z). */
  lo_m?: [number, number, number];
  hi_m?: [number, number, number];
  /** Refuse volumes above this many voxels (default 512^3). */
  maxVoxels?: number;
}

/**
 * A packing (3D spheres) to a labelled volume over its box, periodic in x and y where the packing is.
 * The volume's meta carries the box, the periodicity and the through-plane axis (z, index 0), so
 * transport needs nothing retyped.
 */
export function voxelize(packing: Packing, o: VoxelizeOptions = {}): Volume {
  checkPacking(packing, packing.source ?? "voxelize", true);
  if (packing.dimension !== 3)
    throw inputError(
      `voxelize: ${packing.source ?? "packing"} dimension`,
      packing.dimension,
      "a 3D packing of spheres (2D disc structures are imaged with assb image)",
    );
  const P = packing.particles;
  const per = packing.box.periodic;
  if (per[0] !== per[1]) throw inputError(`voxelize: ${packing.source ?? "packing"} box.periodic`, per, "the same periodicity in x and y");
  const v = voxelizeSpheres(
    { x_m: P.x_m, y_m: P.y_m, z_m: P.z_m, radius_m: P.radius_m, phase: P.material.map((m) => phaseOf(m, packing.materials)!) },
    {
      voxelSize_m: o.voxelSize_m,
      lo_m: o.lo_m ?? packing.box.lo_m,
      hi_m: o.hi_m ?? packing.box.hi_m,
      periodicXY: per[0],
      maxVoxels: o.maxVoxels,
    },
  );
  v.meta = { ...v.meta, transport_axis: 0, ...(packing.source ? { source: packing.source } : {}) };
  return v;
}

/** Spheres given column-wise with an explicit box (default: the particle extents, z from 0). */
export function voxelizeSpheres(p: SpherePacking, o: VoxelizeOptions & { periodicXY?: boolean } = {}): Volume {
  const h = o.voxelSize_m ?? 0.5e-6;
  if (!(h > 0 && Number.isFinite(h))) throw new ConfigError(`voxelize: voxelSize_m = ${h}: expected a length > 0 [m]`);
  const n = p.x_m.length;
  if (n === 0) throw new ConfigError("voxelize: the packing has no particles");
  let lo = o.lo_m,
    hi = o.hi_m;
  if (!lo || !hi) {
    const l = [Infinity, Infinity, 0],
      u = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      const r = p.radius_m[i],
        c = [p.x_m[i], p.y_m[i], p.z_m[i]];
      for (let a = 0; a < 3; a++) {
        if (a < 2) l[a] = Math.min(l[a], c[a] - r);
        u[a] = Math.max(u[a], c[a] + r);
      }
    }
    lo = lo ?? (l as [number, number, number]);
    hi = hi ?? (u as [number, number, number]);
  }
  const ext = [0, 1, 2].map((a) => hi![a] - lo![a]);
  if (!ext.every((e) => e > 0))
    throw new ConfigError(`voxelize: box lo_m = ${JSON.stringify(lo)}, hi_m = ${JSON.stringify(hi)}: every edge must be > 0 [m]`);
  const [nx, ny, nz] = ext.map((e) => Math.max(1, Math.round(e / h)));
  const maxV = o.maxVoxels ?? 512 ** 3;
  if (nx * ny * nz > maxV)
    throw new ConfigError(
      `voxelize: ${nx} x ${ny} x ${nz} = ${nx * ny * nz} voxels at voxelSize_m = ${h} exceeds the limit of ${maxV} voxels; use a larger voxel size`,
    );
  const per = o.periodicXY ?? true;
  for (let i = 0; i < n; i++) {
    if (!(p.radius_m[i] > 0 && Number.isFinite(p.radius_m[i])))
      throw inputError(`voxelize: particle ${i + 1} radius_m`, p.radius_m[i], "a radius > 0", "m");
    if (![p.x_m[i], p.y_m[i], p.z_m[i]].every(Number.isFinite))
      throw inputError(`voxelize: particle ${i + 1} position`, [p.x_m[i], p.y_m[i], p.z_m[i]], "finite coordinates", "m");
  }
  const data = new Uint8Array(nx * ny * nz);
  const codeOf = (ph: string): number => {
    if (ph === "AM" || ph === "1") return PHASE_CODES.AM;
    if (ph === "SE" || ph === "2") return PHASE_CODES.SE;
    throw new ConfigError(`voxelize: particle phase = ${JSON.stringify(ph)}: expected AM or SE (or type 1/2)`);
  };
  // SE first, then AM on top: overlap voxels go to AM (paper 003 §2.1.4)
  for (const pass of [PHASE_CODES.SE, PHASE_CODES.AM]) {
    for (let i = 0; i < n; i++) {
      if (codeOf(String(p.phase[i])) !== pass) continue;
      const r = p.radius_m[i],
        r2 = r * r;
      const cx = (p.x_m[i] - lo[0]) / h,
        cy = (p.y_m[i] - lo[1]) / h,
        cz = (p.z_m[i] - lo[2]) / h,
        rv = r / h;
      const k0 = Math.max(0, Math.ceil(cz - rv - 0.5)),
        k1 = Math.min(nz - 1, Math.floor(cz + rv - 0.5));
      const j0 = Math.ceil(cy - rv - 0.5),
        j1 = Math.floor(cy + rv - 0.5);
      const i0 = Math.ceil(cx - rv - 0.5),
        i1 = Math.floor(cx + rv - 0.5);
      for (let kz = k0; kz <= k1; kz++) {
        const dz = (kz + 0.5 - cz) * h;
        for (let jy = j0; jy <= j1; jy++) {
          let jj = jy;
          if (per) jj = ((jy % ny) + ny) % ny;
          else if (jy < 0 || jy >= ny) continue;
          const dy = (jy + 0.5 - cy) * h;
          const rest = r2 - dz * dz - dy * dy;
          if (rest < 0) continue;
          const row = (kz * ny + jj) * nx;
          for (let ix = i0; ix <= i1; ix++) {
            const dx = (ix + 0.5 - cx) * h;
            if (dx * dx > rest) continue;
            let ii = ix;
            if (per) ii = ((ix % nx) + nx) % nx;
            else if (ix < 0 || ix >= nx) continue;
            data[row + ii] = pass;
          }
        }
      }
    }
  }
  return {
    shape: [nz, ny, nx],
    data,
    phases: { "0": "pore", "1": "AM", "2": "SE" },
    voxelSize_m: h,
    meta: { axes: ["z", "y", "x"], lo_m: lo, hi_m: hi, periodicXY: per },
  };
}

export interface SurfaceStats {
  /** Voxel faces between AM and SE, and the area they stand for after the staircase correction [m^2]. */
  facesAmSe: number;
  /** 2/3: mean ratio of the true area of a randomly oriented surface to its voxel-face (staircase) area. */
  staircaseFactor: number;
  areaAmSe_m2: number;
  volumeAm_m3: number;
  /** D_SCA = 6 V_AM / S_AM-SE (paper 004 eq 1-3) [m]. */
  dSca_m: number;
  /** Interface area of each phase with everything else per unit total volume [1/m]. */
  specificSurface_per_m: Record<string, number>;
  /** AM-SE interface area per unit total volume [1/m]. */
  specificAmSe_per_m: number;
}

/**
 * Interface areas from voxel faces. A voxelized surface is a staircase: for a surface element with
 * normal n the voxel faces count |n_x|+|n_y|+|n_z| times its area, 3/2 on average over random
 * orientations, so face counts are multiplied by 2/3 (the same factor applies to the spheres here).
 * Faces on the periodic x/y seams are counted across the wrap; faces on the z ends are not surfaces.
 */
export function surfaceStats(v: Volume, amCode = 1, seCode = 2, periodicLateral = true): SurfaceStats {
  if (v.shape.length !== 3) throw new ConfigError(`surface: shape = ${JSON.stringify(v.shape)}: expected a 3D volume`);
  const h = v.voxelSize_m;
  if (!(h && h > 0)) throw new ConfigError("surface: the volume has no voxelSize_m [m]; it is needed for areas and D_SCA");
  const [nz, ny, nx] = v.shape;
  const d = v.data;
  const faces = new Float64Array(256 * 256);
  const add = (a: number, b: number) => {
    if (a !== b) {
      faces[a * 256 + b]++;
      faces[b * 256 + a]++;
    }
  };
  let nAm = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const c = (k * ny + j) * nx + i,
          a = d[c];
        if (a === amCode) nAm++;
        if (i + 1 < nx) add(a, d[c + 1]);
        else if (periodicLateral && nx > 1) add(a, d[c + 1 - nx]);
        if (j + 1 < ny) add(a, d[c + nx]);
        else if (periodicLateral && ny > 1) add(a, d[c + nx - nx * ny]);
        if (k + 1 < nz) add(a, d[c + nx * ny]);
      }
  const f = 2 / 3;
  const V = nx * ny * nz * h * h * h;
  const facesAmSe = faces[amCode * 256 + seCode];
  const areaAmSe = facesAmSe * h * h * f;
  const volumeAm = nAm * h * h * h;
  const spec: Record<string, number> = {};
  for (const [code, name] of Object.entries(v.phases)) {
    let s = 0;
    for (let b = 0; b < 256; b++) s += faces[Number(code) * 256 + b];
    spec[name] = (s * h * h * f) / V;
  }
  return {
    facesAmSe,
    staircaseFactor: f,
    areaAmSe_m2: areaAmSe,
    volumeAm_m3: volumeAm,
    dSca_m: areaAmSe > 0 ? (6 * volumeAm) / areaAmSe : Infinity,
    specificSurface_per_m: spec,
    specificAmSe_per_m: areaAmSe / V,
  };
}
