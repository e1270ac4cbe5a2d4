/**
 * The whole pipeline through the library, each stage handing the next a plain object:
 * pack -> press (DEM, uniaxial 375 MPa) -> voxelize -> transport (SE and AM networks) -> P2D discharge.
 * Run: node --import tsx examples/pipeline.ts [particles]   (npm test runs it with 160 particles)
 */
import { loadCore, generatePacking, parsePackSpec, caseFromPacking, parseCompact, runCompact, voxelize, surfaceStats, transport, fromMicrostructure, loadCellParams, resolveCellParams, runExperiment } from "assbkit";

const core = await loadCore();
const packed = generatePacking(parsePackSpec({
  kind: "3d", seed: 3, particles: Number(process.argv[2] ?? 160), amMassFraction: 0.6, initialSolidFraction: 0.35,
  am: { size: { dist: "uniform", min_m: "4 um", max_m: "8 um" }, density_kg_m3: 4750 },
  se: { size: { dist: "uniform", min_m: "4 um", max_m: "7 um" }, density_kg_m3: 1990 },
  box: { lx_m: "30 um", ly_m: "30 um" },
}));
const pressCase = { ...caseFromPacking(packed), timestep: { dt_s: 2.5e-10 } };
const pressed = runCompact(core, parseCompact({ case: pressCase, stages: [{ type: "uniaxial", wall: "top", targetPressure_Pa: "375 MPa", holdSteps: 2000, relaxSteps: 2000 }] }));
const volume = voxelize(pressed.packing, { voxelSize_m: 0.75e-6 });           // box = the walls after release, periodic in x, y
const se = transport(core, volume, { phase: "SE" });                          // along z, periodic sides: from the volume itself
const am = transport(core, volume, { phase: "AM" });
const surface = surfaceStats(volume);
const params = resolveCellParams(loadCellParams("Asheri2023", fromMicrostructure({ se, am, surface })));
// R = D_SCA/2 is large for spheres touching at points (paper 004 measured D_SCA on CT): resolve the particle with 80 shells
const cell = runExperiment(core, params, "Discharge at C/10 until 3.0 V", { numerics: { nr: 80 } });

const u = pressed.stages[0].type === "uniaxial" ? pressed.stages[0] : undefined;
console.log(`packed ${packed.particles.id.length} particles; pressed: solid fraction ${u?.loaded.solidFraction.toFixed(3)} loaded, ${u?.released.solidFraction.toFixed(3)} released`);
console.log(`voxels ${volume.shape.join(" x ")}: SE eps ${se.eps.toFixed(3)} tau ${se.tauFactor.toFixed(3)}; AM eps ${am.eps.toFixed(3)} tau ${am.tauFactor.toFixed(3)}; D_SCA ${(surface.dSca_m * 1e6).toFixed(2)} um`);
console.log(`cell: ${cell.steps[0].text}: ${cell.steps[0].capacity_Ah_m2.toFixed(3)} Ah/m2, ${cell.steps[0].termination} (kappa_eff ${params.kappaEff.toExponential(3)} S/m, R ${(params.radius_m * 1e6).toFixed(2)} um)`);
