/** `assb voxelize`: a sphere packing to a labelled voxel volume plus its surface statistics (AM-SE area, D_SCA). */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { parseCsv } from "../io/csv.js";
import { writeFileAtomic } from "../io/atomic.js";
import { parseQuantity } from "../config/units.js";
import { ConfigError } from "../config/errors.js";
import { VERSION } from "../version.js";
import { writeVolume } from "../transport/volume.js";
import { voxelize, surfaceStats } from "../transport/voxelize.js";
import { resultJson } from "../transport/tortuosity.js";

export function register(program: Command): void {
  program
    .command("voxelize")
    .description("voxelize a sphere packing (AM wins where AM and SE overlap, periodic in x, y); writes the volume and its surface statistics")
    .argument("<particles>", "particles CSV: x_m, y_m, z_m, radius_m and material (AM/SE) or type (1 AM, 2 SE)")
    .option("--voxel <len>", "voxel edge", "0.5 um")
    .option("--lxy <len>", "periodic box edge in x and y from 0 (default: particle extents)")
    .option("--height <len>", "box height from z = 0 (default: highest sphere top), e.g. the top-wall position")
    .option("-o, --out <file>", "volume: .raw (+ .json sidecar) or .tif stack", "volume.raw")
    .action((file: string, o: { voxel: string; lxy?: string; height?: string; out: string }) => {
      const t = parseCsv(readFileSync(file, "utf8"), file);
      const col = (n: string) => { const c = t.columns.indexOf(n); if (c < 0) throw new ConfigError(`${file}: column '${n}' is missing; columns: ${t.columns.join(", ")}`); return t.rows.map((r) => r[c]); };
      const num = (n: string) => col(n).map(Number);
      const phase = t.columns.includes("material") ? col("material") : num("type").map((ty) => (ty === 1 ? "AM" : ty === 2 ? "SE" : String(ty)));
      const h = parseQuantity(o.voxel, "m");
      const p = { x_m: num("x_m"), y_m: num("y_m"), z_m: num("z_m"), radius_m: num("radius_m"), phase };
      let lo: [number, number, number] | undefined, hi: [number, number, number] | undefined;
      if (o.lxy || o.height) {
        const top = p.z_m.reduce((m, z, i) => Math.max(m, z + p.radius_m[i]), 0);
        const L = o.lxy ? parseQuantity(o.lxy, "m") : NaN;
        const xs = p.x_m.map((x, i) => [x - p.radius_m[i], x + p.radius_m[i]]).flat(), ys = p.y_m.map((y, i) => [y - p.radius_m[i], y + p.radius_m[i]]).flat();
        lo = [o.lxy ? 0 : Math.min(...xs), o.lxy ? 0 : Math.min(...ys), 0];
        hi = [o.lxy ? L : Math.max(...xs), o.lxy ? L : Math.max(...ys), o.height ? parseQuantity(o.height, "m") : top];
      }
      const t0 = performance.now();
      const v = voxelize(p, { voxelSize_m: h, lo_m: lo, hi_m: hi });
      v.meta = { ...v.meta, source: file, version: VERSION };
      const files = writeVolume(o.out, v);
      const s = surfaceStats(v);
      const frac = (c: number) => v.data.reduce((a, x) => a + (x === c ? 1 : 0), 0) / v.data.length;
      const stats = { kind: "assbkit.voxelize", version: VERSION, source: file, shape_zyx: v.shape, voxelSize_m: h, lo_m: v.meta.lo_m, hi_m: v.meta.hi_m, fractions: { pore: frac(0), AM: frac(1), SE: frac(2) }, surface: s };
      const statsFile = o.out.replace(/\.(raw|json|tif|tiff)$/i, "") + "_surface.json";
      writeFileAtomic(statsFile, resultJson(stats) + "\n");
      console.log(`voxelized ${p.x_m.length} spheres -> ${v.shape.join(" x ")} (z, y, x) voxels of ${(h * 1e6).toFixed(3)} um in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      console.log(`  fractions: AM ${(100 * stats.fractions.AM).toFixed(2)} %, SE ${(100 * stats.fractions.SE).toFixed(2)} %, pore ${(100 * stats.fractions.pore).toFixed(2)} %`);
      console.log(`  AM-SE area ${(s.areaAmSe_m2 * 1e12).toFixed(1)} um^2 (voxel faces x 2/3), D_SCA = 6 V_AM / S_AM-SE = ${(s.dSca_m * 1e6).toFixed(3)} um`);
      console.log(`  wrote ${[...files, statsFile].join(", ")}`);
    });

}
