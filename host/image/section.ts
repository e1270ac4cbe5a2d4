/**
 * Cross-section images of a packing (paper 000 §2.2): AM gray, SE white, void black; the region is
 * cropped `crop_m` from every edge of the frame and sampled on an N x N grid (pixel centres). Where AM
 * and SE overlap (DEM overlaps), AM wins. For 3D packings the section is the plane z = z0, cutting each
 * sphere in a circle of radius sqrt(r^2 - (z - z0)^2).
 */
import { ConfigError, inputError } from "../config/errors.js";

export const GRAY = { void: 0, am: 128, se: 255 } as const;

export interface SectionOptions {
  /** frame [m]: lower-left and upper-right corners of the structure */
  lo: [number, number];
  hi: [number, number];
  crop_m: number;
  size: number;
  /** for 3D: the section height [m] (default: mid-height of the particles) */
  z0_m?: number;
}

export interface Section {
  pixels: Uint8Array;
  size: number;
  amFraction: number;
  seFraction: number;
  voidFraction: number;
  region_m: { lo: [number, number]; hi: [number, number] };
}

/** Particles to draw: centres, radii and phase ("AM" gray, "SE" white; anything else is refused). */
export interface SectionParticles {
  x_m: ArrayLike<number>;
  y_m: ArrayLike<number>;
  z_m: ArrayLike<number>;
  radius_m: ArrayLike<number>;
  phase: ArrayLike<string>;
}

/** The drawing input of a DEM state report's particle columns (material names are the phases). */
export function reportParticles(P: Record<string, unknown>): SectionParticles {
  return {
    x_m: P.x_m as number[],
    y_m: P.y_m as number[],
    z_m: P.z_m as number[],
    radius_m: P.radius_m as number[],
    phase: P.material as string[],
  };
}

export function sectionImage(p: SectionParticles, o: SectionOptions): Section {
  const N = o.size;
  if (!(Number.isInteger(N) && N >= 8 && N <= 8192)) throw inputError("image: size", N, "an integer number of pixels in [8, 8192]");
  if (!(o.crop_m >= 0)) throw inputError("image: crop_m", o.crop_m, "a length >= 0", "m");
  const lo: [number, number] = [o.lo[0] + o.crop_m, o.lo[1] + o.crop_m],
    hi: [number, number] = [o.hi[0] - o.crop_m, o.hi[1] - o.crop_m];
  if (![...o.lo, ...o.hi].every(Number.isFinite))
    throw inputError("image: frame", [...o.lo, ...o.hi], "four finite lengths x0, y0, x1, y1", "m");
  if (!(hi[0] > lo[0] && hi[1] > lo[1]))
    throw new ConfigError(
      `image: crop_m = ${o.crop_m} m leaves no region of the ${(o.hi[0] - o.lo[0]).toExponential(3)} x ${(o.hi[1] - o.lo[1]).toExponential(3)} m frame; expected a frame larger than twice the crop`,
    );
  const n = p.x_m.length;
  if (n === 0) throw new ConfigError("image: the packing has no particles");
  let zmin = Infinity,
    zmax = -Infinity;
  for (let k = 0; k < n; k++) {
    if (p.phase[k] !== "AM" && p.phase[k] !== "SE") throw inputError(`image: particle ${k + 1} phase`, p.phase[k], "AM or SE");
    zmin = Math.min(zmin, p.z_m[k] - p.radius_m[k]);
    zmax = Math.max(zmax, p.z_m[k] + p.radius_m[k]);
  }
  const z0 = o.z0_m ?? (zmin + zmax) / 2;
  if (!(z0 >= zmin && z0 <= zmax))
    throw inputError(
      "image: section height z0_m",
      z0,
      `a height inside the packing, [${zmin.toPrecision(6)}, ${zmax.toPrecision(6)}]`,
      "m",
    );
  const px = new Uint8Array(N * N);
  const dx = (hi[0] - lo[0]) / N,
    dy = (hi[1] - lo[1]) / N;
  for (let k = 0; k < p.x_m.length; k++) {
    const dz = p.z_m[k] - z0;
    const r2 = p.radius_m[k] ** 2 - dz * dz;
    if (r2 <= 0) continue;
    const r = Math.sqrt(r2);
    const val = p.phase[k] === "AM" ? GRAY.am : GRAY.se;
    const i0 = Math.max(0, Math.floor((p.x_m[k] - r - lo[0]) / dx)),
      i1 = Math.min(N - 1, Math.ceil((p.x_m[k] + r - lo[0]) / dx));
    const j0 = Math.max(0, Math.floor((p.y_m[k] - r - lo[1]) / dy)),
      j1 = Math.min(N - 1, Math.ceil((p.y_m[k] + r - lo[1]) / dy));
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
  let am = 0,
    se = 0;
  for (const v of px) {
    if (v === GRAY.am) am++;
    else if (v === GRAY.se) se++;
  }
  // an all-void image is a frame or height that misses the packing, not a picture of it
  if (am + se === 0)
    throw new ConfigError(
      `image: the section (frame ${lo.map((v) => v.toPrecision(4)).join(", ")} to ${hi.map((v) => v.toPrecision(4)).join(", ")} m at z = ${z0.toPrecision(6)} m) cuts no particle; expected a frame and height that overlap the packing`,
    );
  return {
    pixels: px,
    size: N,
    amFraction: am / (N * N),
    seFraction: se / (N * N),
    voidFraction: 1 - (am + se) / (N * N),
    region_m: { lo, hi },
  };
}
