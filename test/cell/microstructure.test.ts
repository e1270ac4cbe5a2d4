/** fromMicrostructure: measured eps/tau of the SE and AM networks and D_SCA become cell parameters
 *  (kappa_eff = kappa eps / tau, R = D_SCA / 2, paper 004); hand-made inputs with exact answers, the
 *  refusals, and the whole pipeline voxelize -> transport (SE, AM) -> surface -> 1C discharge. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { expectConfigError } from "../helpers.js";
import { loadCore } from "../../host/core/wasm.js";
import { loadCellParams, resolveCellParams } from "../../host/cell/params.js";
import { runExperiment } from "../../host/cell/model.js";
import { fromMicrostructure } from "../../host/cell/microstructure.js";
import { transport, type TransportResult } from "../../host/transport/tortuosity.js";
import { voxelize, surfaceStats, type SurfaceStats } from "../../host/transport/voxelize.js";
import type { Packing } from "../../host/pack/packing.js";

const k = await loadCore();

const result = (phase: string, eps: number, tau: number, o: Partial<TransportResult> = {}): TransportResult => ({
  mode: "binary",
  phase,
  codes: [phase === "AM" ? 1 : 2],
  axis: 0,
  periodicLateral: true,
  shape: [40, 20, 20],
  eps,
  percolatingFraction: 1,
  deffRel: Number.isFinite(tau) ? eps / tau : 0,
  tauFactor: tau,
  tauSqrt: Math.sqrt(tau),
  converged: true,
  solve: { status: Number.isFinite(tau) ? "converged" : "no-path", iterations: 12, residual: 1e-9 } as unknown as TransportResult["solve"],
  warnings: [],
  ...o,
});
const surface = (dSca_m: number): SurfaceStats => ({
  facesAmSe: 1000,
  staircaseFactor: 2 / 3,
  areaAmSe_m2: 1e-9,
  volumeAm_m3: 1e-15,
  dSca_m,
  specificSurface_per_m: {},
  specificAmSe_per_m: 1e5,
});
const refused = expectConfigError;

test("hand-made inputs: SE eps 0.3, tau 2 -> kappa_eff = 0.15 kappa; AM eps 0.6, tau 1.5 -> sigma_eff = 0.4 sigma; R = D_SCA / 2; provenance recorded", () => {
  const m = { se: result("SE", 0.3, 2), am: result("AM", 0.6, 1.5), surface: surface(4e-6) };
  const ov = fromMicrostructure(m);
  assert.equal(
    [
      ov["Effective property method"],
      ov["SE volume fraction in cathode"],
      ov["SE tortuosity factor (measured)"],
      ov["Active material volume fraction"],
      ov["AM tortuosity factor (measured)"],
      ov["AM D_SCA [m]"],
    ],
    ["measured", 0.3, 2, 0.6, 1.5, 4e-6],
  );
  const rp = resolveCellParams(loadCellParams("Asheri2023", ov));
  assert.ok(Math.abs(rp.kappaEff - 0.15 * 0.0244) <= 1e-15, `kappa_eff ${rp.kappaEff}`);
  assert.ok(Math.abs(rp.sigmaEff - 0.4 * 10) <= 1e-12, `sigma_eff ${rp.sigmaEff}`);
  assert.is(rp.radius_m, 2e-6);
  assert.ok(Math.abs(rp.a_m - (3 * 0.6) / 2e-6) <= 1e-9 * rp.a_m);
  // with a base: the merged, validated parameters; provenance in the record (and so in result.json)
  const p = fromMicrostructure(m, loadCellParams("Asheri2023"));
  assert.is(p["Particle radius [m]"], undefined);
  const prov = p["Microstructure provenance"] as { se: { tauFactor: number }; surface: { dSca_m: number } };
  assert.equal([prov.se.tauFactor, prov.surface.dSca_m], [2, 4e-6]);
  assert.is(resolveCellParams(p).kappaEff, rp.kappaEff);
  assert.is(resolveCellParams(fromMicrostructure(m, loadCellParams("NCA_LPS_2023"))).radius_m, 2e-6, "a parsed base works too");
});

test("refusals: a non-percolating SE or AM network (tau = Infinity), multi-phase results, no AM-SE interface, different volumes", () => {
  const am = result("AM", 0.6, 1.5),
    se = result("SE", 0.3, 2),
    s = surface(4e-6);
  refused(
    () => fromMicrostructure({ se: result("SE", 0.3, Infinity), am, surface: s }),
    /^fromMicrostructure: SE network \(phase SE, axis 0\) does not percolate: tau = Infinity, D_eff\/D = 0: expected a network joined to both electrode faces \(no ionic path from the separator to the collector\)$/,
  );
  refused(
    () => fromMicrostructure({ se, am: result("AM", 0.6, Infinity), surface: s }),
    /AM network \(phase AM, axis 0\) does not percolate[^]*no electronic path/,
  );
  refused(
    () => fromMicrostructure({ se: result("SE", 0.3, 2, { mode: "multi" }), am, surface: s }),
    /mode = "multi": expected a binary transport result of the SE phase alone/,
  );
  refused(
    () =>
      fromMicrostructure({
        se: result("SE", 0.3, 2, { converged: false, warnings: ["not converged: relative residual 1e-3"] }),
        am,
        surface: s,
      }),
    /did not converge \(not converged: relative residual 1e-3\)/,
  );
  refused(
    () => fromMicrostructure({ se, am, surface: surface(Infinity) }),
    /surface\.dSca_m = Infinity: expected a finite D_SCA > 0 \[m\]/,
  );
  refused(
    () => fromMicrostructure({ se, am: result("AM", 0.6, 1.5, { shape: [10, 10, 10] }), surface: s }),
    /expected the same volume and axis/,
  );
  refused(() => fromMicrostructure({ se: result("SE", 0.3, 0.5), am, surface: s }), /tau = 0\.5: expected a tortuosity factor >= 1/);
});

test("pipeline: voxelize a packing -> transport of SE and AM -> surface stats -> fromMicrostructure -> 1C discharge", () => {
  // two interpenetrating simple-cubic lattices (AM at the corners, SE at the body centres), each of
  // overlapping spheres so that both phases percolate through the 12 um thick electrode
  const a = 4e-6,
    n = 3;
  const P = {
    id: [] as number[],
    material: [] as string[],
    x_m: [] as number[],
    y_m: [] as number[],
    z_m: [] as number[],
    radius_m: [] as number[],
  };
  let id = 1;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let l = 0; l <= n; l++) {
        for (const [mat, off, r] of [
          ["AM", 0, 2.15e-6],
          ["SE", 0.5, 2.3e-6],
        ] as const) {
          const z = (l + off) * a;
          if (z > n * a) continue;
          P.id.push(id++);
          P.material.push(mat);
          P.x_m.push((i + off) * a);
          P.y_m.push((j + off) * a);
          P.z_m.push(z);
          P.radius_m.push(r);
        }
      }
  const packing: Packing = {
    kind: "assbkit.packing",
    version: "test",
    dimension: 3,
    materials: { AM: { phase: "AM" }, SE: { phase: "SE" } },
    box: { lo_m: [0, 0, 0], hi_m: [n * a, n * a, n * a], periodic: [true, true] },
    particles: P,
  };
  const v = voxelize(packing, { voxelSize_m: 0.5e-6 });
  assert.equal(v.shape, [24, 24, 24]);
  const se = transport(k, v, { phase: "SE", axis: 0, periodic: true, solver: { rtol: 1e-10 } });
  const am = transport(k, v, { phase: "AM", axis: 0, periodic: true, solver: { rtol: 1e-10 } });
  const s = surfaceStats(v);
  assert.ok(Number.isFinite(se.tauFactor) && Number.isFinite(am.tauFactor), `tau SE ${se.tauFactor}, AM ${am.tauFactor}`);
  const p = loadCellParams("Asheri2023", fromMicrostructure({ se, am, surface: s }));
  const rp = resolveCellParams(p);
  assert.ok(Math.abs(rp.kappaEff - (0.0244 * se.eps) / se.tauFactor) <= 1e-15, "kappa_eff = kappa eps_SE / tau_SE");
  assert.ok(Math.abs(rp.sigmaEff - (10 * am.eps) / am.tauFactor) <= 1e-12, "sigma_eff = sigma eps_AM / tau_AM");
  assert.is(rp.radius_m, s.dSca_m / 2);
  assert.is(rp.epsAM, am.eps);
  const r = runExperiment(k, rp, "Discharge at 1C until 3.0 V");
  assert.is(r.steps[0].termination, "cut-off 3 V");
  assert.ok(r.capacity_Ah_m2.at(-1)! > 0);
  assert.is((r.params["Microstructure provenance"] as { se: { eps: number } }).se.eps, se.eps, "provenance rides into result.json");
  console.log(
    `  SE eps ${se.eps.toFixed(3)} tau ${se.tauFactor.toFixed(3)}, AM eps ${am.eps.toFixed(3)} tau ${am.tauFactor.toFixed(3)}, D_SCA ${(s.dSca_m * 1e6).toFixed(2)} um -> 1C capacity ${r.capacity_Ah_m2.at(-1)!.toFixed(3)} Ah/m2 (${r.capacity_mAh_g.at(-1)!.toFixed(1)} mAh/g)`,
  );
});

test.run();
