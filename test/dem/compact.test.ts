/** Compaction configs: bad stages get clear errors; a small uniaxial run through runCompact. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseCompact, runCompact } from "../../host/dem/compact.js";
import { demoCase } from "../../host/dem/demo.js";
import { ConfigError, NotConvergedError } from "../../host/config/errors.js";
import { kernels } from "../helpers.js";

const smallCase = () => {
  const c = demoCase({ seed: 4, nx: 4, layers: 4 });
  c.walls![1].motion = { type: "fixed" };
  return c;
};
const stage = {
  type: "uniaxial",
  wall: "top",
  targetPressure_Pa: "30 MPa",
  speed_m_s: 10,
  releaseSpeed_m_s: 10,
  checkEvery: 200,
  holdSteps: 1000,
  relaxSteps: 1000,
};

function msg(input: unknown): string {
  try {
    parseCompact(input, "compact.yaml");
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

test("unknown stage type, pressure <= 0 and an unknown wall are refused naming the field", () => {
  assert.match(
    msg({ case: smallCase(), stages: [{ ...stage, type: "squash" }] }),
    /stages\.0\.type = "squash": unknown stage type; available: uniaxial/,
  );
  assert.match(
    msg({ case: smallCase(), stages: [{ ...stage, targetPressure_Pa: 0 }] }),
    /stages\.0\.targetPressure_Pa = 0: target pressure must lie in \(0, inf\) Pa/,
  );
  assert.match(msg({ case: smallCase(), stages: [{ ...stage, targetPressure_Pa: "-5 MPa" }] }), /targetPressure_Pa = "-5 MPa"/);
  assert.match(
    msg({ case: smallCase(), stages: [{ ...stage, wall: "lid" }] }),
    /stages\.0\.wall = "lid": unknown wall; walls of the case: bottom, top/,
  );
});

test("a small uniaxial compaction runs from a config and reports per-phase stresses and per-particle data", async () => {
  const r = runCompact(await kernels("wasm"), parseCompact({ case: smallCase(), stages: [stage] }));
  assert.is(r.stages.length, 1);
  const u = r.stages[0];
  if (u.type !== "uniaxial") throw new Error("expected the uniaxial stage");
  const L = u.loaded;
  assert.ok(L.pressure_Pa > 15e6, `loaded at ${L.pressure_Pa}`);
  assert.ok(L.phases.AM.volWeightedStress_Pa[2] < 0 && L.phases.SE.volWeightedStress_Pa[2] < 0);
  assert.is((r.particles.id as number[]).length, 64);
  assert.ok((r.particles.szz_Pa as number[]).some((v) => v !== 0));
  assert.is(r.version.length > 0, true);
});

test("uniaxial -> isostatic -> AM cycling: faces settle at the pressure; stress moves AM -> SE on contraction (paper 003)", async () => {
  const c = demoCase({ seed: 4, nx: 5, layers: 5 });
  c.walls![1].motion = { type: "fixed" };
  const cfg = parseCompact({
    case: c,
    stages: [
      {
        type: "uniaxial",
        wall: "top",
        targetPressure_Pa: "50 MPa",
        speed_m_s: 10,
        releaseSpeed_m_s: 10,
        checkEvery: 200,
        holdSteps: 2000,
        relaxSteps: 2000,
      },
      { type: "isostatic", pressure_Pa: "3 MPa", maxSpeed_m_s: 1, checkEvery: 250, holdSteps: 1000 },
      { type: "cycle", cycles: 1, rampSteps: 8000, holdSteps: 1000 },
    ],
  });
  const r = runCompact(await kernels("wasm"), cfg);
  const [uni, iso, cyc] = r.stages;
  assert.ok(uni.type === "uniaxial" && iso.type === "isostatic" && cyc.type === "cycle");
  if (uni.type !== "uniaxial" || iso.type !== "isostatic" || cyc.type !== "cycle") return;
  for (const p of iso.settled.facePressure_Pa) assert.ok(Math.abs(p - 3e6) <= 0.02 * 3e6, `face ${p}`);
  // isostatic stresses are more than an order of magnitude below the uniaxial ones
  assert.ok(Math.abs(iso.settled.phases.AM.volWeightedStress_Pa[2]) < 0.2 * Math.abs(uni.loaded.phases.AM.volWeightedStress_Pa[2]));
  const [D1, C1] = cyc.states;
  assert.is(D1.name, "D1");
  assert.is(C1.name, "C1");
  const p = (st: typeof D1, ph: string) =>
    -(st.phases[ph].volWeightedStress_Pa[0] + st.phases[ph].volWeightedStress_Pa[1] + st.phases[ph].volWeightedStress_Pa[2]) / 3;
  assert.ok(p(D1, "AM") > p(D1, "SE"), "expanded AM carries more stress than SE");
  assert.ok(p(C1, "AM") / p(C1, "SE") < p(D1, "AM") / p(D1, "SE"), "on contraction the stress shifts to SE");
  assert.ok(D1.L_m![2] > C1.L_m![2], "the electrode swells on discharge and shrinks back");
  assert.ok(cyc.reports.D1 && cyc.reports.C1, "reports at D1 and C1");
});

test("an isostatic stage that does not settle within maxSteps is a NotConvergedError (exit 3); uniaxial in 2D is refused naming the stage", async () => {
  const k = await kernels("wasm");
  try {
    runCompact(
      k,
      parseCompact({ case: smallCase(), stages: [{ type: "isostatic", pressure_Pa: "3 MPa", checkEvery: 100, maxSteps: 200 }] }),
    );
    assert.unreachable("expected an error");
  } catch (e) {
    assert.instance(e, NotConvergedError);
    assert.is((e as NotConvergedError).exitCode, 3);
    assert.match(
      (e as Error).message,
      /^isostatic: not settled at pressure_Pa = 3000000 Pa within maxSteps = 200: face pressures .* raise maxSteps or maxSpeed_m_s$/,
    );
  }
  const c2 = { ...smallCase(), dimension: 2, walls: [{ name: "left", axis: "x", position_m: 0, side: "+", material: "steel" }] };
  for (const p of c2.particles as { position_m: number[] }[]) p.position_m[2] = 0;
  const cfg = parseCompact({
    case: { ...c2, box: { ...c2.box, lo_m: [0, 0, -5e-6], hi_m: [c2.box.hi_m[0], c2.box.hi_m[1], 5e-6] } },
    stages: [{ ...stage, wall: "left" }],
  });
  try {
    runCompact(k, cfg);
    assert.unreachable("expected an error");
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /^stages\.0\.type = "uniaxial": needs a 3D case .* \(use compress2d\)$/);
  }
});

test.run();
