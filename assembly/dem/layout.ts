// Memory layout of a DEM system, shared by the AssemblyScript kernels and the TypeScript host.
// The host lays out one header block of 8-byte slots (integers and pointers stored as i32/u32 in
// the low 4 bytes, reals as f64) followed by structure-of-arrays particle data. Plain numeric
// constants only, so both compilers accept this file.

// ---- header: scalars ----
export const H_N = 0; //                i32  number of particles
export const H_NMAT = 1; //             i32  number of materials (pair tables are NMAT x NMAT)
export const H_DIM = 2; //              i32  2 (discs in the xy plane) or 3
export const H_PERX = 3; //             i32  1 if periodic in x
export const H_PERY = 4; //             i32  1 if periodic in y
export const H_NWALLS = 5; //           i32  number of planar walls
export const H_STATUS = 6; //           i32  last status code (see common/status.ts)
export const H_STATUS_I = 7; //         i32  particle index the status refers to (-1: none)
export const H_STATUS_J = 8; //         i32  second particle / wall index (-1: none)
export const H_STATUS_VAL = 9; //       f64  value behind the status (needed capacity, overlap ratio, ...)
export const H_DT = 10; //              f64  time step [s]
export const H_SKIN = 11; //            f64  neighbour skin [m]
export const H_LOX = 12; //             f64  box lower bounds [m] (used in periodic directions)
export const H_LOY = 13;
export const H_LOZ = 14;
export const H_HIX = 15; //             f64  box upper bounds [m]
export const H_HIY = 16;
export const H_HIZ = 17;
export const H_EXTFX = 18; //           f64  external force on every particle [N] (LIGGGHTS fix addforce)
export const H_EXTFY = 19;
export const H_EXTFZ = 20;
export const H_GX = 21; //              f64  gravity [m/s^2]
export const H_GY = 22;
export const H_GZ = 23;
export const H_TIME = 24; //            f64  simulated time [s]
export const H_STEP = 25; //            f64  steps done
export const H_NPAIRS = 26; //          i32  entries in the neighbour list
export const H_PAIRCAP = 27; //         i32  capacity of the neighbour arrays
export const H_CELLCAP = 28; //         i32  capacity of the cell-head array
export const H_NREBUILD = 29; //        i32  neighbour-list builds so far
export const H_RECORD = 30; //          i32  1: store per-contact data, virial and coordination this step
export const H_RESUME = 31; //          i32  1: the last step stopped before its neighbour build (capacity); resume there
export const H_MAX_OVERLAP = 32; //     f64  blow-up limit: overlap / smaller radius
export const H_MAX_STEPDISP = 33; //    f64  blow-up limit: |v| dt / radius
export const H_RMAX = 34; //            f64  largest radius [m]
export const H_INERTIA = 35; //         f64  moment of inertia factor (0.4 sphere, 0.5 disc)
export const H_FORCE_REBUILD = 36; //   i32  1: rebuild the neighbour list at the next opportunity
export const H_MAXDISP2 = 37; //        f64  largest squared displacement since the last build [m^2]
export const H_NCONTACTS = 38; //       i32  particle-particle contacts found in the last recorded step
// slot 39: free

