/** `assb pack <spec> -o <dir>`: generate an initial packing (2D or 3D) and write particles.csv + particles.packing.json. */
import type { Command } from "commander";
import { join } from "node:path";
import { readConfigFile } from "../config/load.js";
import { generatePacking, parsePackSpec } from "../pack/pack.js";
import { DEFAULT_TYPES } from "../pack/packing.js";
import { writePacking } from "../pack/node.js";
import { prepareOutDir } from "../io/atomic.js";
import { inputError } from "../config/errors.js";

export function register(program: Command): void {
  program
    .command("pack")
    .description("generate an initial AM/SE packing (3D spheres, paper 003; or 2D discs, paper 000) from a spec file")
    .argument("<spec>", "YAML/JSON with kind: 3d | 2d (see host/pack/pack.ts for the fields)")
    .option("-o, --out <dir>", "output folder", "out")
    .option("--seed <n>", "override the spec's seed")
    .action((file: string, o: { out: string; seed?: string }) => {
      const raw = readConfigFile(file);
      if (!raw || typeof raw !== "object" || Array.isArray(raw))
        throw inputError(file, raw, "a mapping with kind: 3d | 2d and the packing fields");
      if (o.seed !== undefined) {
        const seed = Number(o.seed);
        if (!Number.isInteger(seed) || seed < 0) throw inputError("--seed", o.seed, "a non-negative integer");
        (raw as Record<string, unknown>).seed = seed;
      }
      const spec = parsePackSpec(raw, file);
      prepareOutDir(o.out);
      const p = generatePacking(spec);
      // pack2k_init.csv / LIGGGHTS format (type 1 AM, 2 SE); the sidecar carries box, periodicity and materials
      const [csv, sidecar] = writePacking(join(o.out, "particles.csv"), p, DEFAULT_TYPES);
      const s = p.summary;
      console.log(`${p.dimension}D packing: ${s.particles} particles (${s.am} AM, ${s.se} SE), seed ${p.seed}`);
      for (const [k, v] of Object.entries(s)) if (!["particles", "am", "se"].includes(k)) console.log(`  ${k}: ${v.toPrecision(5)}`);
      console.log(`  wrote ${csv} and ${sidecar}`);
    });
}
