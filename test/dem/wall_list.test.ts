/**
 * The walls' particle lists (assembly/dem/wall_list.ts): the wall pass visits only listed particles, so every
 * particle that touches a wall must be listed at every step, whatever moves: a wall pressing fast, a servo box,
 * radii growing, a state restored from a restart.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as L from "../../assembly/dem/layout.js";
import { parseDemCase } from "../../host/dem/case.js";
import { boxSystem } from "../../host/dem/compact.js";
import { demoCase } from "../../host/dem/demo.js";
import { runCycle, runIsostatic } from "../../host/dem/isostatic.js";
import { resolveCase } from "../../host/dem/run.js";
import type { DemSystem } from "../../host/dem/system.js";
import { loadRestart, saveRestart } from "../../host/dem/system_restart.js";
import { kernels } from "../helpers.js";

/** Particles touching wall k that its list leaves out (none may). */
function missed(s: DemSystem): string[] {
  const n = s.n;
  const list = s.i32(L.P_WLIST, Math.max(1, s.nWalls * n)),
    count = s.i32(L.P_WLISTN, Math.max(1, s.nWalls));
  const r = s.f64(L.P_R),
    c = [s.f64(L.P_X), s.f64(L.P_Y), s.f64(L.P_Z)];
  const out: string[] = [];
  for (let k = 0; k < s.nWalls; k++) {
    const w = s.wall(k);
    if (w.mode === "off") continue;
    const listed = new Set(list.subarray(k * n, k * n + count[k]));
    const side = s.wallSide(k);
    for (let i = 0; i < n; i++)
      if (side * (c[w.axis][i] - w.position_m) < r[i] && !listed.has(i)) out.push(`wall ${w.name}: particle ${i}`);
  }
  return out;
}

/** A demo packing with its top wall pressing down at `speed` (m/s) and the x, y die walls of an isostatic stage. */
async function box(speed: number) {
  const base = demoCase({ seed: 7, nx: 4, layers: 5 });
  const c = parseDemCase({
    ...base,
    walls: base.walls!.map((w, i) => ({ ...w, motion: i === 1 ? { type: "velocity", velocity_m_s: [0, 0, -speed] } : { type: "fixed" } })),
  });
  const rc = resolveCase(c);
  return { ...boxSystem(await kernels("wasm"), c, rc, null), rc };
}

test("a wall pressing at 20 m/s: every touching particle is listed at every step, and the wall really touches some", async () => {
  const { s } = await box(20);
  s.setup();
  let touching = 0;
  for (let step = 0; step < 3000; step++) {
    s.run(1);
    assert.equal(missed(s), [], `step ${s.step}`);
    touching = Math.max(touching, s.wall(1).contacts);
  }
  assert.ok(touching > 3, `the top wall touched ${touching} particles`);
});

test("a wall approaching particles at rest (no neighbour build moves its list): its own travel remakes the list in time", async () => {
  const base = demoCase({ seed: 7, nx: 4, layers: 5 });
  const c0 = parseDemCase(base);
  const top = Math.max(...resolveCase(c0).init.position_m.z.map((z, i) => z + resolveCase(c0).init.radius_m[i]));
  // 8 skins (0.5 um) above the highest particle, coming down at 5 m/s; no gravity, so nothing else moves first
  const c = parseDemCase({
    ...base,
    walls: base.walls!.map((w, i) =>
      i === 1
        ? { ...w, position_m: top + 4e-6, motion: { type: "velocity", velocity_m_s: [0, 0, -5] } }
        : { ...w, motion: { type: "fixed" } },
    ),
  });
  const { s } = boxSystem(await kernels("wasm"), c, resolveCase(c), undefined);
  s.setup();
  const builds0 = s.neighborBuilds;
  let touched = 0;
  for (let step = 0; step < 6000 && touched === 0; step++) {
    s.run(1);
    assert.equal(missed(s), [], `step ${s.step}`);
    touched = s.wall(1).contacts;
  }
  assert.ok(touched > 0, "the wall reached the particles");
  assert.is(s.neighborBuilds, builds0, "no neighbour build happened on the way (the wall's own trigger listed them)");
});

test("a servo box and growing radii (isostatic, then a cycle); a restored restart state", async () => {
  const { s, walls, rc } = await box(0);
  runIsostatic(s, rc.materialNames, walls, {
    pressure_Pa: 3e6,
    maxSpeed_m_s: 1,
    kp: 1,
    checkEvery: 100,
    tolerance: 0.02,
    maxSteps: 400_000,
    holdSteps: 200,
  });
  assert.equal(missed(s), []);
  let checks = 0;
  runCycle(
    s,
    rc.materialNames,
    {
      materials: [rc.materialNames.indexOf("AM")],
      diameterStrain: 0.06,
      cycles: 1,
      rampSteps: 600,
      holdSteps: 200,
      checkEvery: 100,
      swellEvery: 20,
      isostatic: { walls, pressure_Pa: 3e6, maxSpeed_m_s: 1, kp: 1 },
    },
    () => {
      checks++;
      assert.equal(missed(s), [], `step ${s.step}`);
    },
  );
  assert.ok(checks > 10);
  // a restart restores positions and walls; the lists are made again from them
  const st = saveRestart(s);
  const { s: s2 } = await box(0);
  loadRestart(s2, st);
  assert.equal(missed(s2), []);
  for (let k = 0; k < 200; k++) {
    s2.run(1);
    assert.equal(missed(s2), [], `restored, step ${s2.step}`);
  }
});

test.run();
