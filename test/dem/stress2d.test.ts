/**
 * The 2D stress convention on a hand-computed case: three discs (spheres with centres in the xy plane) in
 * mutual contact with chosen overlaps. The Hertz forces F = 4/3 Y* sqrt(R* delta) delta (paper 000 eq 6-7)
 * and the Love-Weber tensor s_i = -(1/V_i) sum_j 1/2 d_ij F_ij n_ij (x) n_ij (equal radii: the branch vector
 * to the contact point is exactly half the centre distance, so Love-Weber and LIGGGHTS stress/atom agree),
 * V_i = 4/3 pi R^3, are computed here by hand. The 2D mean stress is the in-plane -(s_xx + s_yy)/2 (not
 * -tr/3 with s_zz = 0, which is 2/3 of it) and the von Mises stress that of the in-plane tensor.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDemCase } from "../../host/dem/case.js";
import { resolveCase } from "../../host/dem/run.js";
import { DemSystem } from "../../host/dem/system.js";
import { stateReport } from "../../host/dem/report.js";
import { packingStats } from "../../host/dem/analysis.js";
import { reportPlotSpecs } from "../../host/plot/report_plots.js";
import { kernels, relErr } from "../helpers.js";

const R = 3e-6;
const AM = { youngsModulus_Pa: 264e9, poissonRatio: 0.32, density_kg_m3: 4720 };
const SE = { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 };
// overlaps 1-2, 1-3, 2-3 [m]
const d12 = 0.05 * R,
  d13 = 0.08 * R,
  d23 = 0.03 * R;
// centres: 1 at the origin, 2 on +x, 3 above, at the distances 2R - delta
const D12 = 2 * R - d12,
  D13 = 2 * R - d13,
  D23 = 2 * R - d23;
const x3 = (D13 * D13 - D23 * D23 + D12 * D12) / (2 * D12),
  y3 = Math.sqrt(D13 * D13 - x3 * x3);
const pos: [number, number][] = [
  [0, 0],
  [D12, 0],
  [x3, y3],
];

/** A density so large that one time step moves nothing (displacement dt^2 F / 2m far below an ulp). */
const HEAVY = 1e30;

async function threeDiscs(walls: { name: string; axis: "x" | "y"; position_m: number; side: "+" | "-"; material: string }[] = []) {
  const cfg = parseDemCase({
    walls,
    dimension: 2,
    materials: { AM, SE },
    pairDefaults: { restitution: 0.5, friction: 0.3 },
    particles: [
      { id: 1, material: "AM", radius_m: R, position_m: [...pos[0], 0], density_kg_m3: HEAVY },
      { id: 2, material: "AM", radius_m: R, position_m: [...pos[1], 0], density_kg_m3: HEAVY },
      { id: 3, material: "SE", radius_m: R, position_m: [...pos[2], 0], density_kg_m3: HEAVY },
    ],
    box: { lo_m: [-2e-5, -2e-5, -R], hi_m: [2e-5, 2e-5, R] },
    timestep: { dt_s: 1e-10 },
    stages: [{ steps: 1 }],
  });
  const rc = resolveCase(cfg);
  const s = new DemSystem(await kernels("wasm"), rc.init);
  s.ids = rc.particles.id;
  s.setup();
  s.run(1, true);
  return { s, rc };
}

const yStar = (a: typeof AM, b: typeof AM) =>
  1 / ((1 - a.poissonRatio ** 2) / a.youngsModulus_Pa + (1 - b.poissonRatio ** 2) / b.youngsModulus_Pa);
const hertz = (Y: number, delta: number) => (4 / 3) * Y * Math.sqrt((R / 2) * delta) * delta;

/** Hand-computed Love-Weber tensors [sxx, syy, sxy] of the three particles [Pa]. */
function handStress(): number[][] {
  const F = new Map<string, number>([
    ["0-1", hertz(yStar(AM, AM), d12)],
    ["0-2", hertz(yStar(AM, SE), d13)],
    ["1-2", hertz(yStar(AM, SE), d23)],
  ]);
  const V = (4 / 3) * Math.PI * R ** 3;
  return [0, 1, 2].map((i) => {
    const W = [0, 0, 0];
    for (const j of [0, 1, 2]) {
      if (j === i) continue;
      const f = F.get(`${Math.min(i, j)}-${Math.max(i, j)}`)!;
      const dx = pos[i][0] - pos[j][0],
        dy = pos[i][1] - pos[j][1],
        d = Math.hypot(dx, dy);
      const nx = dx / d,
        ny = dy / d;
      // 1/2 d (x) F with F = f n (repulsive, on i from j)
      W[0] += 0.5 * d * f * nx * nx;
      W[1] += 0.5 * d * f * ny * ny;
      W[2] += 0.5 * d * f * nx * ny;
    }
    return W.map((w) => -w / V);
  });
}

