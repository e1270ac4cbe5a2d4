/** `assb pack <spec> -o <dir>`: generate an initial packing (2D or 3D) and write particles.csv + packing.json. */
import type { Command } from "commander";
import { join } from "node:path";
import { readConfigFile } from "../config/load.js";
import { generatePacking, packingCsv, parsePackSpec } from "../pack/pack.js";
import { writeFileAtomic } from "../io/atomic.js";

export function register(program: Command): void {
  program
    .command("pack")
    .description("generate an initial AM/SE packing (3D spheres, paper 003; or 2D discs, paper 000) from a spec file")
    .argument("<spec>", "YAML/JSON with kind: 3d | 2d (see host/pack/pack.ts for the fields)")
    .option("-o, --out <dir>", "output folder", "out")
    .option("--seed <n>", "override the spec's seed")
    .action((file: string, o: { out: string; seed?: string }) => {
      const raw = readConfigFile(file) as Record<string, unknown>;
      if (o.seed !== undefined) raw.seed = Number(o.seed);
      const p = generatePacking(parsePackSpec(raw, file));
      const csv = join(o.out, "particles.csv");
      writeFileAtomic(csv, packingCsv(p));
      const { particles: _omit, ...meta } = p;
      writeFileAtomic(join(o.out, "packing.json"), JSON.stringify({ ...meta, files: ["particles.csv"] }, null, 1) + "\n");
      const s = p.summary;
      console.log(`${p.dimension}D packing: ${s.particles} particles (${s.am} AM, ${s.se} SE), seed ${p.seed}`);
      for (const [k, v] of Object.entries(s)) if (!["particles", "am", "se"].includes(k)) console.log(`  ${k}: ${v.toPrecision(5)}`);
      console.log(`  wrote ${csv} and ${join(o.out, "packing.json")}`);
    });
}
