/**
 * `assb study run | status | results | query`: batch studies (host/study). A failing case is recorded in the
 * results table with its error and the study goes on; `run` exits 0 once every case has a row, and says
 * how many failed (exit 2/3 only for a study that cannot start: a bad study file, a folder of another study).
 */
import { mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { ConfigError, inputError } from "../config/errors.js";
import { prepareOutFile } from "../io/atomic.js";
import { toCsv } from "../io/csv.js";
import { intOption } from "./options.js";
import { progressBar } from "./progress.js";
import type { RunStudyOptions } from "../study/run.js";

const FORMATS = ["csv", "parquet", "json"] as const;
type Format = (typeof FORMATS)[number];

function format(v: string | undefined, allowed: readonly string[], dflt: string): string {
  const f = v ?? dflt;
  if (!allowed.includes(f)) throw inputError("--format", f, `one of ${allowed.join(", ")}`);
  return f;
}

const shown = (v: unknown): string => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** A plain-text table: columns padded to their widest cell (cells cut at 40 characters). */
function textTable(columns: string[], rows: unknown[][]): string {
  const cut = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}~` : s);
  const cells = [columns, ...rows.map((r) => r.map((v) => cut(shown(v))))];
  const w = columns.map((_, k) => Math.max(...cells.map((r) => r[k].length)));
  const line = (r: string[]) =>
    r
      .map((c, k) => (typeof rows[0]?.[k] === "number" ? c.padStart(w[k]) : c.padEnd(w[k])))
      .join("  ")
      .trimEnd();
  return [line(cells[0]), w.map((n) => "-".repeat(n)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export function register(program: Command): void {
  const study = program
    .command("study")
    .description(
      "batch studies: a base config (cell, micro, dem, transport, pipeline, section2d, grf) and parameter axes, run on a worker pool into a DuckDB results table",
    );

  study
    .command("run")
    .description(
      "run (or continue) a study: cases into <dir>/cases/<id>/, one row each in <dir>/study.duckdb; a rerun on the same folder skips finished cases; failed cases are recorded and the study goes on (exit 0, 'N done, M failed')",
    )
    .argument(
      "<study>",
      "study file (YAML/JSON): name, seed, base {kind, config|file}, axes [{path, list|grid|random|latin-hypercube}], sampling, repeat",
    )
    .requiredOption("-o, --out <dir>", "study folder (results store, case folders)")
    .option("--workers <n>", "worker threads (default: the available cores)")
    .option("--resume", "continue the study in <dir> (refused when <dir> holds none); a plain run continues too")
    .option("--retry-failed", "run the failed cases again")
    .option(
      "--queue <url>",
      "run the cases on a BullMQ queue at this Redis server (e.g. redis://host:6379) instead of local threads: 'assb worker <url>' processes, on machines that see <dir>, take them",
    )
    .option("--queue-name <name>", "with --queue: the queue the workers serve", "assbkit-cases")
    .option("--queue-timeout-s <seconds>", "with --queue: how long the Redis server may take to answer", "5")
    .action(
      async (
        file: string,
        o: {
          out: string;
          workers?: string;
          resume?: boolean;
          retryFailed?: boolean;
          queue?: string;
          queueName: string;
          queueTimeoutS: string;
        },
      ) => {
        const workers = o.workers === undefined ? undefined : intOption("--workers", o.workers, 1, 1024);
        const timeout_ms = 1000 * Number(o.queueTimeoutS);
        if (!(timeout_ms > 0)) throw inputError("--queue-timeout-s", o.queueTimeoutS, "a positive number", "s");
        const { loadStudy } = await import("../study/schema.js");
        const { runStudy } = await import("../study/run.js");
        const s = await loadStudy(file);
        let executor: RunStudyOptions["executor"];
        if (o.queue) {
          const q = await import("../study/queue/executor.js");
          // the server must answer before the study folder is touched
          await q.checkQueue(o.queue, timeout_ms);
          const url = o.queue;
          executor = (casesDir) => q.queueExecutor(url, casesDir, { queueName: o.queueName, timeout_ms });
        }
        const tty = !!process.stdout.isTTY;
        const bar = progressBar();
        const failures: string[] = [];
        const sum = await runStudy(s, o.out, {
          workers,
          executor,
          resume: o.resume,
          retryFailed: o.retryFailed,
          // the bar's clock (and so its ETA) starts with the pool, not with the first finished case
          onStart: (st) => tty && st.toRun > 0 && bar.update("study", 0, st.toRun, `${st.skipped} finished before, ${st.workers} workers`),
          onProgress: (p) => {
            if (p.status === "failed") failures.push(`case ${p.case_id} failed: ${p.error}`);
            if (tty) bar.update("study", p.ran, p.toRun, `${p.done} done, ${p.failed} failed of ${p.total}`);
            else process.stdout.write(`${JSON.stringify({ event: "case", ...p })}\n`);
          },
        });
        bar.done();
        const where = o.queue ? `the queue ${o.queueName} at ${o.queue}` : `${sum.workers} workers`;
        const line = `study ${sum.name}: ${sum.done} done, ${sum.failed} failed of ${sum.total} (${sum.ran} run now on ${where}, ${sum.skipped} finished before${sum.leftovers ? `, ${sum.leftovers} interrupted and rerun` : ""}${sum.recovered ? `, ${sum.recovered} rows restored from case.json` : ""}) in ${sum.wall_s.toFixed(1)} s; results: ${sum.store}`;
        if (tty) {
          for (const f of failures.slice(0, 10)) console.log(f);
          if (failures.length > 10)
            console.log(
              `... and ${failures.length - 10} more failed (assb study query ${o.out} "select case_id, error from results where status = 'failed'")`,
            );
          console.log(line);
        } else {
          process.stdout.write(`${JSON.stringify({ event: "summary", ...sum })}\n`);
          process.stderr.write(`${line}\n`);
        }
      },
    );

  study
    .command("status")
    .description("counts of a study folder: done, failed, pending (from the case folders; works while the study runs)")
    .argument("<dir>", "study folder")
    .action(async (dir: string) => {
      const { studyStatus } = await import("../study/run.js");
      const s = studyStatus(dir);
      console.log(
        `study ${s.name}: ${s.total} cases: ${s.done} done, ${s.failed} failed, ${s.pending} pending${s.inProgress ? ` (${s.inProgress} running or interrupted)` : ""}`,
      );
    });

  study
    .command("dataset")
    .description(
      "join an image-dataset study into the files `assb train` reads: grf -> images.json + images.raw + labels.csv, section2d -> labels.csv (in the study folder)",
    )
    .argument("<dir>", "study folder")
    .action(async (dir: string) => {
      const { readManifest } = await import("../study/run.js");
      const m = readManifest(dir);
      if (!m) throw new ConfigError(`${dir}: holds no study (no study.json); run one with assb study run`);
      if (m.caseKind === "grf") {
        const r = (await import("../study/grf_kind.js")).grfStudyDataset(dir);
        console.log(`wrote ${r.images} (${r.count} images) and ${r.labels}`);
      } else if (m.caseKind === "section2d") {
        const r = (await import("../study/section2d_kind.js")).section2dLabels(dir);
        console.log(
          `wrote ${r.file}: ${r.rows} structures${r.failed.length ? `; ${r.failed.length} failed cases left out (${r.failed.join(", ")})` : ""}`,
        );
      } else throw new ConfigError(`${dir}: a ${m.caseKind} study; datasets are joined for the grf and section2d kinds`);
    });

  study
    .command("results")
    .description(
      "export the results table (one row per case) with DuckDB's COPY: csv (default), parquet or json; to -o, else csv/json to stdout",
    )
    .argument("<dir>", "study folder")
    .option("--format <f>", "csv, parquet or json", "csv")
    .option("-o, --out <file>", "output file (written atomically)")
    .action(async (dir: string, o: { format: string; out?: string }) => {
      const f = format(o.format, FORMATS, "csv") as Format;
      if (f === "parquet" && !o.out) throw new ConfigError(`--format parquet: a binary file; give -o <file>.parquet`);
      if (o.out) prepareOutFile(o.out);
      const { openResults } = await import("../study/run.js");
      const store = await openResults(dir);
      // COPY writes a temporary file beside the target (or in the temp folder for stdout), renamed or printed after
      const tmpDir = o.out ? undefined : mkdtempSync(join(tmpdir(), "assb-results-"));
      const tmp = o.out ? join(dirname(o.out), `.${basename(o.out)}.${process.pid}.copy.tmp`) : join(tmpDir!, `results.${f}`);
      try {
        await store.export(tmp, f);
        if (o.out) renameSync(tmp, o.out);
        else process.stdout.write(readFileSync(tmp));
      } finally {
        store.close();
        rmSync(tmpDir ?? tmp, { recursive: true, force: true });
      }
      if (o.out) console.error(`wrote ${o.out}`);
    });

  study
    .command("query")
    .description(
      `SQL over the results store, e.g. assb study query out "select case_id, status, capacity_Ah_m2 from results order by capacity_Ah_m2"`,
    )
    .argument("<dir>", "study folder")
    .argument("<sql>", "a query over the tables results (one row per case) and study (key, value)")
    .option("--format <f>", "table, csv or json", "table")
    .action(async (dir: string, sql: string, o: { format: string }) => {
      const f = format(o.format, ["table", "csv", "json"], "table");
      const { openResults } = await import("../study/run.js");
      const store = await openResults(dir);
      try {
        const r = await store.query(sql);
        if (f === "json") console.log(JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, k) => [c, row[k]])))));
        else if (f === "csv")
          process.stdout.write(
            toCsv({ columns: r.columns, rows: r.rows.map((row) => row.map((v) => (typeof v === "number" ? v : shown(v)))) }),
          );
        else console.log(`${textTable(r.columns, r.rows)}\n(${r.rows.length} row${r.rows.length === 1 ? "" : "s"})`);
      } finally {
        store.close();
      }
    });
}
