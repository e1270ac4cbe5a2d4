/** `assb image <particles.csv>`: cross-section PNG (AM gray, SE white, void black) + labels CSV row. */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { parseCsv } from "../io/csv.js";
import { encodePng } from "../io/png.js";
import { writeFileAtomic } from "../io/atomic.js";
import { parseQuantity } from "../config/units.js";
import { ConfigError } from "../config/errors.js";
import { sectionImage } from "../image/section.js";

export function register(program: Command): void {
  program
    .command("image")
    .description("cross-section image of a packing (paper 000): AM gray, SE white, void black, cropped and resampled to N x N")
    .argument("<particles>", "particles CSV with x_m, y_m, z_m, radius_m and type (1 AM, 2 SE) or material (AM/SE)")
    .requiredOption("--frame <lo,hi>", "frame corners in the section plane, e.g. '0,0,40um,40um' [m or with units]")
    .option("--crop <len>", "crop from every edge", "2 um")
    .option("--size <n>", "output pixels per side", "224")
    .option("--z <height>", "3D: height of the section plane (default mid-height)")
    .option("-o, --out <file>", "PNG file", "section.png")
    .action((file: string, o: { frame: string; crop: string; size: string; z?: string; out: string }) => {
      const t = parseCsv(readFileSync(file, "utf8"), file);
      const col = (n: string) => { const c = t.columns.indexOf(n); if (c < 0) throw new ConfigError(`${file}: column '${n}' is missing; columns: ${t.columns.join(", ")}`); return t.rows.map((r) => r[c]); };
      const num = (n: string) => col(n).map(Number);
      const type = t.columns.includes("type") ? num("type") : col("material").map((m) => (m === "AM" ? 1 : 2));
      const f = o.frame.split(",").map((v) => parseQuantity(v.trim(), "m"));
      if (f.length !== 4 || f.some((v) => !Number.isFinite(v))) throw new ConfigError(`--frame = ${o.frame}: expected four lengths x0,y0,x1,y1 [m], e.g. 0,0,40um,40um`);
      const size = Number(o.size);
      if (!Number.isInteger(size) || size < 8 || size > 8192) throw new ConfigError(`--size = ${o.size}: expected an integer number of pixels in [8, 8192]`);
      const crop = parseQuantity(o.crop, "m");
      if (!(crop >= 0)) throw new ConfigError(`--crop = ${o.crop}: expected a length >= 0 [m]`);
      const s = sectionImage({ x_m: num("x_m"), y_m: num("y_m"), z_m: num("z_m"), radius_m: num("radius_m"), type }, { lo: [f[0], f[1]], hi: [f[2], f[3]], crop_m: crop, size, z0_m: o.z ? parseQuantity(o.z, "m") : undefined });
      writeFileAtomic(o.out, encodePng(s.pixels, size, size));
      const labels = o.out.replace(/\.png$/i, "") + "_labels.csv";
      writeFileAtomic(labels, `image,size_px,region_x0_m,region_y0_m,region_x1_m,region_y1_m,amAreaFraction,seAreaFraction,voidFraction\n${o.out},${size},${s.region_m.lo[0]},${s.region_m.lo[1]},${s.region_m.hi[0]},${s.region_m.hi[1]},${s.amFraction},${s.seFraction},${s.voidFraction}\n`);
      console.log(`section ${size} x ${size}: AM ${(100 * s.amFraction).toFixed(1)} %, SE ${(100 * s.seFraction).toFixed(1)} %, void ${(100 * s.voidFraction).toFixed(1)} %`);
      console.log(`  wrote ${o.out} and ${labels}`);
    });
}
