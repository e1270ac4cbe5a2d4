/**
 * DemSystem on a polydisperse periodic packing (radius ratio 10, as paper 000's 1 um SE with
 * 9-12 um AM): the contact set matches a brute-force search, capacities grow on demand, the wasm
 * core and the TS twin agree to 1e-9 over many steps, a restart continues bit for bit; 2D discs stay in
 * plane; a blow-up stops with an error naming the particle.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDemCase, type DemCaseInput } from "../../host/dem/case.js";
import { resolveCase, runCase } from "../../host/dem/run.js";
import { DemSystem, DemUnstableError } from "../../host/dem/system.js";
import { Rng } from "../../host/core/rng.js";
import * as L from "../../assembly/dem/layout.js";
import { colErr, kernels } from "../helpers.js";
import { ConfigError } from "../../host/config/errors.js";
import { assertColumnsClose, assertRowsClose } from "./close.js";

const AM = { youngsModulus_Pa: 199e9, poissonRatio: 0.3, density_kg_m3: 4750 };
const SE = { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 };

/** Big AM spheres (r 10 um) and small SE spheres (r 1 um) at random, overlapping a little. */
function polyCase(seed: number, dimension: 2 | 3 = 3): DemCaseInput {
  const rng = new Rng(seed);
  const Lx = 60e-6,
    H = 40e-6;
  const particles: DemCaseInput["particles"] = [];
  let id = 1;
  const nBig = dimension === 3 ? 6 : 4,
    nSmall = dimension === 3 ? 400 : 150;
  const placed: { x: number; y: number; z: number; r: number }[] = [];
  for (let k = 0; k < nBig + nSmall; k++) {
    const big = k < nBig;
    const r = big ? 10e-6 : 1e-6;
    // rejection sampling: overlaps of at most 0.2 of the smaller radius, periodic in x, y
    let x = 0,
      y = 0,
      z = 0;
    for (let tries = 0; tries < 10000; tries++) {
      if (!big && k % 2 === 0) {
        // seat it on a big sphere's surface, overlapping by 0.1 r
        const b = placed[Math.floor(rng.next() * nBig)];
        const th = rng.uniform(0, 2 * Math.PI),
          cz = dimension === 3 ? rng.uniform(-1, 1) : 0,
          sz = Math.sqrt(1 - cz * cz);
        const d = b.r + r - 0.1 * r;
        x = (b.x + d * sz * Math.cos(th) + Lx) % Lx;
        y = (b.y + d * sz * Math.sin(th) + Lx) % Lx;
        z = b.z + d * cz;
        if (dimension === 3 && (z < r || z > H - r)) continue;
      } else {
        x = rng.uniform(0, Lx);
        y = rng.uniform(0, Lx);
        z = dimension === 3 ? rng.uniform(r, H - r) : 0;
      }
      const ok = placed.every((p) => {
        let dx = x - p.x,
          dy = y - p.y;
        dx -= Lx * Math.round(dx / Lx);
        dy -= Lx * Math.round(dy / Lx);
        return Math.hypot(dx, dy, z - p.z) >= r + p.r - 0.15 * Math.min(r, p.r);
      });
      if (ok) break;
    }
    placed.push({ x, y, z, r });
    particles.push({
      id: id++,
      material: big ? "AM" : "SE",
      radius_m: r,
      position_m: [x, y, z],
      velocity_m_s: [rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5), dimension === 3 ? rng.uniform(-0.5, 0.5) : 0],
    });
  }
  return {
    dimension,
    materials: { AM, SE },
    pairDefaults: { restitution: 0.5, friction: 0.3 },
    particles,
    box: { lo_m: [0, 0, -1e-6], hi_m: [Lx, Lx, H], periodic: [true, true] },
    walls:
      dimension === 3
        ? [
            { name: "bottom", axis: "z", position_m: 0, side: "+", material: "AM" },
            { name: "top", axis: "z", position_m: H, side: "-", material: "AM", motion: { type: "velocity", velocity_m_s: [0, 0, -2] } },
          ]
        : [],
    timestep: { dt_s: 5e-11 },
    neighbor: { skin_m: 0.3e-6 },
    stages: [{ steps: 1 }],
  };
}