// ---- header: pointers (byte offsets into linear memory) ----
export const P_X = 40; //   f64[N] position [m]
export const P_Y = 41;
export const P_Z = 42;
export const P_VX = 43; //  f64[N] velocity [m/s]
export const P_VY = 44;
export const P_VZ = 45;
export const P_WX = 46; //  f64[N] angular velocity [rad/s]
export const P_WY = 47;
export const P_WZ = 48;
export const P_FX = 49; //  f64[N] force [N]
export const P_FY = 50;
export const P_FZ = 51;
export const P_TX = 52; //  f64[N] torque [N m]
export const P_TY = 53;
export const P_TZ = 54;
export const P_R = 55; //   f64[N] radius [m]
export const P_MASS = 56; // f64[N] mass [kg]
export const P_DTFM = 57; // f64[N] dt/2 / m            (filled by demPrepare)
export const P_DTIR = 58; // f64[N] dt/2 / (I_f m R^2)  (filled by demPrepare)
export const P_MAT = 59; //  i32[N] material index
export const P_XR = 60; //   f64[N] position at the last neighbour build
export const P_YR = 61;
export const P_ZR = 62;
export const P_NCONT = 63; // i32[N] pair contacts (recorded steps)
export const P_WXX = 64; //  f64[N] pair virial sum 1/2 d_a F_b [N m] (recorded steps)
export const P_WYY = 65;
export const P_WZZ = 66;
export const P_WXY = 67;
export const P_WXZ = 68;
export const P_WYZ = 69;
// Pair tables (row = material of i, column = material of j), filled from the contact-model registry
// (host/dem/materials.ts). Per contact the normal model gives a scale a (hertz: sqrt(R* dn) [m]); then
// k_n = KN a, k_t = KT a, gamma_n = DN sqrt(a m*), gamma_t = DT sqrt(a m*) (assembly/dem/contact/).
export const P_T_KN = 70; //   f64[NMAT^2] KN (hertz: 4/3 Y* [Pa])
export const P_T_MODEL = 71; // i32[NMAT^2] contact model ids (normal | damping << MODEL_SHIFT_DAMPING | tangential << ..._TANGENTIAL)
export const P_T_KT = 72; //   f64[NMAT^2] KT (hertz: 8 G* [Pa])
// slot 73: free (the damping factor is folded into P_T_DN / P_T_DT)
export const P_T_MU = 74; //   f64[NMAT^2] friction coefficient [-]
export const P_ROW = 75; //  i32[N+1] CSR row starts of the half neighbour list (j > i)
export const P_NBR = 76; //  i32[cap] neighbour index j
export const P_HX = 77; //   f64[cap] tangential history xi [m]
export const P_HY = 78;
export const P_HZ = 79;
export const P_ROW2 = 80; // second set of neighbour buffers (swapped on rebuild)
export const P_NBR2 = 81;
export const P_HX2 = 82;
export const P_HY2 = 83;
export const P_HZ2 = 84;
export const P_CDN = 85; //  f64[cap] overlap of each listed pair [m] (recorded steps; < 0: apart)
export const P_CFN = 86; //  f64[cap] normal force (scalar, + repulsive) [N]
export const P_CFTX = 87; // f64[cap] tangential force on i [N]
export const P_CFTY = 88;
export const P_CFTZ = 89;
export const P_CELLHEAD = 90; // i32[cellcap]
export const P_CELLNEXT = 91; // i32[N]
export const P_WALLS = 92; //    wall blocks, WALL_SLOTS slots each
export const P_CK = 93; //       i32[cap] scratch: list index k of each touching pair (this step)
export const P_CI = 94; //       i32[cap] scratch: particle i of each touching pair
export const P_T_DN = 95; //     f64[NMAT^2] DN (hertz: -2 sqrt(5/6) beta sqrt(2 Y*) [Pa^0.5])
export const P_T_DT = 96; //     f64[NMAT^2] DT (hertz: -2 sqrt(5/6) beta sqrt(8 G*) [Pa^0.5])
// Per wall, the particles within reach of it (wall_list.ts): gap to the plane < WALL_BAND_SKINS x skin when the list
// was made; remade at every neighbour build and when the wall has travelled half a skin since (its reference).
export const P_WLIST = 97; //    i32[NWALLS x N] wall w's particles from w x N, in increasing index
export const P_WLISTN = 98; //   i32[NWALLS] their count
export const P_WREF = 99; //     f64[NWALLS] the wall's position when its list was made [m]
export const WALL_BAND_SKINS = 2.0;
// Threads (step_mt.ts, the shared-memory core): thread t's force block, its wall partial sums, and the sync block.
export const P_FBLK = 100; //    T force blocks of FB_SLOTS slots: thread t's force and torque arrays (t = 0: P_FX..P_TZ)
export const P_WPART = 101; //   f64[T x NWALLS x 4] thread t's wall force (x, y, z) and contacts
export const P_SYNC = 102; //    i32[SYNC_SLOTS + 3 T] barrier, control and per-thread words (step_mt.ts)
export const P_NGRID = 103; //   the cell grid of the last build (neighbor.ts), G_* below
export const HEADER_SLOTS = 104;

// ---- the sync block of the threads (P_SYNC; byte offsets, each group on its own cache line) ----
export const SY_COUNT = 0; //    i32 threads arrived at the barrier
export const SY_GEN = 64; //     i32 barrier generation
export const SY_ABORT = 128; //  i32 status that ends the run for every thread (0: none)
export const SY_CTL = 192; //    i32[4] the host's control of the workers: generation, steps, stop, workers ready
export const SY_BUILD = 224; //  i32 1: a neighbour build is due this step (thread 0 has binned the cells)
export const SY_TIMEOUT = 232; // f64 ms a thread waits at a barrier before the run fails (ST_THREAD_LOST)
export const SY_THREAD = 256; // per thread, SY_BYTES_PER_THREAD each: f64 squared displacement (+0), i32 status (+8),
//                                i32 first row of its pairs (+12), i32 rows it found in a build (+16)
export const SY_BYTES_PER_THREAD = 64;

