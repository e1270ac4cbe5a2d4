/**
 * Compaction outputs on disk: per-stage outputs and summaries, summary.json as their union, restart files
 * with a format version and case hashes, refusals naming the file and what differs, and finishing a run
 * whose last restart file was written (see test/cli/compact_resume.test.ts for real kills of the CLI).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCompact } from "../../host/dem/compact.js";
import {
  canonicalJson,
  caseIdentity,
  identityDifference,
  readRestartFile,
  runCompactToDir,
  RESTART_FORMAT,
  SUMMARY_FORMAT,
  type CompactSummary,
} from "../../host/dem/compact_io.js";
import { demoCase } from "../../host/dem/demo.js";
import { ConfigError } from "../../host/config/errors.js";
import { kernels } from "../helpers.js";

const smallCase = () => {
  const c = demoCase({ seed: 4, nx: 4, layers: 4 });
  c.walls![1].motion = { type: "fixed" };
  return c;
};
const uni = {
  type: "uniaxial",
  wall: "top",
  targetPressure_Pa: "30 MPa",
  speed_m_s: 10,
  releaseSpeed_m_s: 10,
  checkEvery: 200,
  holdSteps: 400,
  relaxSteps: 400,
};
const twoStages = () => parseCompact({ case: smallCase(), stages: [uni, { ...uni, targetPressure_Pa: "40 MPa" }] });
const tmp = () => mkdtempSync(join(tmpdir(), "assb-compact-io-"));

function configError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as Error).message.split("\n").length, 1);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}
async function configErrorAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as Error).message.split("\n").length, 1);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

test("canonical JSON sorts keys at every level; the case identity names what was edited", () => {
  assert.is(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: "s" } }), `{"a":{"c":"s","d":[1,{"x":1,"y":2}]},"b":1}`);
  const cfg = twoStages();
  const id = caseIdentity(cfg, 2);
  assert.is(id.stages.length, 2);
  assert.is(
    identityDifference(id, caseIdentity(parseCompact(JSON.parse(JSON.stringify(cfg))), 2), cfg),
    undefined,
    "same config, same hashes",
  );
  const edited = twoStages();
  (edited.case.materials.AM as { youngsModulus_Pa: number }).youngsModulus_Pa *= 1.01;
  assert.match(identityDifference(id, caseIdentity(edited, 2), edited)!, /the case .* was edited since/);
  const stage2 = twoStages();
  (stage2.stages[1] as { holdSteps: number }).holdSteps = 401;
  assert.is(
    identityDifference(caseIdentity(cfg, 1), caseIdentity(stage2, 1), stage2),
    undefined,
    "a later stage does not matter to the restart after stage 1",
  );
  assert.match(identityDifference(id, caseIdentity(stage2, 2), stage2)!, /stage 2 \(uniaxial\) was edited since/);
  // a particle file: its bytes are part of the identity
  const csvCfg = parseCompact({ case: { ...smallCase(), particles: { csv: "p.csv", materials: { "1": "AM" } } }, stages: [uni] });
  const a = caseIdentity(csvCfg, 1, () => "id,type,x_m,y_m,z_m,radius_m\n1,1,0,0,0,1e-6\n");
  const b = caseIdentity(csvCfg, 1, () => "id,type,x_m,y_m,z_m,radius_m\n1,1,0,0,0,2e-6\n");
  assert.match(identityDifference(a, b, csvCfg)!, /the particle file p\.csv was changed since/);
});

test("restart files: truncated JSON, another kind, the old format and an edited config are one-line ConfigErrors naming the file", () => {
  const dir = tmp();
  const cfg = twoStages();
  const f = join(dir, "restart_stage1.json");
  const good = {
    kind: "assbkit.compact.restart",
    format: RESTART_FORMAT,
    version: "x",
    stage: 1,
    stageType: "uniaxial",
    identity: caseIdentity(cfg, 1),
    state: { kind: "assbkit.dem.restart" },
  };
  writeFileSync(f, JSON.stringify(good).slice(0, 100));
  assert.match(
    configError(() => readRestartFile(dir, 1, cfg)),
    /restart_stage1\.json: not a complete restart file \(truncated or corrupt JSON/,
  );
  writeFileSync(f, JSON.stringify({ kind: "assbkit.dem.restart", version: "0.1.0", n: 64 }));
  assert.match(
    configError(() => readRestartFile(dir, 1, cfg)),
    /restart_stage1\.json: restart format 1 .* reads format 2; rerun without --resume/,
  );
  writeFileSync(f, JSON.stringify({ ...good, format: 99 }));
  assert.match(
    configError(() => readRestartFile(dir, 1, cfg)),
    /restart_stage1\.json: restart format 99/,
  );
  writeFileSync(f, JSON.stringify({ ...good, kind: "something" }));
  assert.match(
    configError(() => readRestartFile(dir, 1, cfg)),
    /restart_stage1\.json: not an assbkit compaction restart file/,
  );
  const edited = twoStages();
  (edited.stages[0] as { targetPressure_Pa: number }).targetPressure_Pa = 31e6;
  writeFileSync(f, JSON.stringify(good));
  assert.ok(readRestartFile(dir, 1, cfg).state);
  assert.match(
    configError(() => readRestartFile(dir, 1, edited)),
    /restart_stage1\.json: written for another case: stage 1 \(uniaxial\) was edited since; rerun without --resume/,
  );
});

test("runCompactToDir: per-stage outputs and summaries, summary.json the union, restart files with format and hashes", async () => {
  const dir = tmp();
  const cfg = twoStages();
  const r = await runCompactToDir(await kernels("wasm"), cfg, dir);
  const files = readdirSync(dir).sort();
  const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as CompactSummary;
  assert.is(s.stages.length, 2);
  assert.equal([...s.files, "restart_stage1.json", "restart_stage2.json"].sort(), files);
  assert.equal(s.files, r.summary.files);
  for (const k of [1, 2]) {
    const st = JSON.parse(readFileSync(join(dir, `stage${k}_summary.json`), "utf8"));
    assert.is(st.stage, k);
    assert.ok(st.files.includes(`stage${k}_uniaxial_loaded_particles.csv`) && st.files.includes(`stage${k}_uniaxial_curve.png`));
    const rs = JSON.parse(readFileSync(join(dir, `restart_stage${k}.json`), "utf8"));
    assert.is(rs.format, RESTART_FORMAT);
    assert.equal(rs.identity, caseIdentity(cfg, k));
  }
  // 2 stages x (curve csv + png, 2 states x (particles csv + its packing sidecar, vtk, contacts, analysis, 4 plots)) + 2 summaries + particles (+ sidecar) + summary
  assert.is(s.files.length, 2 * (2 + 2 * 9) + 2 + 3);
});

test("release not converged: released.converged false in the stage summary and summary.json, with the warning", async () => {
  const dir = tmp();
  const cfg = parseCompact({ case: smallCase(), stages: [{ ...uni, releaseSpeed_m_s: 0.05, maxReleaseChunks: 1 }] });
  const r = await runCompactToDir(await kernels("wasm"), cfg, dir);
  assert.is(r.ran[0].warnings.length, 1);
  const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as CompactSummary;
  assert.match(s.warnings[0], /release did not reach releasePressure_Pa/);
  const released = (s.stages[0].result as { released: { converged: boolean; release: { pressureAtStop_Pa: number } } }).released;
  assert.is(released.converged, false);
  assert.ok(released.release.pressureAtStop_Pa > 1e6);
});

test("--resume after the last restart file writes the final particles.csv and summary.json of the uninterrupted run", async () => {
  const dir = tmp();
  const cfg = twoStages();
  const k = await kernels("wasm");
  await runCompactToDir(k, cfg, dir);
  const particles = readFileSync(join(dir, "particles.csv"), "utf8");
  const sidecar = readFileSync(join(dir, "particles.packing.json"), "utf8");
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as CompactSummary;
  const listing = readdirSync(dir).sort();
  // the folder a kill right after restart_stage2.json leaves
  rmSync(join(dir, "particles.csv"));
  rmSync(join(dir, "particles.packing.json"));
  rmSync(join(dir, "summary.json"));
  const r = await runCompactToDir(k, cfg, dir, { resume: true });
  assert.is(r.resumedAfter, 2);
  assert.is(r.ran.length, 0);
  assert.equal(r.written, ["particles.csv", "particles.packing.json", "summary.json"]);
  assert.is(readFileSync(join(dir, "particles.csv"), "utf8"), particles, "bit-identical final particles (stresses included)");
  assert.is(readFileSync(join(dir, "particles.packing.json"), "utf8"), sidecar, "the same box (wall positions) and periodicity");
  assert.equal(readdirSync(dir).sort(), listing);
  assert.equal(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")), summary);
  assert.is(summary.format, SUMMARY_FORMAT);
  // a stage summary of another layout is refused on resume, naming the file and the formats
  const s1 = join(dir, "stage1_summary.json");
  writeFileSync(s1, JSON.stringify({ ...JSON.parse(readFileSync(s1, "utf8")), format: 99 }));
  rmSync(join(dir, "summary.json"));
  try {
    await runCompactToDir(k, cfg, dir, { resume: true });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /stage1_summary\.json: stage summary format 99 .* reads format 1; rerun without --resume/);
  }
});

test("--resume refuses a damaged restart state, a restart beyond the config's stages, and a folder without restarts", async () => {
  const dir = tmp();
  const cfg = twoStages();
  const k = await kernels("wasm");
  assert.match(await configErrorAsync(() => runCompactToDir(k, cfg, dir, { resume: true })), /--resume: no restart_stageN\.json in /);
  await runCompactToDir(k, cfg, dir);
  const f = join(dir, "restart_stage2.json");
  const rs = JSON.parse(readFileSync(f, "utf8"));
  rs.state.walls[0].hx = rs.state.walls[0].hx.slice(0, 12);
  writeFileSync(f, JSON.stringify(rs));
  assert.match(
    await configErrorAsync(() => runCompactToDir(k, cfg, dir, { resume: true })),
    /restart_stage2\.json: wall 0 history is missing or damaged/,
  );
  const one = parseCompact({ case: smallCase(), stages: [uni] });
  assert.match(
    await configErrorAsync(() => runCompactToDir(k, one, dir, { resume: true })),
    /restart_stage2\.json is the restart after stage 2, but the config has 1 stages/,
  );
});

test.run();
