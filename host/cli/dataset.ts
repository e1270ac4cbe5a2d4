/** `assb dataset <study-dir> -o dataset.parquet|.csv`: the surrogate's training rows from a micro study (host/multiscale). */
import type { Command } from "commander";
import { extname } from "node:path";
import { ConfigError, inputError } from "../config/errors.js";
import { prepareOutFile, writeFileAtomic } from "../io/atomic.js";

export function register(program: Command): void {
  program
    .command("dataset")
    .description(
      "collect the surrogate's training data (paper 001 eq 37-39) from a finished micro study: one row per time step {Gc, J_s, c_surf_old, c_bulk_old, dc_surf/dt, dc_bulk/dt, d<d>/dt}",
    )
    .argument("<study-dir>", "the -o folder of 'assb study run' on a micro study (e.g. fixtures/study/micro_dataset.yaml)")
    .requiredOption("-o, --out <file>", "dataset file: .parquet or .csv")
    .action(async (dir: string, o: { out: string }) => {
      const ext = extname(o.out).toLowerCase();
      if (ext !== ".parquet" && ext !== ".csv") throw inputError("-o", o.out, "a file ending in .parquet or .csv");
      prepareOutFile(o.out);
      const { collectDataset, DATASET_COLUMNS } = await import("../multiscale/dataset.js");
      const { rows, cases, skipped } = collectDataset(dir);
      const open = skipped.filter((c) => c.why === "not finished");
      if (open.length)
        throw new ConfigError(
          `${dir}: ${open.length} case(s) not finished (e.g. ${open[0].case_id}); expected a finished study: run 'assb study run' on it again`,
        );
      // failed cases carry no trajectory: said on stderr, not dropped silently
      for (const c of skipped) process.stderr.write(`dataset: case ${c.case_id} left out: ${c.why}\n`);
      const n = rows.t_s.length;
      if (ext === ".parquet") {
        const { tableToParquet } = await import("../io/parquet.js");
        writeFileAtomic(o.out, tableToParquet(rows, { keyValue: { kind: "assbkit.multiscale.dataset", format: "1", study: dir } }));
      } else {
        const { columnsToTable, toCsv } = await import("../io/csv.js");
        writeFileAtomic(o.out, toCsv(columnsToTable(Object.fromEntries(DATASET_COLUMNS.map((c) => [c, rows[c]])))));
      }
      console.log(
        `dataset: ${n} rows from ${cases} cases${skipped.length ? ` (${skipped.length} skipped: ${skipped[0].why}${skipped.length > 1 ? ", ..." : ""})` : ""}; wrote ${o.out}`,
      );
    });
}
