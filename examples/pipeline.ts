/**
 * The whole pipeline through the library, each stage handing the next a plain object:
 * pack -> press (DEM, uniaxial 375 MPa) -> voxelize -> transport (SE and AM networks) -> P2D discharge.
 * Run: node --import tsx examples/pipeline.ts [particles]   (npm test runs it with 160 particles)
 */
import * as assb from "assbkit";

const core = await assb.loadCore();
const size = (min_m: string, max_m: string) => ({ dist: "uniform", min_m, max_m });
const spec = assb.parsePackSpec({
  ...{ kind: "3d", seed: 3, particles: Number(process.argv[2] ?? 160), amMassFraction: 0.6, initialSolidFraction: 0.35 },
  ...{ am: { size: size("4 um", "8 um"), density_kg_m3: 4750 }, se: { size: size("4 um", "7 um"), density_kg_m3: 1990 } },
  box: { lx_m: "30 um", ly_m: "30 um" },
});
const packed = assb.generatePacking(spec);
const press = { type: "uniaxial", wall: "top", targetPressure_Pa: "375 MPa", holdSteps: 2000, relaxSteps: 2000 };
const pressCase = { ...assb.caseFromPacking(packed), timestep: { dt_s: 2.5e-10 } };
const pressed = assb.runCompact(core, assb.parseCompact({ case: pressCase, stages: [press] }));
const volume = assb.voxelize(pressed.packing, { voxelSize_m: 0.75e-6 }); // box = the walls after release, periodic in x, y
const se = assb.transport(core, volume, { phase: "SE" }); // along z, periodic sides: from the volume itself
const am = assb.transport(core, volume, { phase: "AM" });
const surface = assb.surfaceStats(volume);
const params = assb.resolveCellParams(assb.loadCellParams("Asheri2023", assb.fromMicrostructure({ se, am, surface })));
// R = D_SCA/2 is large for spheres touching at points (paper 004 measured D_SCA on CT): resolve the particle with 80 shells
const cell = assb.runExperiment(core, params, "Discharge at C/10 until 3.0 V", { numerics: { nr: 80 } });

const u = pressed.stages[0].type === "uniaxial" ? pressed.stages[0] : undefined;
const f = (x: number | undefined, d = 3) => x?.toFixed(d);
console.log(
  `packed ${packed.particles.id.length}; solid fraction ${f(u?.loaded.solidFraction)} loaded, ${f(u?.released.solidFraction)} released`,
);
console.log(`voxels ${volume.shape.join(" x ")}: SE eps ${f(se.eps)} tau ${f(se.tauFactor)}; AM eps ${f(am.eps)} tau ${f(am.tauFactor)}`);
console.log(
  `D_SCA ${f(surface.dSca_m * 1e6, 2)} um; kappa_eff ${params.kappaEff.toExponential(3)} S/m, R ${f(params.radius_m * 1e6, 2)} um`,
);
console.log(`cell: ${cell.steps[0].text}: ${f(cell.steps[0].capacity_Ah_m2)} Ah/m2, ${cell.steps[0].termination}`);
