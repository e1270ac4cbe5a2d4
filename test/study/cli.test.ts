/** `assb study run | status | results | query` end to end on small cell studies: bad study files, 1 vs 2
 *  workers, a rerun that skips finished cases, a failing case, recovery of a lost row and of a `.tmp` leftover,
 *  and the exports (csv, parquet, json) and queries of the DuckDB store. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { fixture } from "../helpers.js";
import { parseCsv } from "../../host/io/csv.js";
import { StudyStore } from "../../host/study/store.js";
import { assb, events, query, rows, startedAt, studyFile, tmp } from "./util.js";

const out = tmp("cli");
const RATES = fixture("study/cell_rates.yaml");
const base = { kind: "cell", config: { params: "Asheri2023", rate: 1, numerics: { nx: 6, nr: 3 } } };
const oneLineError = (r: ReturnType<typeof assb>, re: RegExp) => {
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /^assb: error: /);
  assert.match(r.stderr, re);
};

test("bad study files exit 2 with one line naming the field: unknown path, empty axis, non-integer seed", () => {
  const bad = (name: string, s: unknown, re: RegExp) => {
    const dir = join(out, name);
    const r = assb("study", "run", studyFile(out, `${name}.yaml`, s), "-o", dir);
    oneLineError(r, re);
    assert.not.ok(existsSync(dir), "nothing written");
  };
  bad(
    "unknown_path",
    { name: "x", seed: 1, base, axes: [{ path: "numerics.bogus", list: [1] }] },
    /axes\[0\]\.path = "numerics\.bogus": expected a path into the base cell config/,
  );
  bad(
    "empty_axis",
    { name: "x", seed: 1, base, axes: [{ path: "rate", list: [] }] },
    /axes\.0\.list = \[\]: an empty list: expected at least one value/,
  );
  bad("float_seed", { name: "x", seed: 0.5, base, axes: [{ path: "rate", list: [1] }] }, /seed = 0\.5: expected an integer seed/);
});

let ref = new Map<string, Record<string, unknown>>();

test("1 worker and 2 workers give identical rows (every column but the timings); JSON progress lines off a TTY", async () => {
  const r1 = assb("study", "run", RATES, "-o", join(out, "w1"), "--workers", "1");
  assert.is(r1.status, 0, r1.stderr);
  const ev = events(r1.stdout);
  assert.is(ev.filter((e) => e.event === "case").length, 12);
  const sum = ev.at(-1)!;
  assert.equal([sum.event, sum.total, sum.done, sum.failed, sum.workers], ["summary", 12, 12, 0, 1]);
  assert.match(r1.stderr, /^study cell_rates: 12 done, 0 failed of 12 /m);
  const r2 = assb("study", "run", RATES, "-o", join(out, "w2"), "--workers", "2");
  assert.is(r2.status, 0, r2.stderr);
  assert.is(events(r2.stdout).at(-1)!.workers, 2);
  const a = await rows(join(out, "w1"));
  const b = await rows(join(out, "w2"));
  assert.is(a.size, 12);
  assert.equal([...b.keys()].sort(), [...a.keys()].sort());
  for (const [id, row] of a) assert.equal(b.get(id), row, id);
  const any = [...a.values()][0];
  assert.ok(typeof any.capacity_Ah_m2 === "number" && (any.capacity_Ah_m2 as number) > 0);
  assert.ok(typeof any.am_fraction === "number" && typeof any.rate === "number" && typeof any.seed === "number");
  ref = a;
});

test("a rerun on the same folder recomputes nothing; another study there is refused; --resume needs a study", () => {
  const dir = join(out, "w2");
  const before = startedAt(dir, ref.keys());
  const r = assb("study", "run", RATES, "-o", dir);
  assert.is(r.status, 0, r.stderr);
  const sum = events(r.stdout).at(-1)!;
  assert.equal([sum.ran, sum.skipped, sum.done], [0, 12, 12]);
  assert.equal(startedAt(dir, ref.keys()), before);
  const other = studyFile(out, "other.yaml", { name: "other", seed: 1, base, axes: [{ path: "rate", list: [1] }] });
  oneLineError(assb("study", "run", other, "-o", dir), /holds the study "cell_rates" \(hash [0-9a-f]{12}\), not this study file/);
  oneLineError(assb("study", "run", other, "-o", join(out, "fresh"), "--resume"), /--resume: .* holds no study/);
  const st = assb("study", "status", dir);
  assert.is(st.status, 0, st.stderr);
  assert.is(st.stdout.trim(), "study cell_rates: 12 cases: 12 done, 0 failed, 0 pending");
});

test("a failing case (AM + SE fraction > 1) is recorded with its one-line error and the rest completes; exit 0", async () => {
  const file = studyFile(out, "fails.yaml", {
    name: "fails",
    seed: 9,
    base,
    axes: [
      { path: "rate", list: [1, 2] },
      { path: 'parameters["Active material volume fraction"]', name: "am", list: [0.5, 0.8] },
    ],
  });
  const dir = join(out, "fails");
  const r = assb("study", "run", file, "-o", dir, "--workers", "2");
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /2 done, 2 failed of 4/);
  const res = (await query(dir, "select case_id, am, status, error from results order by am, rate")) as {
    case_id: string;
    am: number;
    status: string;
    error: string | null;
  }[];
  assert.equal(
    res.map((x) => [x.am, x.status]),
    [
      [0.5, "done"],
      [0.5, "done"],
      [0.8, "failed"],
      [0.8, "failed"],
    ],
  );
  assert.match(res[2].error!, /Active material volume fraction \+ SE volume fraction in cathode = 1\.1\d*: expected <= 1/);
  assert.not.match(res[2].error!, /\n/);
  assert.is(assb("study", "status", dir).stdout.trim(), "study fails: 4 cases: 2 done, 2 failed, 0 pending");
  const failedId = res[2].case_id;
  const cj = JSON.parse(readFileSync(join(dir, "cases", failedId, "case.json"), "utf8"));
  assert.equal([cj.status, cj.error], ["failed", res[2].error]);
  const again = assb("study", "run", file, "-o", dir, "--retry-failed");
  assert.is(again.status, 0, again.stderr);
  const sum = events(again.stdout).at(-1)!;
  assert.equal([sum.ran, sum.skipped, sum.done, sum.failed], [2, 2, 2, 2], "--retry-failed reruns the failed cases only");
});

test("recovery: a finished folder whose row was lost gets it back from case.json; a .tmp leftover is removed and its case rerun", async () => {
  const dir = join(out, "w1");
  const ids = [...ref.keys()].sort();
  const store = await StudyStore.open(join(dir, "study.duckdb"));
  await store.con.run(`delete from results where case_id in ('${ids[0]}', '${ids[1]}', '${ids[2]}')`);
  store.close();
  // a case killed mid-run: its folder is still <id>.tmp and it has no row
  renameSync(join(dir, "cases", ids[2]), join(dir, "cases", `${ids[2]}.tmp`));
  const before = startedAt(dir, ids);
  const r = assb("study", "run", RATES, "-o", dir);
  assert.is(r.status, 0, r.stderr);
  const sum = events(r.stdout).at(-1)!;
  assert.equal([sum.recovered, sum.leftovers, sum.ran, sum.skipped, sum.done], [2, 1, 1, 11, 12]);
  assert.not.ok(existsSync(join(dir, "cases", `${ids[2]}.tmp`)));
  const after = startedAt(dir, ids);
  for (const id of ids) if (id !== ids[2]) assert.is(after.get(id), before.get(id), `${id} not recomputed`);
  assert.ok(after.has(ids[2]));
  const now = await rows(dir);
  assert.is(now.size, 12);
  for (const [id, row] of ref) assert.equal(now.get(id), row, id);
});

test("exports: csv (stdout), parquet and json (-o, via DuckDB COPY) hold the same 12 rows; query prints a table, csv or json", async () => {
  const dir = join(out, "w2");
  const csv = assb("study", "results", dir);
  assert.is(csv.status, 0, csv.stderr);
  const t = parseCsv(csv.stdout);
  assert.is(t.rows.length, 12);
  for (const c of [
    "case_id",
    "replica",
    "seed",
    "rate",
    "am_fraction",
    "status",
    "error",
    "started_at",
    "wall_s",
    "artefact_dir",
    "capacity_Ah_m2",
  ])
    assert.ok(t.columns.includes(c), c);
  const pq = join(out, "r.parquet");
  assert.is(assb("study", "results", dir, "--format", "parquet", "-o", pq).status, 0);
  assert.equal([...readFileSync(pq).subarray(0, 4)], [...Buffer.from("PAR1")]);
  const pqRows = (await query(dir, `select case_id, capacity_Ah_m2 from '${pq}' order by case_id`)) as {
    case_id: string;
    capacity_Ah_m2: number;
  }[];
  assert.is(pqRows.length, 12);
  for (const r of pqRows) assert.is(r.capacity_Ah_m2, ref.get(r.case_id)!.capacity_Ah_m2);
  const js = join(out, "r.json");
  assert.is(assb("study", "results", dir, "--format", "json", "-o", js).status, 0);
  assert.is((JSON.parse(readFileSync(js, "utf8")) as unknown[]).length, 12);
  oneLineError(assb("study", "results", dir, "--format", "parquet"), /--format parquet: a binary file; give -o/);
  const table = assb(
    "study",
    "query",
    dir,
    "select rate, count(*) as n, max(capacity_Ah_m2) as best from results group by rate order by rate",
  );
  assert.is(table.status, 0, table.stderr);
  const lines = table.stdout.trim().split("\n");
  assert.match(lines[0], /^rate\s+n\s+best$/);
  assert.is(lines.length, 2 + 4 + 1);
  assert.is(lines.at(-1), "(4 rows)");
  const qcsv = assb(
    "study",
    "query",
    dir,
    "select name, value from (select key as name, value from study) where name = 'name'",
    "--format",
    "csv",
  );
  assert.is(qcsv.stdout, "name,value\nname,cell_rates\n");
  oneLineError(assb("study", "query", dir, "selec 1"), /query: Parser Error/);
  oneLineError(assb("study", "query", out, "select 1"), /not a study folder/);
});

test.run();
