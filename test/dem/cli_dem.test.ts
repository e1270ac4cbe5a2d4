/** `assb dem` and `assb compact` refusals through the CLI: one line, the right exit code, nothing computed. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, ROOT } from "../helpers.js";
import { demoCase } from "../../host/dem/demo.js";

const cli = join(ROOT, "host/cli/main.ts");
const assb = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { encoding: "utf8", cwd: ROOT });

test("assb dem --backend wsam: a ConfigError (exit 2) listing wasm and ts, before the output folder is made", () => {
  const out = join(mkdtempSync(join(tmpdir(), "assb-dem-")), "out");
  const r = assb("dem", fixture("dem/collision_equal.yaml"), "-o", out, "--backend", "wsam");
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stderr, `assb: error: --backend = "wsam": expected one of wasm, ts\n`);
  assert.not.ok(existsSync(out));
});

test("assb compact: a protocol that does not reach its target exits 3 (not converged), after writing nothing it cannot stand behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-dem-"));
  const c = demoCase({ seed: 4, nx: 4, layers: 4 });
  c.walls![1].motion = { type: "fixed" };
  const f = join(dir, "c.json");
  writeFileSync(
    f,
    JSON.stringify({
      case: c,
      stages: [{ type: "uniaxial", wall: "top", targetPressure_Pa: 1e12, checkEvery: 200, maxCompressionSteps: 400 }],
    }),
  );
  const r = assb("compact", f, "-o", join(dir, "out"));
  assert.is(r.status, 3, r.stderr);
  assert.match(r.stderr, /^assb: error: uniaxial: the wall pressure reached only .* raise maxCompressionSteps\n$/);
  assert.not.ok(existsSync(join(dir, "out", "summary.json")));
});

test("assb compact: a release that stops with the wall still loaded prints a warning line and keeps it in summary.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-dem-"));
  const c = demoCase({ seed: 4, nx: 4, layers: 4 });
  c.walls![1].motion = { type: "fixed" };
  const f = join(dir, "c.json");
  writeFileSync(
    f,
    JSON.stringify({
      case: c,
      stages: [
        {
          type: "uniaxial",
          wall: "top",
          targetPressure_Pa: "30 MPa",
          speed_m_s: 10,
          checkEvery: 200,
          holdSteps: 400,
          relaxSteps: 400,
          releaseSpeed_m_s: 0.05,
          maxReleaseChunks: 1,
        },
      ],
    }),
  );
  const r = assb("compact", f, "-o", join(dir, "out"));
  assert.is(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /^assb: warning: uniaxial: the release did not reach releasePressure_Pa = 100000 Pa within maxReleaseChunks = 1 /m,
  );
  assert.match(r.stdout, /NOT released: still loaded/);
});

test("assb compact: a particle centre outside the box is refused (exit 2) naming it, before the output folder is made", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-dem-"));
  const c = demoCase({ seed: 4, nx: 4, layers: 4 });
  (c.particles as { position_m: number[] }[])[5].position_m[2] = 1;
  const f = join(dir, "c.json");
  writeFileSync(f, JSON.stringify({ case: c, stages: [{ type: "uniaxial", wall: "top", targetPressure_Pa: "30 MPa" }] }));
  const r = assb("compact", f, "-o", join(dir, "out"));
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /^assb: error: particles: particle id 6, z_m = 1: expected a centre inside the box along z, \[0, [0-9.e-]+\] give or take the particle radius [0-9.e-]+ \(non-periodic axis\) \[m\]\n$/,
  );
  assert.not.ok(existsSync(join(dir, "out")));
});

test("assb dem --threads 2: the same summary as the run it repeats, bit for bit; --threads 0 is refused naming the flag", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-threads-"));
  const f = join(dir, "case.json");
  writeFileSync(f, JSON.stringify({ ...demoCase({ seed: 3 }), stages: [{ name: "press", steps: 3000 }] }));
  const runs = [1, 2].map(() => {
    const r = assb("dem", f, "-o", join(dir, "out"), "--threads", "2", "-q");
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(readFileSync(join(dir, "out", "summary.json"), "utf8")).summary;
  });
  assert.is(runs[0].particles, 288);
  assert.is(runs[0].steps, 3000);
  assert.equal(runs[0].walls, runs[1].walls);
  assert.is(runs[0].kineticEnergy_J, runs[1].kineticEnergy_J);
  const bad = assb("dem", f, "-o", join(dir, "bad"), "--threads", "0");
  assert.is(bad.status, 2);
  assert.match(bad.stderr.trim(), /^assb: error: --threads = "0": expected an integer 1-64/);
  assert.not.ok(existsSync(join(dir, "bad")));
});

test.run();
