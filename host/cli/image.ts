/** `assb image <particles.csv>`: cross-section PNG (AM gray, SE white, void black) + labels CSV row. */
import type { Command } from "commander";
import { encodePng } from "../io/png.js";
import { writeFileAtomic, prepareOutFile } from "../io/atomic.js";
import { basename } from "node:path";
import { readParticles, sidecarPath } from "../pack/node.js";
import { ConfigError, inputError } from "../config/errors.js";
import { phaseOf } from "../pack/packing.js";
import { sectionImage } from "../image/section.js";
import { intOption, quantityList, quantityOption } from "./options.js";

export function register(program: Command): void {
  program
    .command("image")
    .description("cross-section image of a packing (paper 000): AM gray, SE white, void black, cropped and resampled to N x N")
    .argument(
      "<particles>",
      "particles CSV (x_m, y_m, z_m, radius_m, material or type) with its .packing.json sidecar, as assb pack/compact/dem write them",
    )
    .option("--frame <x0,y0,x1,y1>", "frame corners in the section plane, e.g. '0,0,40um,40um' (default: the packing's box in x and y)")
    .option("--crop <len>", "crop from every edge", "2 um")
    .option("--size <n>", "output pixels per side", "224")
    .option("--z <height>", "3D: height of the section plane, e.g. 20um (default: mid-height of the particles)")
    .option("-o, --out <file>", "PNG file", "section.png")
    .action((file: string, o: { frame?: string; crop: string; size: string; z?: string; out: string }) => {
      const f = o.frame === undefined ? undefined : quantityList("--frame", o.frame, "m", 4, "0,0,40um,40um");
      const size = intOption("--size", o.size, 8, 8192, "an integer number of pixels");
      const crop = quantityOption("--crop", o.crop, "m", { min: 0, example: "2um" });
      const z0 = o.z === undefined ? undefined : quantityOption("--z", o.z, "m", { example: "20um" });
      const { table, sidecar } = readParticles(file);
      if (!f && !sidecar)
        throw new ConfigError(
          `${file}: no frame: ${basename(sidecarPath(file))} (written by assb pack/compact/dem) is not beside it; give --frame x0,y0,x1,y1, e.g. 0,0,40um,40um`,
        );
      if (sidecar?.dimension === 2 && z0 !== undefined) throw inputError("--z", o.z, "no --z for a 2D packing (discs lie in one plane)");
      prepareOutFile(o.out);
      const lo: [number, number] = f ? [f[0], f[1]] : [sidecar!.box.lo_m[0], sidecar!.box.lo_m[1]],
        hi: [number, number] = f ? [f[2], f[3]] : [sidecar!.box.hi_m[0], sidecar!.box.hi_m[1]];
      const phase = table.material.map(
        (m, k) =>
          phaseOf(m, sidecar?.materials) ??
          (() => {
            throw inputError(
              `${file} row ${k + 2}, material`,
              m,
              "a material whose phase is AM or SE (name it so, or give materials.<name>.phase in the sidecar)",
            );
          })(),
      );
      const C = table.columns as Record<string, number[]>;
      const s = sectionImage({ x_m: C.x_m, y_m: C.y_m, z_m: C.z_m, radius_m: C.radius_m, phase }, { lo, hi, crop_m: crop, size, z0_m: z0 });
      writeFileAtomic(o.out, encodePng(s.pixels, size, size));
      const labels = o.out.replace(/\.png$/i, "") + "_labels.csv";
      writeFileAtomic(
        labels,
        `image,size_px,region_x0_m,region_y0_m,region_x1_m,region_y1_m,amAreaFraction,seAreaFraction,voidFraction\n${o.out},${size},${s.region_m.lo[0]},${s.region_m.lo[1]},${s.region_m.hi[0]},${s.region_m.hi[1]},${s.amFraction},${s.seFraction},${s.voidFraction}\n`,
      );
      console.log(
        `section ${size} x ${size}: AM ${(100 * s.amFraction).toFixed(1)} %, SE ${(100 * s.seFraction).toFixed(1)} %, void ${(100 * s.voidFraction).toFixed(1)} %`,
      );
      console.log(`  wrote ${o.out} and ${labels}`);
    });
}