function bruteContacts(s: DemSystem, L0: number): Set<string> {
  const x = s.f64(L.P_X),
    y = s.f64(L.P_Y),
    z = s.f64(L.P_Z),
    r = s.f64(L.P_R);
  const out = new Set<string>();
  for (let i = 0; i < s.n; i++)
    for (let j = i + 1; j < s.n; j++) {
      let dx = x[i] - x[j],
        dy = y[i] - y[j];
      const dz = z[i] - z[j];
      dx -= L0 * Math.round(dx / L0);
      dy -= L0 * Math.round(dy / L0);
      if (dx * dx + dy * dy + dz * dz < (r[i] + r[j]) ** 2) out.add(`${i}-${j}`);
    }
  return out;
}

test("neighbour list finds every contact of a radius-ratio-10 periodic packing (vs brute force), growing its capacity", async () => {
  const rc = resolveCase(parseDemCase(polyCase(7)));
  const s = new DemSystem(await kernels("wasm"), { ...rc.init, initialPairCapacity: 4 });
  s.setI(L.H_RECORD, 1);
  s.setup();
  assert.ok(s.getI(L.H_PAIRCAP) > 4, "pair capacity grew");
  for (let round = 0; round < 4; round++) {
    const ct = s.contacts();
    const mine = new Set(Array.from(ct.i, (i, k) => `${Math.min(i, ct.j[k])}-${Math.max(i, ct.j[k])}`));
    const ref = bruteContacts(s, 60e-6);
    if (round === 0) assert.ok(ref.size > 100, `enough contacts to mean something (${ref.size})`);
    assert.equal([...mine].sort(), [...ref].sort());
    s.run(300, true);
  }
  assert.ok(s.neighborBuilds > 1, "the list was rebuilt while particles moved");
});

test("wasm core and TS twin agree within 1e-9 of each column's scale over 1500 steps (polydisperse, periodic, moving wall)", async () => {
  const cfg = parseDemCase({
    ...polyCase(11),
    stages: [{ steps: 1500 }],
    record: {
      every: 100,
      particles: [1, 2, 50],
      fields: ["x_m", "vz_m_s", "wx_rad_s", "fz_N"],
      walls: true,
      global: ["kineticEnergy_J", "contacts"],
    },
  });
  const a = runCase(await kernels("wasm"), resolveCase(cfg));
  const b = runCase(await kernels("ts"), resolveCase(cfg));
  assert.ok(a.summary.neighborBuilds > 2);
  // the same operations in the same order: bit for bit in practice; only round-off is promised (pow, exp)
  assertRowsClose(a.timeseries, b.timeseries, 1e-9);
  assertColumnsClose(a.particles, b.particles, 1e-9);
  assertColumnsClose(a.contacts, b.contacts, 1e-9);
});

test("2D discs stay in the xy plane and spin only about z", async () => {
  const cfg = parseDemCase({ ...polyCase(3, 2), stages: [{ steps: 800 }] });
  const r = runCase(await kernels("wasm"), resolveCase(cfg));
  for (const k of ["z_m", "vz_m_s", "wx_rad_s", "wy_rad_s", "fz_N", "tx_N_m", "ty_N_m"]) {
    assert.ok(
      (r.particles[k] as number[]).every((v) => v === 0),
      `${k} stays 0`,
    );
  }
  assert.ok(
    (r.particles.wz_rad_s as number[]).some((v) => v !== 0),
    "discs rotate about z",
  );
  assert.ok(r.summary.contacts > 0);
});

test("a run that blows up stops with an error naming the particle and suggesting a smaller step", async () => {
  const cfg = parseDemCase({
    ...polyCase(5),
    timestep: { dt_s: 3e-8 },
    limits: { maxOverlapFraction: 0.75, maxStepDisplacementFraction: 0.1 },
    stages: [{ steps: 200 }],
  });
  try {
    runCase(await kernels("wasm"), resolveCase(cfg));
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.instance(e, DemUnstableError);
    const msg = (e as Error).message;
    assert.match(msg, /particle \d+/);
    assert.match(msg, /Reduce the time step/);
    assert.not.match(msg, /NaN/);
  }
});