test("three discs: per-particle Love-Weber tensor matches the hand computation; s_zz = 0", async () => {
  const { s, rc } = await threeDiscs();
  const rep = stateReport(s, rc);
  const P = rep.particles as Record<string, number[]>;
  assert.equal(P.id, [1, 2, 3]);
  // the contacts are the chosen overlaps with the Hertz forces
  assert.is(rep.contacts.overlap_m.length, 3);
  const hand = handStress();
  for (let k = 0; k < 3; k++) {
    assert.ok(relErr(P.sxx_Pa[k], hand[k][0]) < 1e-9, `particle ${k + 1} sxx ${P.sxx_Pa[k]} vs ${hand[k][0]}`);
    assert.ok(relErr(P.syy_Pa[k], hand[k][1]) < 1e-9, `particle ${k + 1} syy ${P.syy_Pa[k]} vs ${hand[k][1]}`);
    assert.ok(Math.abs(P.sxy_Pa[k] - hand[k][2]) < 1e-9 * Math.abs(hand[k][0]), `particle ${k + 1} sxy ${P.sxy_Pa[k]} vs ${hand[k][2]}`);
    assert.is(P.szz_Pa[k], 0);
    assert.is(P.sxz_Pa[k], 0);
    assert.is(P.syz_Pa[k], 0);
  }
});

test("2D mean stress is the in-plane -(sxx+syy)/2 (not -tr/3) and von Mises that of the in-plane tensor; per-phase labels follow", async () => {
  const { s, rc } = await threeDiscs();
  const rep = stateReport(s, rc);
  const P = rep.particles as Record<string, number[]>;
  const hand = handStress();
  const pHand = hand.map(([a, b]) => -(a + b) / 2);
  const vmHand = hand.map(([a, b, c]) => Math.sqrt(a * a - a * b + b * b + 3 * c * c));
  for (let k = 0; k < 3; k++) {
    assert.ok(relErr(P.pressure_Pa[k], pHand[k]) < 1e-9, `p ${P.pressure_Pa[k]} vs ${pHand[k]}`);
    assert.ok(relErr(P.vonMises_Pa[k], vmHand[k]) < 1e-9, `vm ${P.vonMises_Pa[k]} vs ${vmHand[k]}`);
    // the 3D convention would have given 2/3 of it
    assert.ok(relErr(P.pressure_Pa[k], -(hand[k][0] + hand[k][1]) / 3) > 0.4);
  }
  assert.ok(
    pHand.every((p) => p > 0),
    "compression is positive",
  );
  // the CNN labels (paper 000): per-phase mean of the in-plane mean stress
  assert.ok(relErr(rep.phases.AM.pressure_Pa.mean, (pHand[0] + pHand[1]) / 2) < 1e-9);
  assert.ok(relErr(rep.phases.SE.pressure_Pa.mean, pHand[2]) < 1e-9);
  assert.ok(relErr(rep.phases.SE.sigmaYy_Pa.mean, hand[2][1]) < 1e-9);
  // packing statistics use the same convention (equal volumes: the volume-weighted mean is the plain mean)
  const st = packingStats(s, rc.materialNames, 1, 1);
  assert.ok(relErr(st.phases.AM.meanPressure_Pa, (pHand[0] + pHand[1]) / 2) < 1e-9);
  // the profile is the in-plane mean against y
  assert.is(rep.profile.quantity, "pressure_Pa");
  assert.is(rep.profile.heightAxis, "y");
  const bins = rep.stressVsHeight;
  const seBin = bins.groups.SE.mean.findIndex((m) => Number.isFinite(m));
  assert.ok(relErr(bins.groups.SE.mean[seBin], pHand[2]) < 1e-9);
  assert.ok(
    Math.abs(bins.edges[0]) < 1e-30 && relErr(bins.edges[bins.edges.length - 1], y3) < 1e-9,
    `height bins span y: ${bins.edges[0]}..${bins.edges[bins.edges.length - 1]} vs 0..${y3}`,
  );
});

test("2D plots: the in-plane mean stress and von Mises, labelled; no sigma_zz plot", async () => {
  const { s, rc } = await threeDiscs();
  const specs = reportPlotSpecs("t", stateReport(s, rc), { lx_m: 4e-5, ly_m: 4e-5 }, 2);
  const names = specs.map(([n]) => n);
  assert.equal(names, [
    "t_pressure_histogram.png",
    "t_vonmises_histogram.png",
    "t_stress_vs_height.png",
    "t_stress_vs_radius.png",
    "t_pressure_heatmap_xy.png",
  ]);
  const text = JSON.stringify(specs.map(([, sp]) => sp));
  assert.not.match(text, /sigma_zz|szz/);
  assert.match(JSON.stringify(specs[2][1]), /mean in-plane mean stress -\(sxx\+syy\)\/2 \[MPa\]/);
  assert.match(JSON.stringify(specs[2][1]), /height y \[um\]/);
  // 3D keeps sigma_zz
  assert.match(JSON.stringify(reportPlotSpecs("t", stateReport(s, rc), { lx_m: 4e-5, ly_m: 4e-5 }, 3)[0][1]), /sigma_zz/);
});

test("the heat map covers the frame between the walls (a 2D frame after compression), not the initial box", async () => {
  const { s, rc } = await threeDiscs([
    { name: "left", axis: "x", position_m: -1e-5, side: "+", material: "AM" },
    { name: "right", axis: "x", position_m: 1.5e-5, side: "-", material: "AM" },
  ]);
  const rep = stateReport(s, rc);
  assert.equal(rep.heatMapExtent_m, { lo: [-1e-5, -2e-5], hi: [1.5e-5, 2e-5] });
  const spec = reportPlotSpecs("t", rep, { lx_m: 4e-5, ly_m: 4e-5 }, 2).find(([n]) => n.endsWith("heatmap_xy.png"))![1] as {
    encoding: { x: { scale: { domain: number[] } } };
  };
  assert.ok(Math.abs(spec.encoding.x.scale.domain[1] - 25) < 1e-9, `x axis to ${spec.encoding.x.scale.domain[1]} um`);
});

test.run();
