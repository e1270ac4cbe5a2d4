/**
 * ImageJ's calibration of a TIFF stack, read and written as ImageJ and Fiji do: the ImageDescription
 * of the first page (`ImageJ=1.x\nimages=N\nslices=N\nunit=micron\nspacing=0.325\n...`, key=value lines)
 * gives the length unit and the slice spacing (z), XResolution/YResolution the pixels per unit (x, y),
 * with ResolutionUnit 1 (none). Without an ImageJ unit, ResolutionUnit 2 (inch) or 3 (cm) with
 * XResolution/YResolution gives x and y in pixels per inch or cm (TIFF 6.0). The writer adds one line
 * of its own, `assbkit={"assbkit":1,...}` (a JSON object: phases, shape, transport axis), which ImageJ ignores.
 */
import type { TiffLayout } from "./tiff_layout.js";

/** A size from a RATIONAL (32-bit parts, ~9 significant digits) without the digits past them (1/3.0769230769 um -> 0.325 um). */
const sig9 = (v: number) => Number(v.toPrecision(9));

/** ImageJ's `unit=` values (and other spellings of them) in metres. */
const UNITS: Record<string, number> = {
  micron: 1e-6,
  microns: 1e-6,
  micrometer: 1e-6,
  um: 1e-6,
  µm: 1e-6,
  μm: 1e-6,
  "\\u00B5m": 1e-6,
  nm: 1e-9,
  nanometer: 1e-9,
  mm: 1e-3,
  millimeter: 1e-3,
  cm: 1e-2,
  m: 1,
  meter: 1,
  inch: 0.0254,
};

/** What a file says about its voxel size: [z, y, x] edges [m] (z: undefined without a slice spacing) and where that came from. */
export interface FileVoxelSize {
  zyx_m: [number | undefined, number, number];
  source: string;
}

/** The key=value lines of an ImageJ description (it starts with `ImageJ=`), or undefined for any other description. */
export function parseImageJ(text: string | undefined): Record<string, string> | undefined {
  if (!text?.startsWith("ImageJ=")) return undefined;
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** The voxel size a TIFF's tags give (ImageJ description + XResolution/YResolution, or ResolutionUnit inch/cm), if any. */
export function tiffVoxelSize(lay: TiffLayout): FileVoxelSize | undefined {
  const ij = parseImageJ(lay.description);
  const { x: xr, y: yr, unit } = lay.resolution;
  const perUnit = ij?.unit !== undefined ? UNITS[ij.unit] : undefined;
  if (perUnit !== undefined && xr !== undefined) {
    const spacing = ij?.spacing !== undefined ? Number(ij.spacing) : undefined;
    const z = spacing !== undefined && spacing > 0 && lay.pages.length > 1 ? spacing * perUnit : undefined;
    return {
      zyx_m: [z, sig9(perUnit / (yr ?? xr)), sig9(perUnit / xr)],
      source: `the ImageJ description (unit=${ij!.unit}${z !== undefined ? `, spacing=${ij!.spacing}` : ""}) and XResolution/YResolution (${fmtNum(xr)} pixels per ${ij!.unit})`,
    };
  }
  if ((unit === 2 || unit === 3) && xr !== undefined) {
    const per = unit === 2 ? 0.0254 : 0.01,
      name = unit === 2 ? "inch" : "cm";
    return {
      zyx_m: [undefined, sig9(per / (yr ?? xr)), sig9(per / xr)],
      source: `the XResolution/YResolution tags (${fmtNum(xr)} pixels per ${name})${xr === 72 || xr === 96 ? ", a common screen default: check it" : ""}`,
    };
  }
  return undefined;
}

const fmtNum = (v: number) => String(Number(v.toPrecision(8)));

/** A length in µm as ImageJ writes it (12 significant digits, no float noise). */
const um = (m: number) => String(Number((m * 1e6).toPrecision(12)));

/**
 * The ImageDescription of a stack of `images` pages that ImageJ opens as a z-stack with voxels of
 * `voxelSize_m` (unit=micron, spacing) and the display range min..max; `assbkit` rides along as JSON.
 */
export function imagejDescription(o: {
  images: number;
  voxelSize_m?: number;
  min?: number;
  max?: number;
  assbkit?: Record<string, unknown>;
}): string {
  const lines = ["ImageJ=1.11a"];
  if (o.images > 1) lines.push(`images=${o.images}`, `slices=${o.images}`);
  if (o.voxelSize_m !== undefined) {
    lines.push("unit=micron");
    if (o.images > 1) lines.push(`spacing=${um(o.voxelSize_m)}`);
  }
  if (o.images > 1) lines.push("loop=false");
  if (o.min !== undefined && o.max !== undefined) lines.push(`min=${o.min.toFixed(1)}`, `max=${o.max.toFixed(1)}`);
  if (o.assbkit) lines.push(`assbkit=${JSON.stringify(o.assbkit)}`);
  return lines.join("\n") + "\n";
}

/** XResolution/YResolution for voxels of `voxelSize_m`: pixels per micron (ImageJ's unit=micron, ResolutionUnit none). */
export const pixelsPerMicron = (voxelSize_m: number) => 1e-6 / voxelSize_m;

/** The assbkit fields of a description: a JSON object with `assbkit` set, or the `assbkit=` line of an ImageJ description. */
export function assbkitFields(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  const ij = parseImageJ(text);
  const json = ij ? ij.assbkit : text;
  if (json === undefined) return undefined;
  try {
    const m = JSON.parse(json);
    return m && typeof m === "object" && !Array.isArray(m) && m.assbkit ? m : undefined;
  } catch {
    return undefined;
  }
}