test("a periodic box shorter than two cut-offs is refused with the lengths", async () => {
  const c = polyCase(2);
  const cfg = parseDemCase({ ...c, box: { lo_m: [0, 0, -1e-6], hi_m: [30e-6, 30e-6, 40e-6], periodic: [true, true] } });
  assert.throws(() => runCase(createSync(), resolveCase(cfg)), /periodic length/);
});
test("restart: save after 700 steps, restore into a fresh system, continue: bit-identical to an uninterrupted run", async () => {
  const rc = () => resolveCase(parseDemCase(polyCase(13)));
  const a = new DemSystem(await kernels("wasm"), rc().init);
  a.setup();
  a.run(1400, true);
  const b = new DemSystem(await kernels("wasm"), rc().init);
  b.setup();
  b.run(700);
  const saved = JSON.parse(JSON.stringify(b.saveState())); // through JSON, as on disk
  const c = new DemSystem(await kernels("wasm"), rc().init);
  c.loadState(saved);
  c.run(700, true);
  assert.ok(a.neighborBuilds > 2);
  for (const slot of [L.P_X, L.P_Y, L.P_Z, L.P_VX, L.P_WY, L.P_FZ, L.P_TX, L.P_WZZ])
    assert.equal(Array.from(c.f64(slot)), Array.from(a.f64(slot)), `slot ${slot}`);
  // restored on the other backend, it continues to round-off
  const d = new DemSystem(await kernels("ts"), rc().init);
  d.loadState(saved);
  d.run(700, true);
  for (const slot of [L.P_X, L.P_Y, L.P_Z, L.P_VX, L.P_WY, L.P_FZ, L.P_TX, L.P_WZZ]) {
    const e = colErr(d.f64(slot), a.f64(slot));
    assert.ok(e <= 1e-9, `slot ${slot}: ${e}`);
  }
  assert.is(c.step, a.step);
  assert.equal(c.wall(1), a.wall(1));
  assert.throws(() => new DemSystem(sync, resolveCase(parseDemCase(polyCase(2, 2))).init).loadState(saved), /the file holds 406 particles/);
});

/** Two LCO spheres head-on at +-v from centres +-x0, no walls. */
function pairCase(x0: number, v: number) {
  return parseDemCase({
    materials: { LCO: { youngsModulus_Pa: 264e9, poissonRatio: 0.32, density_kg_m3: 4720 } },
    pairDefaults: { restitution: 0.5, friction: 0.3 },
    particles: [
      { id: 1, material: "LCO", radius_m: 5e-6, position_m: [-x0, 0, 0], velocity_m_s: [v, 0, 0] },
      { id: 2, material: "LCO", radius_m: 5e-6, position_m: [x0, 0, 0], velocity_m_s: [-v, 0, 0] },
    ],
    box: { lo_m: [-2e-5, -1e-5, -1e-5], hi_m: [2e-5, 1e-5, 1e-5] },
    timestep: { dt_s: 1e-10 },
    stages: [{ steps: 10 }],
  });
}

test("blow-up without walls: an overlap and a too-fast step in the same step name the two particles and the overlap (both backends)", async () => {
  // 1e4 m/s: 0.2 R per step (speed limit 0.1) and, from a 0.4 R overlap, 0.8 R after one step (limit 0.75)
  for (const be of ["wasm", "ts"] as const) {
    try {
      runCase(await kernels(be), resolveCase(pairCase(4e-6, 1e4)));
      assert.unreachable();
    } catch (e) {
      assert.instance(e, DemUnstableError);
      const m = (e as Error).message;
      assert.not.match(m, /wall/);
      assert.match(m, /particle 1 overlaps particle 2 by 0\.79\d of the smaller radius \(limit 0\.75\)/, `${be}: ${m}`);
    }
  }
});

test("blow-up at set-up: overlapping input positions are named as such, not as a time-step problem", async () => {
  try {
    runCase(await kernels("wasm"), resolveCase(pairCase(1e-6, 0)));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, DemUnstableError);
    assert.match(
      (e as Error).message,
      /DEM set-up at step 0: particle 1 overlaps particle 2 by 1\.60 of the smaller radius before any time step .*initial positions overlap/,
    );
    assert.not.match((e as Error).message, /time step \(dt/);
  }
});

test("a periodic box too short for the cut-off and a damaged restart state are ConfigErrors", async () => {
  const c = polyCase(2);
  const cfg = parseDemCase({ ...c, box: { lo_m: [0, 0, -1e-6], hi_m: [30e-6, 30e-6, 40e-6], periodic: [true, true] } });
  try {
    runCase(createSync(), resolveCase(cfg));
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
  }
  const rc = resolveCase(parseDemCase(polyCase(13)));
  const a = new DemSystem(sync, rc.init);
  a.setup();
  a.run(10);
  const st = JSON.parse(JSON.stringify(a.saveState()));
  st.particles[`f${L.P_X}`] = st.particles[`f${L.P_X}`].slice(0, 40);
  try {
    new DemSystem(sync, rc.init).loadState(st);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /^restart: the particle array x is missing or damaged/);
  }
});

let sync: Awaited<ReturnType<typeof kernels>>;
const createSync = () => sync;
test.before(async () => {
  sync = await kernels("wasm");
});

test.run();
