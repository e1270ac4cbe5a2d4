/**
 * The paper-002 dataset on the study runner (`base.kind: grf`): blocks of one seeded GRF series, joined by
 * `assb study dataset` into the same bytes and solver labels as one batch of the whole series, the same on
 * two workers as on one; gaps, overlaps and bad settings are refused with one line.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseStudy } from "../../host/study/schema.js";
import { runStudy } from "../../host/study/run.js";
import { grfStudyDataset } from "../../host/study/grf_kind.js";
import { grfBatch } from "../../host/image/grf.js";
import { readVolume } from "../../host/transport/volume.js";
import { solveImages, imageResultsTable } from "../../host/transport/images.js";
import { loadCore } from "../../host/core/wasm.js";
import { toCsv } from "../../host/io/csv.js";
import { expectConfigError } from "../helpers.js";
import { assb, studyFile, tmp } from "./util.js";

const block = { size: 16, corrPx: 1.5, fraction: [0.6, 1], seed: 99, first: 0, count: 4 };
const study = (firsts: number[], extra: Record<string, unknown> = {}) => ({
  name: "grf_t",
  seed: 1,
  base: { kind: "grf", config: { ...block, ...extra } },
  axes: [{ path: "first", list: firsts }],
});

test("3 blocks of 4 images joined = one batch of 12 (bytes and labels), on 2 workers as on 1, via assb study dataset", async () => {
  const whole = grfBatch({ size: 16, corrPx: 1.5, fractionMin: 0.6, fractionMax: 1, seed: 99 }, 12).data;
  const core = await loadCore();
  const vol = { shape: [12, 16, 16], data: whole, phases: {} };
  const labels = toCsv(imageResultsTable(solveImages(core, vol, { axis: 0, conductorCodes: [1], solver: { rtol: 1e-8 } })));
  for (const workers of [1, 2]) {
    const dir = tmp(`grf-w${workers}`);
    const s = await runStudy(await parseStudy(study([8, 0, 4]), "grf"), dir, { workers });
    assert.is(s.done, 3);
    const r =
      workers === 1
        ? grfStudyDataset(dir)
        : (() => {
            const p = assb("study", "dataset", dir);
            assert.is(p.status, 0, p.stderr);
            assert.match(p.stdout, /\(12 images\)/);
            return { images: join(dir, "images.json"), labels: join(dir, "labels.csv") };
          })();
    const v = readVolume(r.images);
    assert.equal(v.shape, [12, 16, 16]);
    assert.ok(Buffer.from(v.data).equals(Buffer.from(whole)), `workers ${workers}: joined images differ from one batch`);
    assert.is(readFileSync(r.labels, "utf8"), labels, `workers ${workers}: labels`);
  }
});

test("a gap, an overlap, a block without labels, bad settings and a folder without a study are refused with one line", async () => {
  const gap = tmp("grf-gap");
  await runStudy(await parseStudy(study([0, 8], { labels: false }), "grf"), gap, { workers: 1 });
  expectConfigError(() => grfStudyDataset(gap), /block \w+ starts at image 8, expected 4 \(a gap/);
  const over = tmp("grf-over");
  await runStudy(await parseStudy(study([0, 2], { labels: false }), "grf"), over, { workers: 1 });
  expectConfigError(() => grfStudyDataset(over), /starts at image 2, expected 4 \(blocks overlap\)/);
  const nolab = tmp("grf-nolab");
  await runStudy(await parseStudy(study([0], { labels: false }), "grf"), nolab, { workers: 1 });
  expectConfigError(() => grfStudyDataset(nolab), /labels\.csv: missing \(a block run with labels: false\)/);
  const bad = tmp("grf-bad");
  const f = studyFile(bad, "s.yaml", study([0], { fraction: [0.9, 0.6] }));
  const p = assb("study", "run", f, "-o", join(bad, "out"));
  assert.is.not(p.status, 0);
  assert.match(p.stderr, /fraction: expected \[min, max\] with min <= max/);
  assert.is(p.stderr.trim().split("\n").length, 1, p.stderr);
  const q = assb("study", "dataset", bad);
  assert.is.not(q.status, 0);
  assert.match(q.stderr, /holds no study/);
});

test.run();
