/** `assb voxelize`: a sphere packing to a labelled voxel volume plus its surface statistics (AM-SE area, D_SCA). */
import type { Command } from "commander";
import { writeFileAtomic, prepareOutFile } from "../io/atomic.js";
import { inputError } from "../config/errors.js";
import { VERSION } from "../version.js";
import { writeVolume } from "../transport/volume.js";
import { voxelize, surfaceStats } from "../transport/voxelize.js";
import { resultJson } from "../transport/tortuosity.js";
import { readPacking, readSidecar, type GeometryOverride } from "../pack/node.js";
import { quantityList, quantityOption } from "./options.js";

interface Opts {
  voxel: string;
  lxy?: string;
  height?: string;
  box?: string;
  periodic?: boolean;
  out: string;
}

/** The box from the options: --box corners, or --lxy/--height from 0 (the DEM box: periodic in x, y); else the sidecar's. */
function geometry(file: string, o: Opts): GeometryOverride {
  const side = readSidecar(file);
  if (o.box !== undefined && (o.lxy !== undefined || o.height !== undefined))
    throw inputError("--box", o.box, "either --box or --lxy/--height, not both");
  let lo: [number, number, number] | undefined, hi: [number, number, number] | undefined;
  if (o.box !== undefined) {
    const b = quantityList("--box", o.box, "m", 6, "0,0,0,90um,90um,95.66um");
    lo = [b[0], b[1], b[2]];
    hi = [b[3], b[4], b[5]];
  } else if (o.lxy !== undefined || o.height !== undefined) {
    const L = o.lxy !== undefined ? quantityOption("--lxy", o.lxy, "m", { min: 0, minExclusive: true, example: "90um" }) : undefined;
    const H =
      o.height !== undefined ? quantityOption("--height", o.height, "m", { min: 0, minExclusive: true, example: "95.66um" }) : undefined;
    const base = side?.box;
    if ((L === undefined || H === undefined) && !base)
      throw inputError(
        L === undefined ? "--lxy" : "--height",
        "missing",
        `both --lxy and --height (${file} has no .packing.json sidecar to take the other from)`,
        "m",
      );
    lo = L !== undefined ? [0, 0, H !== undefined ? 0 : base!.lo_m[2]] : [base!.lo_m[0], base!.lo_m[1], 0];
    hi = [L ?? base!.hi_m[0], L ?? base!.hi_m[1], H ?? base!.hi_m[2]];
  }
  const periodic = o.periodic ?? (o.lxy !== undefined && !side ? true : undefined);
  const pxy: [boolean, boolean] | undefined = periodic === undefined ? undefined : [periodic, periodic];
  return { dimension: side ? undefined : 3, box: { ...(lo ? { lo_m: lo, hi_m: hi } : {}), ...(pxy ? { periodic: pxy } : {}) } };
}

export function register(program: Command): void {
  program
    .command("voxelize")
    .description(
      "voxelize a sphere packing (AM wins where AM and SE overlap, periodic in x, y where the packing is); writes the volume and its surface statistics",
    )
    .argument(
      "<particles>",
      "particles CSV with its .packing.json sidecar (box, periodicity, materials), as assb pack/compact/dem write them",
    )
    .option("--voxel <len>", "voxel edge", "0.5 um")
    .option("--box <x0,y0,z0,x1,y1,z1>", "box corners, for a CSV without a sidecar or to voxelize a sub-box (default: the sidecar's box)")
    .option("--lxy <len>", "periodic box edge in x and y from 0 (shorthand for a LIGGGHTS-style box)")
    .option("--height <len>", "box height from z = 0, e.g. the top-wall position")
    .option("--periodic", "wrap in x and y (default: as the sidecar says; with --lxy: yes)")
    .option("--no-periodic", "no wrap in x and y")
    .option("-o, --out <file>", "volume: .raw (+ .json sidecar) or .tif stack", "volume.raw")
    .action((file: string, o: Opts) => {
      const h = quantityOption("--voxel", o.voxel, "m", { min: 0, minExclusive: true, example: "0.5um" });
      const p = readPacking(file, geometry(file, o), "--box x0,y0,z0,x1,y1,z1 (or --lxy and --height)");
      prepareOutFile(o.out);
      const t0 = performance.now();
      const v = voxelize(p, { voxelSize_m: h });
      v.meta = { ...v.meta, source: file, version: VERSION };
      const files = writeVolume(o.out, v);
      const s = surfaceStats(v, 1, 2, p.box.periodic[0]);
      const frac = (c: number) => v.data.reduce((a, x) => a + (x === c ? 1 : 0), 0) / v.data.length;
      const stats = {
        kind: "assbkit.voxelize",
        format: 1,
        version: VERSION,
        source: file,
        shape_zyx: v.shape,
        voxelSize_m: h,
        lo_m: v.meta.lo_m,
        hi_m: v.meta.hi_m,
        periodicXY: p.box.periodic[0],
        fractions: { pore: frac(0), AM: frac(1), SE: frac(2) },
        surface: s,
      };
      const statsFile = o.out.replace(/\.(raw|json|tif|tiff)$/i, "") + "_surface.json";
      writeFileAtomic(statsFile, resultJson(stats) + "\n");
      console.log(
        `voxelized ${p.particles.id.length} spheres -> ${v.shape.join(" x ")} (z, y, x) voxels of ${(h * 1e6).toFixed(3)} um in ${((performance.now() - t0) / 1000).toFixed(2)} s; box ${p.box.lo_m.map((x) => (x * 1e6).toFixed(2)).join(", ")} to ${p.box.hi_m.map((x) => (x * 1e6).toFixed(2)).join(", ")} um, ${p.box.periodic[0] ? "periodic" : "not periodic"} in x, y`,
      );
      console.log(
        `  fractions: AM ${(100 * stats.fractions.AM).toFixed(2)} %, SE ${(100 * stats.fractions.SE).toFixed(2)} %, pore ${(100 * stats.fractions.pore).toFixed(2)} %`,
      );
      console.log(
        `  AM-SE area ${(s.areaAmSe_m2 * 1e12).toFixed(1)} um^2 (voxel faces x 2/3), D_SCA = 6 V_AM / S_AM-SE = ${(s.dSca_m * 1e6).toFixed(3)} um`,
      );
      console.log(`  wrote ${[...files, statsFile].join(", ")}`);
    });
}
