/**
 * The uniaxial protocol (press at constant speed to a target pressure, hold, release, relax) on a small
 * AM/SE packing; the full pack2k comparison with LIGGGHTS is `npm run bench -- compaction`.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDemCase } from "../../host/dem/case.js";
import { demoCase } from "../../host/dem/demo.js";
import { resolveCase } from "../../host/dem/run.js";
import { DemSystem } from "../../host/dem/system.js";
import { packingHeight, runDisplacement, runUniaxial, UNIAXIAL_DEFAULTS } from "../../host/dem/protocol.js";
import { NotConvergedError } from "../../host/config/errors.js";
import { kernels, relErr } from "../helpers.js";

async function small(shiftZ_m = 0) {
  const input = demoCase({ seed: 3, nx: 5, layers: 5 });
  input.walls![1].motion = { type: "fixed" };
  // the same packing with the box, walls and particles moved along z
  if (shiftZ_m) {
    for (const p of input.particles as { position_m: number[] }[]) p.position_m[2] += shiftZ_m;
    for (const w of input.walls!) w.position_m = (w.position_m as number) + shiftZ_m;
    input.box.lo_m[2] = (input.box.lo_m[2] as number) + shiftZ_m;
    input.box.hi_m[2] = (input.box.hi_m[2] as number) + shiftZ_m;
  }
  const cfg = parseDemCase(input);
  const rc = resolveCase(cfg);
  const s = new DemSystem(await kernels("wasm"), rc.init);
  const L = cfg.box.hi_m[0] - cfg.box.lo_m[0];
  return { s, rc, area: L * L };
}

test("uniaxial: reaches the target pressure, holds, releases below the release pressure and relaxes", async () => {
  const { s, rc, area } = await small();
  const target = 50e6;
  const r = runUniaxial(s, rc.materialNames, {
    ...UNIAXIAL_DEFAULTS,
    wall: 1,
    area_m2: area,
    targetPressure_Pa: target,
    speed_m_s: 10,
    releaseSpeed_m_s: 10,
    checkEvery: 200,
    holdSteps: 3000,
    relaxSteps: 2000,
    releasePressure_Pa: 0.1e6,
  });
  const compressed = r.curve.filter((p) => p.pressure_Pa >= target);
  assert.ok(compressed.length >= 1, "target reached");
  // the wall went down, then back up
  const zmin = Math.min(...r.curve.map((p) => p.wallPosition_m));
  assert.ok(zmin < r.curve[0].wallPosition_m);
  assert.ok(r.released.height_m > r.loaded.height_m);
  // loaded: dense, compressive, vertical stress above lateral (uniaxial), pressure held near target
  assert.ok(r.loaded.solidFraction > 0.5 && r.loaded.solidFraction < 0.8, `phi ${r.loaded.solidFraction}`);
  for (const ph of ["AM", "SE"]) {
    const st = r.loaded.phases[ph].volWeightedStress_Pa;
    assert.ok(st[2] < 0 && st[0] < 0 && st[1] < 0, `${ph} compressive`);
    assert.ok(Math.abs(st[2]) > Math.abs(st[0]), `${ph}: |szz| > |sxx|`);
  }
  assert.ok(r.loaded.pressure_Pa > 0.5 * target && r.loaded.pressure_Pa < 1.5 * target, `held at ${r.loaded.pressure_Pa}`);
  // released: the bed springs back, contacts open
  assert.ok(r.released.solidFraction < r.loaded.solidFraction);
  assert.ok(r.released.meanCoordination < r.loaded.meanCoordination);
  assert.ok(r.released.pressure_Pa <= 0.1e6 + 1e-9, `released at ${r.released.pressure_Pa}`);
  // the vertical stress balances the wall pressure: sum of s_zz V over the bed = -P A h (walls excluded, so ~)
  const szzBed = Object.values(r.loaded.phases).reduce((a, p) => a + p.volWeightedStress_Pa[2] * p.volume_m3, 0);
  const boxStress = szzBed / (area * r.loaded.height_m);
  assert.ok(boxStress < 0 && Math.abs(boxStress) < r.loaded.pressure_Pa * 1.1, `box szz ${boxStress} vs P ${r.loaded.pressure_Pa}`);
});

test("uniaxial: an unreachable target stops with a NotConvergedError (exit 3) naming the limit", async () => {
  const { s, rc, area } = await small();
  try {
    runUniaxial(s, rc.materialNames, {
      ...UNIAXIAL_DEFAULTS,
      wall: 1,
      area_m2: area,
      targetPressure_Pa: 1e12,
      maxCompressionSteps: 400,
      checkEvery: 200,
    });
    assert.unreachable("expected an error");
  } catch (e) {
    assert.instance(e, NotConvergedError);
    assert.is((e as NotConvergedError).exitCode, 3);
    assert.match(
      (e as Error).message,
      /reached only .* MPa of targetPressure_Pa = 1000000000000 Pa within 400 steps; .* raise maxCompressionSteps/,
    );
  }
});

const particleVolume = (rc: { particles: { radius_m: Float64Array } }) =>
  rc.particles.radius_m.reduce((a, r) => a + (4 / 3) * Math.PI * r ** 3, 0);

test("uniaxial: the packing height is measured from the opposite wall, so a box shifted by 1 mm in z gives the same solid fraction", async () => {
  const run = async (shift: number) => {
    const { s, rc, area } = await small(shift);
    const bottom = s.wall(0).position_m;
    // displacement control to a height of solid fraction 0.5: the same number of steps in both boxes
    const h = particleVolume(rc) / (area * 0.5);
    const r = runUniaxial(s, rc.materialNames, {
      ...UNIAXIAL_DEFAULTS,
      wall: 1,
      area_m2: area,
      targetPressure_Pa: 50e6,
      targetPosition_m: bottom + h,
      speed_m_s: 10,
      checkEvery: 200,
      holdSteps: 200,
      releaseSpeed_m_s: 10,
      maxReleaseChunks: 2,
      relaxSteps: 200,
    });
    return { r, bottom, h, vol: particleVolume(rc), area };
  };
  const a = await run(0),
    b = await run(1e-3);
  // the wall stops within one step's travel (10 m/s x dt) of the target height
  const dz = 10 * 1e-9;
  assert.ok(Math.abs(b.r.loaded.height_m - b.h) < dz, `height ${b.r.loaded.height_m} vs ${b.h}`);
  assert.ok(relErr(b.r.loaded.solidFraction, b.vol / (b.area * b.r.loaded.height_m)) < 1e-12);
  assert.ok(Math.abs(b.r.loaded.solidFraction - 0.5) < 1e-3, `shifted: phi ${b.r.loaded.solidFraction}`);
  assert.ok(
    relErr(b.r.loaded.solidFraction, a.r.loaded.solidFraction) < 1e-9,
    `phi ${b.r.loaded.solidFraction} vs unshifted ${a.r.loaded.solidFraction}`,
  );
});

test("packingHeight: without a facing wall, the distance to the box's opposite face", async () => {
  const { s } = await small(1e-3);
  // the top wall (side -) faces the bottom wall
  assert.ok(relErr(packingHeight(s, 1), s.wall(1).position_m - s.wall(0).position_m) < 1e-15);
  // switched off, the bottom wall no longer counts: the box's lower face (z = 1 mm) does
  s.setWall(0, { mode: "off" });
  assert.ok(relErr(packingHeight(s, 1), s.wall(1).position_m - 1e-3) < 1e-15);
});

test("uniaxial: a release stopped by maxReleaseChunks is recorded (converged: false, residual pressure) with a warning", async () => {
  const { s, rc, area } = await small();
  const r = runUniaxial(s, rc.materialNames, {
    ...UNIAXIAL_DEFAULTS,
    wall: 1,
    area_m2: area,
    targetPressure_Pa: 50e6,
    speed_m_s: 10,
    checkEvery: 200,
    holdSteps: 400,
    releaseSpeed_m_s: 0.1,
    maxReleaseChunks: 1,
    relaxSteps: 200,
  });
  assert.is(r.released.converged, false);
  assert.is(r.released.release.chunks, 1);
  assert.ok(r.released.release.pressureAtStop_Pa > 1e6, `still loaded: ${r.released.release.pressureAtStop_Pa}`);
  assert.is(r.warnings.length, 1);
  assert.match(r.warnings[0], /release did not reach releasePressure_Pa = 100000 Pa within maxReleaseChunks = 1 .* still loaded/);
});

test("progress: a real fraction per phase (pressure / target, steps / budget, pressure drop), never decreasing, 1 at the end", async () => {
  const { s, rc, area } = await small();
  const calls: { ph: string; p: number; f: number }[] = [];
  const target = 50e6;
  const r = runUniaxial(
    s,
    rc.materialNames,
    {
      ...UNIAXIAL_DEFAULTS,
      wall: 1,
      area_m2: area,
      targetPressure_Pa: target,
      speed_m_s: 10,
      checkEvery: 200,
      holdSteps: 500,
      releaseSpeed_m_s: 10,
      relaxSteps: 500,
    },
    (ph, _step, p, _z, f) => calls.push({ ph, p, f }),
  );
  assert.ok(r.released.converged);
  const of = (ph: string) => calls.filter((c) => c.ph === ph);
  assert.equal([...new Set(calls.map((c) => c.ph))], ["compress", "hold", "release", "relax"]);
  for (const ph of ["compress", "hold", "release", "relax"]) {
    const f = of(ph).map((c) => c.f);
    assert.ok(
      f.every((x, k) => x >= 0 && x <= 1 && (k === 0 || x >= f[k - 1])),
      `${ph}: ${f.join(",")}`,
    );
    assert.is(f[f.length - 1], 1, `${ph} ends at 1`);
  }
  // compress: the highest pressure so far over the target
  let best = 0;
  for (const c of of("compress")) {
    best = Math.max(best, Math.min(1, Math.max(0, c.p / target)));
    assert.is(c.f, best);
  }
  assert.ok(of("compress").length > 2 && of("compress")[0].f < 0.5, "starts low");
  // hold and relax: steps / budget in chunks of checkEvery
  assert.equal(
    of("hold").map((c) => c.f),
    [0.4, 0.8, 1],
  );
  assert.equal(
    of("relax").map((c) => c.f),
    [0.4, 0.8, 1],
  );
});

test("progress: displacement control reports steps / total exactly", async () => {
  const { s } = await small();
  const calls: [string, number][] = [];
  const w = s.wall(1);
  const total = 1000;
  runDisplacement(
    s,
    { wall: 1, targetPosition_m: w.position_m - total * 1 * s.dt_s, speed_m_s: 1, holdSteps: 300, checkEvery: 400 },
    (ph, _s, _p, _z, f) => calls.push([ph, f]),
  );
  assert.equal(calls, [
    ["compress", 0.4],
    ["compress", 0.8],
    ["compress", 1],
    ["hold", 1],
  ]);
});

test.run();
