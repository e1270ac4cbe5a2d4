/**
 * The example pipeline file that `assb run --example` prints (and fixtures/pipeline/example.yaml holds):
 * the choices of examples/pipeline.ts — 160 particles in a 30 x 30 um periodic box, pressed to 375 MPa,
 * 0.75 um voxels — small enough to run in a few seconds on one core.
 */
export const PIPELINE_EXAMPLE_YAML = `# assbkit pipeline: pack -> compact -> voxelize -> transport -> cell, in one command:
#   assb run pipeline.yaml -o out        (assb run --example > pipeline.yaml writes this file)
# Quantities are SI numbers or strings with units ("30 um", "375 MPa"). Override any key from the
# command line: --set cell.rates=[0.05,0.2] --set compact.stages[0].targetPressure_Pa="200 MPa"
name: example

# Start later from a file instead of packing (paths relative to this file):
#   from: { stage: voxelize, file: out/compact/particles.csv }   # a packing (with its .packing.json)
#   from: { stage: compact, file: out/pack/particles.csv }       # press a packing
#   from: { stage: transport, file: out/voxels/volume.json }     # a voxel volume (.json + .raw, or .tif)

# 1. Initial packing (paper 003 §2.1.1): AM and SE spheres at an AM:SE mass ratio, periodic in x and y
pack:
  kind: 3d
  seed: 3
  particles: 160                 # or amLoading_kg_m2: AM mass per electrode area
  amMassFraction: 0.6
  initialSolidFraction: 0.35
  am: { size: { dist: uniform, min_m: 4 um, max_m: 8 um }, density_kg_m3: 4750 }
  se: { size: { dist: uniform, min_m: 4 um, max_m: 7 um }, density_kg_m3: 1990 }
  box: { lx_m: 30 um, ly_m: 30 um }

# 2. DEM pressing (paper 003 §2.1.2): protocol stages as in assb compact (uniaxial, isostatic, cycle);
#    the case (particles, box, top and bottom walls) comes from the packing, materials from the
#    compaction set (NMC-like AM, argyrodite-like SE, steel walls; override them under materials:)
compact:
  timestep: { dt_s: 2.5e-10 }
  stages:
    - { type: uniaxial, wall: top, targetPressure_Pa: 375 MPa, holdSteps: 2000, relaxSteps: 2000 }

# 3. Voxels of the released packing (box = the walls; AM wins where AM and SE overlap)
voxelize:
  voxelSize_m: 0.75 um
  # poreAs: SE                   # the voids become SE: the two-phase image of a dense composite (paper 004)

# 4. Transport along z with periodic sides (TauFactor conventions): the SE network's eps and
#    tau (ionic) and the AM network's (electronic); D_SCA = 6 V_AM / S_AM-SE from the voxel surfaces
transport:
  phases: [SE, AM]

# 5. P2D half cell on a shipped parameter set, with eps, tau and R = D_SCA / 2 from the microstructure
#    (paper 004), discharged at each C-rate to the cut-off from the same initial state
cell:
  params: Asheri2023             # or NCA_LPS_2023, or a JSON/YAML parameter file
  set: {}                        # other parameter overrides, e.g. { "Butler-Volmer form": asheri2023 }
  rates: [0.05, 0.1, 0.2, 0.5]
  cutoff_V: 3.0
  numerics: { nx: 20, nr: 40 }   # R is large for spheres that touch at points: resolve it with enough shells
  # radiusFrom: d50              # R = D50 / 2 ("AM median diameter [m]" of the set) instead of D_SCA / 2
  # thicknessFrom: volume        # the cathode as thick as the volume (the packing's AM loading), not the set's
`;
