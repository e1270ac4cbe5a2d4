/**
 * Cross-section images of a packing (paper 000 §2.2): AM gray, SE white, void black; the region is
 * cropped `crop_m` from every edge of the frame and sampled on an N x N grid (pixel centres). Where AM
 * and SE overlap (DEM overlaps), AM wins. For 3D packings the section is the plane z = z0, cutting each
 * sphere in a circle of radius sqrt(r^2 - (z - z0)^2).
 */
export const GRAY = { void: 0, am: 128, se: 255 } as const;

export interface SectionOptions {
  /** frame [m]: lower-left and upper-right corners of the structure */
  lo: [number, number]; hi: [number, number];
  crop_m: number;
  size: number;
  /** for 3D: the section height [m] (default: mid-height of the particles) */
  z0_m?: number;
}

export interface Section { pixels: Uint8Array; size: number; amFraction: number; seFraction: number; voidFraction: number; region_m: { lo: [number, number]; hi: [number, number] } }

export function sectionImage(p: { x_m: number[]; y_m: number[]; z_m: number[]; radius_m: number[]; type: number[] }, o: SectionOptions): Section {
  const N = o.size;
  const lo: [number, number] = [o.lo[0] + o.crop_m, o.lo[1] + o.crop_m], hi: [number, number] = [o.hi[0] - o.crop_m, o.hi[1] - o.crop_m];
  if (!(hi[0] > lo[0] && hi[1] > lo[1])) throw new Error(`image: crop_m = ${o.crop_m} m leaves no region of the ${(o.hi[0] - o.lo[0]).toExponential(3)} x ${(o.hi[1] - o.lo[1]).toExponential(3)} m frame`);
  let zmin = Infinity, zmax = -Infinity;
  for (const z of p.z_m) { zmin = Math.min(zmin, z); zmax = Math.max(zmax, z); }
  const z0 = o.z0_m ?? (zmin + zmax) / 2;
  const px = new Uint8Array(N * N);
  const dx = (hi[0] - lo[0]) / N, dy = (hi[1] - lo[1]) / N;
  for (let k = 0; k < p.x_m.length; k++) {
    const dz = p.z_m[k] - z0;
    const r2 = p.radius_m[k] ** 2 - dz * dz;
    if (r2 <= 0) continue;
    const r = Math.sqrt(r2);
    const val = p.type[k] === 1 ? GRAY.am : GRAY.se;
    const i0 = Math.max(0, Math.floor((p.x_m[k] - r - lo[0]) / dx)), i1 = Math.min(N - 1, Math.ceil((p.x_m[k] + r - lo[0]) / dx));
    const j0 = Math.max(0, Math.floor((p.y_m[k] - r - lo[1]) / dy)), j1 = Math.min(N - 1, Math.ceil((p.y_m[k] + r - lo[1]) / dy));
    for (let j = j0; j <= j1; j++) {
      const cy = lo[1] + (j + 0.5) * dy - p.y_m[k];
      for (let i = i0; i <= i1; i++) {
        const cx = lo[0] + (i + 0.5) * dx - p.x_m[k];
        if (cx * cx + cy * cy > r2) continue;
        const at = (N - 1 - j) * N + i; // image rows from the top
        if (val === GRAY.am || px[at] === GRAY.void) px[at] = val;
      }
    }
  }
  let am = 0, se = 0;
  for (const v of px) { if (v === GRAY.am) am++; else if (v === GRAY.se) se++; }
  return { pixels: px, size: N, amFraction: am / (N * N), seFraction: se / (N * N), voidFraction: 1 - (am + se) / (N * N), region_m: { lo, hi } };
}
