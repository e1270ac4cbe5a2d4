/** `assb grf-images`: seeded binary Gaussian-random-field images (paper 002), optionally labelled by the transport solver. */
import type { Command } from "commander";
import { prepareOutFile } from "../io/atomic.js";
import { inputError } from "../config/errors.js";
import { GRF_DEFAULTS, checkGrfOptions, type GrfOptions } from "../image/grf.js";
import { writeGrfDataset } from "../image/grf_dataset.js";
import { intOption } from "./options.js";
import { progressBar } from "./progress.js";

export function register(program: Command): void {
  program
    .command("grf-images")
    .description(
      "binary images from thresholded Gaussian random fields (1 conducts, 0 insulates), as a batch tensor (.json/.raw or .tif) that assb transport-images and assb train read; --labels also solves them",
    )
    .option("-n, --count <n>", "images", "100")
    .option("--size <px>", "image edge", String(GRF_DEFAULTS.size))
    .option("--corr <px>", "standard deviation of the smoothing Gaussian [px]", String(GRF_DEFAULTS.corrPx))
    .option("--fraction <min,max>", "conductive fraction range, drawn uniformly per image", "0.6,1.0")
    .option("--seed <n>", "seed (image i depends on the seed and i only)", String(GRF_DEFAULTS.seed))
    .option("--labels <csv>", "also solve every image (sigma 1 S/m, V 1 V across the rows) and write the currents here")
    .option("--workers <n>", "solver worker threads for --labels", "2")
    .option("-o, --out <file>", "batch: .json (+ .raw) or .tif", "grf.json")
    .action(
      async (o: {
        count: string;
        size: string;
        corr: string;
        fraction: string;
        seed: string;
        labels?: string;
        workers: string;
        out: string;
      }) => {
        const fr = o.fraction.split(",").map((s) => Number(s.trim()));
        if (fr.length !== 2 || !fr.every(Number.isFinite)) throw inputError("--fraction", o.fraction, "min,max, e.g. 0.6,1.0");
        const g: GrfOptions = {
          size: intOption("--size", o.size, 2, 8192, "an image edge in pixels"),
          corrPx: Number(o.corr),
          fractionMin: fr[0],
          fractionMax: fr[1],
          seed: intOption("--seed", o.seed, 0, 0xffffffff),
        };
        checkGrfOptions(g);
        const count = intOption("--count", o.count, 1, 10_000_000, "a number of images");
        const workers = intOption("--workers", o.workers, 1, 1024, "a number of threads");
        prepareOutFile(o.out);
        if (o.labels) prepareOutFile(o.labels, "--labels");
        const bar = progressBar();
        const r = await writeGrfDataset(g, count, o.out, {
          labels: o.labels,
          workers,
          onProgress: (stage, d, t) => bar.update(stage, d, t),
        }).finally(() => bar.done());
        console.log(
          `${count} images ${g.size}x${g.size} (corr ${g.corrPx} px, fraction ${g.fractionMin}-${g.fractionMax}, seed ${g.seed}) in ${r.generateSeconds.toFixed(2)} s`,
        );
        if (r.rows) {
          const np = r.rows.filter((x) => !x.percolates).length;
          console.log(
            `  solved in ${r.solveSeconds.toFixed(2)} s on ${r.workers} worker threads (${((1000 * r.solveSeconds) / count).toFixed(2)} ms each); ${np} do not percolate (I = 0)`,
          );
        }
        for (const f of r.files) console.log(`  wrote ${f}`);
      },
    );
}
