/**
 * The LIGGGHTS protocol options of the isostatic and cycling stages: the servo law with vel_max and kp, the target
 * force from the face area every step, constant-density swelling, the swelling cadence, and a settling criterion for
 * the holds.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as L from "../../assembly/dem/layout.js";
import { NotConvergedError } from "../../host/config/errors.js";
import { parseDemCase } from "../../host/dem/case.js";
import { boxSystem, parseCompact, runCompact } from "../../host/dem/compact.js";
import { demoCase } from "../../host/dem/demo.js";
import { boxLengths, facePressures, runCycle, runIsostatic } from "../../host/dem/isostatic.js";
import { resolveCase } from "../../host/dem/run.js";
import { DemSystem } from "../../host/dem/system.js";
import { kernels } from "../helpers.js";

const P = 3e6;
const ISO = { pressure_Pa: P, maxSpeed_m_s: 1, kp: 1, checkEvery: 250, tolerance: 0.02, maxSteps: 400_000, holdSteps: 500 };

/** A demo packing pressed isostatically at 3 MPa (6 servo walls), as the cycle stage finds it. */
async function pressed() {
  const c = parseDemCase({
    ...demoCase({ seed: 4, nx: 4, layers: 4 }),
    walls: demoCase({ seed: 4, nx: 4, layers: 4 }).walls!.map((w) => ({ ...w, motion: { type: "fixed" } })),
  });
  const rc = resolveCase(c);
  const { s, walls } = boxSystem(await kernels("wasm"), c, rc, null);
  runIsostatic(s, rc.materialNames, walls, ISO);
  return { s, walls, rc };
}