// ---- a force block: pointers to one thread's force and torque arrays f64[N] ----
export const FB_FX = 0;
export const FB_FY = 1;
export const FB_FZ = 2;
export const FB_TX = 3;
export const FB_TY = 4;
export const FB_TZ = 5;
export const FB_SLOTS = 8;

// ---- the cell grid of a neighbour build (P_NGRID): f64 elements 0-7, then i32 elements from 16 (byte 64) ----
export const G_LOX = 0; //  f64 lower bounds of the grid [m]
export const G_LOY = 1;
export const G_LOZ = 2;
export const G_INVX = 3; // f64 cells per metre
export const G_INVY = 4;
export const G_INVZ = 5;
export const G_LX = 6; //   f64 grid extent along x, y (the periodic image offsets) [m]
export const G_LY = 7;
export const G_NX = 16; //  i32 cells along x, y, z (i32 element offsets: after the 8 f64)
export const G_NY = 17;
export const G_NZ = 18;
export const NGRID_BYTES = 80;

// ---- contact sub-model ids (P_T_MODEL): the ids themselves are generated, one per sub-model file, in
// contact/models.ts (scripts/gen-twin.mjs); the word packs normal | damping << 8 | tangential << 16 ----
export const MODEL_SHIFT_DAMPING = 8;
export const MODEL_SHIFT_TANGENTIAL = 16;
export const MODEL_MASK = 255;

// ---- one planar wall: the plane coordinate[axis] = pos, particles on the side `side` ----
export const W_AXIS = 0; //   i32 0/1/2
export const W_SIDE = 1; //   f64 +1: particles have coordinate > pos (normal +axis); -1: below
export const W_POS = 2; //    f64 plane position [m]
export const W_VX = 3; //     f64 wall velocity [m/s]; the axis component moves the plane
export const W_VY = 4;
export const W_VZ = 5;
export const W_MODE = 6; //   i32 0 fixed, 1 set velocity, 2 servo on the normal load, 3 off (no contacts)
export const W_TARGET = 7; // f64 servo: target normal load [N]
export const W_GAIN = 8; //   f64 servo: velocity per load error [m/(s N)]
export const W_VMAX = 9; //   f64 servo: speed limit [m/s]
export const W_MAT = 10; //   i32 material index of the wall
export const W_FX = 11; //    f64 force exerted by the particles on the wall [N]
export const W_FY = 12;
export const W_FZ = 13;
export const W_NCONT = 14; // i32 particles touching the wall
export const W_HX = 15; //    ptr f64[N] tangential history of particle-wall contacts
export const W_HY = 16;
export const W_HZ = 17;
export const W_LOAD = 18; //  f64 normal load = -F_wall . n_wall [N] (>0: particles push)
export const W_PRESS = 19; // f64 servo: target pressure [Pa]; > 0: W_TARGET = W_PRESS x the face area every step
export const W_KP = 20; //    f64 servo: LIGGGHTS's kp; > 0: speed = W_VMAX kp (1 - load / target), else W_GAIN (target - load)
export const W_FACE = 21; //  i32 servo with W_PRESS: the walls bounding the face, a byte each (lo, hi along the first other
//                                axis, lo, hi along the second; other axes in x, y, z order)
export const W_LSUM = 22; //  f64 sum of W_LOAD over the steps since the host cleared it (chunk-averaged pressure)
export const W_LCOUNT = 23; // i32 steps summed in W_LSUM
export const WALL_SLOTS = 24;

// ---- status codes returned by kernels ----
export const ST_OK = 0;
export const ST_NEED_PAIRS = 1; //      neighbour list larger than capacity; needed count in H_STATUS_VAL
export const ST_NEED_CELLS = 2; //      cell grid larger than capacity; needed count in H_STATUS_VAL
export const ST_UNSTABLE_SPEED = 3; //  |v| dt / R above limit (or not finite) for particle H_STATUS_I
export const ST_UNSTABLE_OVERLAP = 4; // overlap / smaller radius above limit for pair (I, J) (J = -1 - wall for walls)
export const ST_BAD_BOX = 5; //         periodic box shorter than two cut-off lengths
export const ST_THREAD_LOST = 6; //     threaded step: a thread did not reach a barrier within the time-out (step_mt.ts)