test("servo, LIGGGHTS's law: speed = vel_max kp (1 - F/F_target) clipped at vel_max (a wall touching nothing), and a wall reaches its target", async () => {
  const k = await kernels("wasm");
  const base = demoCase({ seed: 4, nx: 4, layers: 4 });
  for (const kp of [0.25, 3]) {
    const c = parseDemCase({
      ...base,
      walls: base.walls!.map((w, i) =>
        i === 1
          ? { ...w, position_m: (w.position_m as number) + 50e-6, motion: { type: "servo", targetForce_N: 1, maxSpeed_m_s: 2, kp } }
          : w,
      ),
    });
    const s = new DemSystem(k, resolveCase(c).init);
    s.setup();
    s.run(1);
    assert.is(s.wall(1).load_N, 0);
    // no load: 2 m/s x kp, at most 2 m/s, into the particles (the top wall moves down)
    assert.is(s.wall(1).velocity_m_s[2], -Math.min(2, 2 * kp), `kp ${kp}`);
  }
  // kp and a gain together are refused naming both
  assert.throws(
    () =>
      parseDemCase({
        ...base,
        walls: [
          base.walls![0],
          { ...base.walls![1], motion: { type: "servo", targetForce_N: 1, maxSpeed_m_s: 1, kp: 1, gain_m_per_s_N: 1 } },
        ],
      }),
    /kp \[-\] \(LIGGGHTS's law\) or gain_m_per_s_N/,
  );
  // the isostatic faces under the kp law settle at the pressure (kp 2: twice as stiff as the one-knob law)
  const cfg = parseCompact({
    case: { ...base, walls: base.walls!.map((w) => ({ ...w, motion: { type: "fixed" } })) },
    stages: [{ type: "isostatic", pressure_Pa: "3 MPa", maxSpeed_m_s: 1, kp: 2, checkEvery: 250, holdSteps: 500 }],
  });
  const r = runCompact(k, cfg);
  const iso = r.stages[0];
  assert.ok(iso.type === "isostatic");
  if (iso.type === "isostatic") for (const p of iso.settled.facePressure_Pa) assert.ok(Math.abs(p - P) <= 0.02 * P, `face ${p}`);
});

test("isostatic servo: each face's target is P x its current area, every step (not at the checks)", async () => {
  const { s, walls } = await pressed();
  // an odd number of steps, off any check: the target follows the walls that moved in them
  for (const n of [1, 37]) {
    s.run(n);
    const Lb = boxLengths(s, walls);
    const area = [Lb[1] * Lb[2], Lb[1] * Lb[2], Lb[0] * Lb[2], Lb[0] * Lb[2], Lb[0] * Lb[1], Lb[0] * Lb[1]];
    [walls.xlo, walls.xhi, walls.ylo, walls.yhi, walls.zlo, walls.zhi].forEach((k, f) =>
      assert.ok(
        Math.abs(s.wall(k).targetLoad_N - P * area[f]) <= 1e-12 * P * area[f],
        `face ${f}: ${s.wall(k).targetLoad_N} vs ${P * area[f]}`,
      ),
    );
  }
});

test("cycling: constant-density swelling keeps every grown particle's density; constant mass keeps its mass; swellEvery sets the radius updates", async () => {
  for (const swelling of ["constant-density", "constant-mass"] as const) {
    const { s, walls, rc } = await pressed();
    const am = rc.materialNames.indexOf("AM");
    const mat = s.i32(L.P_MAT);
    const rho = (i: number) => s.f64(L.P_MASS)[i] / ((4 / 3) * Math.PI * s.f64(L.P_R)[i] ** 3);
    const rho0 = Array.from({ length: s.n }, (_, i) => rho(i));
    const m0 = Float64Array.from(s.f64(L.P_MASS));
    let updates = 0,
      checked = false;
    runCycle(
      s,
      rc.materialNames,
      {
        materials: [am],
        diameterStrain: 0.06,
        cycles: 1,
        rampSteps: 400,
        holdSteps: 100,
        checkEvery: 250,
        swellEvery: 50,
        swelling,
        isostatic: { walls, ...ISO },
      },
      (label, _step, _p, _z, frac) => {
        if (label !== "D1") return;
        updates++;
        if (frac < 1) return;
        // the end of the growth ramp: radius x 1.06
        checked = true;
        for (let i = 0; i < s.n; i++) {
          if (mat[i] !== am) continue;
          if (swelling === "constant-density")
            assert.ok(Math.abs(rho(i) - rho0[i]) <= 1e-12 * rho0[i], `particle ${i}: density ${rho(i)} vs ${rho0[i]}`);
          else {
            assert.is(s.f64(L.P_MASS)[i], m0[i]);
            assert.ok(Math.abs(rho(i) / rho0[i] - 1 / 1.06 ** 3) < 1e-12);
          }
        }
      },
    );
    assert.ok(checked);
    assert.is(updates, 400 / 50, "radius updates in the growth ramp: rampSteps / swellEvery");
  }
});

test("cycling: a settled hold stops once walls and chunk-averaged pressures are steady; one that cannot settle is a NotConvergedError", async () => {
  const { s, walls, rc } = await pressed();
  const am = rc.materialNames.indexOf("AM");
  const settle = { window: 3, travel_m: 2e-9, tolerance: 0.02, maxSteps: 200_000 };
  const cycle = {
    materials: [am],
    diameterStrain: 0.02,
    cycles: 1,
    rampSteps: 500,
    holdSteps: 500,
    checkEvery: 250,
    isostatic: { walls, ...ISO },
  };
  // each hold's steps and its last progress fraction (1 only when judged settled)
  const holds = new Map<string, { first: number; last: number; frac0: number; frac: number }>();
  const before = s.step;
  runCycle(s, rc.materialNames, { ...cycle, settle }, (label, step, _p, _z, frac) => {
    if (!label.endsWith("hold")) return;
    const h = holds.get(label) ?? { first: step, last: step, frac0: frac, frac };
    holds.set(label, { ...h, last: step, frac });
  });
  assert.ok(s.step > before);
  assert.equal([...holds.keys()], ["D1 hold", "C1 hold"]);
  for (const [label, h] of holds) {
    assert.is(h.frac, 1, `${label} ended settled`);
    // judged against settle.maxSteps until settled (a fixed hold would report steps / holdSteps)
    assert.ok(h.frac0 < 0.01, `${label}: first fraction ${h.frac0}`);
    // at least window + 1 chunks of checkEvery (the first report comes after one chunk), more than holdSteps alone
    assert.ok(h.last - h.first + 250 >= (settle.window + 1) * 250, `${label}: ${h.last - h.first + 250} steps`);
  }
  // settled: the chunk-averaged pressures of the last chunk within the tolerance
  const { p } = facePressures(s, walls, true);
  for (const x of p) assert.ok(Math.abs(x - P) <= 0.02 * P, `chunk-averaged face pressure ${x}`);
  // a criterion no hold can meet fails naming the limit
  try {
    runCycle(s, rc.materialNames, { ...cycle, settle: { ...settle, travel_m: 1e-30, maxSteps: 2000 } });
    assert.unreachable("expected NotConvergedError");
  } catch (e) {
    assert.instance(e, NotConvergedError);
    assert.match(
      (e as Error).message,
      /^cycle D1 hold: not settled within settle\.maxSteps = 2000 steps: wall travel .* raise settle\.maxSteps/,
    );
  }
  // settle without an isostatic stage before it is refused naming the field
  const base = demoCase({ seed: 4, nx: 4, layers: 4 });
  assert.throws(
    () =>
      runCompact(
        s.kernels,
        parseCompact({
          case: { ...base, walls: base.walls!.map((w) => ({ ...w, motion: { type: "fixed" } })) },
          stages: [{ type: "cycle", cycles: 1, settle: {} }],
        }),
      ),
    /^stages\.0\.settle: settling is judged on the isostatic walls/,
  );
});

test.run();
