// The memory map of a transport solve, shared by the AssemblyScript kernels and the TypeScript host
// (host/transport/solver.ts lays it out). Plain numeric constants only.
//
// A solve is a header block of 8-byte slots (S_*) followed by one block of LEVEL_SLOTS slots per
// multigrid level (L_*). Grids are cell-centred, stored with the transport axis first: cell (i, j, k) is
// at (i*n1 + j)*n2 + k, i along the transport axis; n = n0*n1*n2 cells, m = n1*n2 cells per layer.
//
// Phases of one solve (host/transport/solver.ts, GridSolver.solve), in order:
//   P0 host      writes the conductivities into S_SIGMA
//   P1 tpBuild   link conductances, electrode links, right-hand side (a unit field: the neighbour bits only)
//   P2 tpPercolate  labelling: marks, runs of network cells, cells off the spanning network removed
//   P3 tpDiag, tpMask  diagonal; level 0's link mask and its kind (K_GRID / K_MASK)
//   P4 tpComponentLevels (or tpCoarsen per level)  the coarse levels
//   P5 tpInitGuess  the linear profile into S_XS
//   P6 tpSolvePCG / tpSolveSOR  (PCG: compactBuild first when level 0 runs compact, compactScatter last)
//   P7 tpFlux    currents through the electrode faces
//
// Shared arrays. Every n-sized array is 64 MB (f64) or 32 MB (i32) at 200^3, so work arrays whose
// lifetimes do not overlap share one allocation: separate ones would cost ~0.4 GB more for the set-up
// roles below and 52 bytes per network cell (up to another 0.4 GB) for the compact node arrays. Each role has its own
// slot (the host points it into the shared array at set-up; the kernels read the role's slot), and this
// table is the only place that says which roles share (S_AGPAR .. S_ROWMARK: component aggregation only; the
// S_C* node arrays: compact level 0 only):
//
//   array (allocation)   role slot    contents                                               written   read
//   S_XS   f64[n]        S_UF         i32[n] union-find parent per run, then i32[n] run flags   P2        P2
//                        S_MEMBERS    i32[n] level l's nodes sorted by aggregate               P4        P4
//                        S_XS         f64[n] potential: the guess, then the solution           P5, P6    P6, P7
//                        S_NODEOF     i32 cell -> node, stride 2 (low half of each f64 slot)    P6 start  P6 start
//   S_R    f64[n]        S_NBR        i32[n] neighbour bits NB_* (first half)                   P1/P2     P2-P6 start
//                        S_BLK        i32[n] 2 * block + colour per node (second half)         P4        P4
//                        S_R          f64 CG residual (compact: nc nodes) / SOR residual        P6        P6
//   S_P    f64[n+1]      S_AGPAR      i32[n] union-find parent, then i32[n] aggregate label     P4        P4
//                        S_P          f64 CG direction (+1: the compact zero slot)             P6        P6
//   S_Q    f64[n]        S_MSTART     i32[n+1] first member of each aggregate                  P4        P4
//                        S_Q          f64 A p                                                   P6        P6
//   S_Z    f64[n+1]      S_ROWMARK    i32[n] last entry of each coarse column in the row        P4        P4
//                        S_Z          f64 preconditioned residual (+1: the compact zero slot)  P6        P6
//   S_LMASK i32[n+1]     S_RUNOF      i32[n] run of each cell (-1: no link)                     P2        P2
//                        S_LMASK      i32[n] link mask M_* (general fields only)                P3        P6
//   level 0 L_RW f64[n]  S_SIGMA      f64[n] conductivity of each cell                          P0        P1
//                        L_RW         f64[n] residual work (grid path)                          P6        P6
//                        S_CMASK      i32[nc] link mask of each node (compact)                  P6        P6
//   level 0 L_GX f64[n+1]  L_GX / S_CX     link conductance x  /  compact potential (nc + 1)    P1 / P6
//   level 0 L_GY f64[n]    L_GY / S_CB     link conductance y  /  compact right-hand side       P1 / P6
//   level 0 L_GZ f64[n]    L_GZ / S_CRW    link conductance z  /  compact residual work         P1 / P6
//   level 0 L_DD f64[n]    L_DD / S_CNX    Dirichlet diagonal  /  compact x neighbours (2 i32)  P1 / P6
//   level 0 L_DIAG f64[n]  L_DIAG / S_CNY  diagonal            /  compact y neighbours          P3 / P6
//   level 0 L_BPROB f64[n] L_BPROB / S_CNZ right-hand side     /  compact z neighbours          P1 / P6
//   level 0 L_AGG i32[n]   aggregate of each cell (P4), of each node in place (P6, compactBuild)
//   level 0 L_X, L_B       (PCG) the S_Z and S_R arrays: the cycle's correction and right-hand side on level 0
// A unit field (S_UNITON) never writes conductances into level 0's L_GX .. L_DIAG, L_BPROB: its links are
// the neighbour bits and 2 sigma = 2 at the electrode faces. Coarse arrays of component aggregation
// (levels >= 1) are carved per solve from [S_CBASE, S_CEND) and used by nothing else.

// ---- solve header: input (host, before P1) ----
export const S_NLEV = 0; //        i32  number of levels (level 0 = the voxel grid)
export const S_LEVELS = 1; //      ptr  first level block (LEVEL_SLOTS slots each)
export const S_RTOL = 11; //       f64  stop when ||b - A x||_2 / ||b||_2 <= rtol
export const S_TAUTOL = 60; //     f64  PCG: > 0 = the tau rule instead: stop when the estimated relative error of the current
//                                   (and so of tau) is <= this (tpSolvePCG); 0 = the residual rule
export const S_MAXIT = 12; //      i32  iteration limit (CG iterations or SOR sweeps)
export const S_OMEGA = 13; //      f64  SOR relaxation factor
export const S_NSMOOTH = 14; //    i32  red-black Gauss-Seidel sweeps before and after the coarse correction
export const S_NCOARSE = 15; //    i32  symmetric sweep pairs on the coarsest level (when it has no dense factor)
export const S_ALPHA = 16; //      f64  V-cycle coarse-correction scale (aggregation over-correction)
export const S_CHECK = 24; //      i32  SOR: residual check every this many sweeps
export const S_CYCLE = 27; //      i32  multigrid cycle: 0 V-cycle, 1 K-cycle (two flexible-CG steps per coarse level)
export const S_LINKMASK = 28; //   i32  1 = level 0 may run on the link mask (tpMask decides; see L_KIND)
export const S_COMPACT = 37; //    i32  1 = level 0 may run compact (tpSolvePCG decides; see L_KIND, S_NC)
export const S_UNIT = 48; //       i32  1 = tpBuild may treat a 0/1 field as a unit field
export const S_SLAB = 63; //       i32  1 = this grid is one slab of a larger volume (host/transport/slabs.ts): tpPercolate keeps
//                                   the cells joined to either face (the host has removed the cells off the global network)
export const S_OWN0 = 64; //       i32  the CG's dot products sum over planes [S_OWN0, S_OWN1) of level 0: all of them (0, n0) but in
export const S_OWN1 = 65; //       i32  a slab, whose planes past these are copies of its neighbours' (the overlap)
export const S_CBASE = 29; //      ptr  component aggregation: start of the region for levels >= 1 (16-aligned)
export const S_CEND = 30; //       ptr  its end (the host moves it up when tpComponentLevels runs out of room)
export const S_CLEVEL = 31; //     i32  tpComponentLevels' cursor: the level to aggregate next (host: 0 before P4;
//                                   a call that ran out of room leaves the level to resume from)
// ---- solve header: arrays (host, at set-up; see the table above for the shared ones) ----
export const S_GIN = 2; //         ptr  f64[m] inlet link conductance of the i = 0 layer (2 sigma, half-voxel)
export const S_GOUT = 3; //        ptr  f64[m] outlet link conductance of the i = n0-1 layer
export const S_XS = 4; //          ptr  f64[n] potential (inlet 1, outlet 0; 0 off the network)
export const S_R = 5; //           ptr  f64[n] CG residual / SOR residual
export const S_P = 6; //           ptr  f64[n+1] CG search direction
export const S_Q = 7; //           ptr  f64[n] A p
export const S_Z = 8; //           ptr  f64[n+1] preconditioned residual
export const S_MARK = 9; //        ptr  u8[n] labelling marks (bit 0: joined to the inlet, bit 1: to the outlet; 3 = spanning)
export const S_LMASK = 10; //      ptr  i32[n+1] link mask of level 0 (M_* bits and the diagonal)
export const S_ZERO = 26; //       ptr  f64[n2] zeros (stands in for a missing neighbour row)
export const S_RUNS = 36; //       ptr  i32 runs of level 0's network cells along k (tpPercolate): n0*n1 + 1 row starts (in
//                                   runs), then per run its first k and the number of network cells before it (2 i32),
//                                   then one more run (0, number of network cells); at most n + 2*n0*n1 + 3 entries
export const S_SIGMA = 50; //      ptr  f64[n] conductivities (P0 -> P1)
export const S_NBR = 51; //        ptr  i32[n] neighbour bits NB_* of level 0's cells (P1/P2 -> P6 start)
export const S_BLK = 52; //        ptr  i32[n] block code of each node of the level being aggregated (P4)
export const S_RUNOF = 53; //      ptr  i32[n] run of each cell in the labelling (P2)
export const S_UF = 54; //         ptr  i32[2n] labelling: union-find parent per run, then face flags per run (P2)
export const S_AGPAR = 55; //      ptr  i32[2n] aggregation: union-find parent per node, then its aggregate label (P4)
export const S_MEMBERS = 56; //    ptr  i32[n] a level's nodes grouped by aggregate (P4)
export const S_MSTART = 57; //     ptr  i32[n+1] start of each aggregate's members in S_MEMBERS (P4)
export const S_ROWMARK = 58; //    ptr  i32[n] per coarse node: its entry in the Galerkin row being built (P4)
export const S_NODEOF = 59; //     ptr  i32 cell -> node of compact level 0, at stride 2 (P6, compactBuild)
// Compact level 0 (tpSolvePCG, when S_COMPACT allows, level 0 is on the link mask and the coarse levels are
// component aggregates): the CG and level-0 vectors hold the network cells only (node a = the a-th network
// cell in grid order; the runs of S_RUNS map nodes to cells), in level-0 arrays the solve no longer needs;
// tpSolvePCG writes the full-grid potential back into S_XS at the end.
export const S_CX = 39; //         ptr  f64[nc+1] potential (level 0's L_GX array; x[nc] = 0, read where a node has no link)
export const S_CB = 40; //         ptr  f64[nc] right-hand side (L_GY's)
export const S_CRW = 41; //        ptr  f64[nc] residual work (L_GZ's)
export const S_CMASK = 42; //      ptr  i32[nc] link mask (M_* bits and diagonal; L_RW's)
export const S_CNX = 43; //        ptr  i32[2 nc] nodes of the x+1 and x-1 neighbours (L_DD's; nc where there is no link:
//                                   x, p and z have nc + 1 entries)
export const S_CNY = 44; //        ptr  i32[2 nc] y+1 and y-1 neighbours (L_DIAG's)
export const S_CNZ = 45; //        ptr  i32[2 nc] z+1 and z-1 neighbours (L_BPROB's)
// ---- solve header: output ----
export const S_ITERS = 17; //      i32  iterations done
export const S_RES = 18; //        f64  final relative residual
export const S_BNORM = 19; //      f64  ||b||_2
export const S_FLUXIN = 20; //     f64  current entering through the inlet face (voxel units)
export const S_FLUXOUT = 21; //    f64  current leaving through the outlet face
export const S_NACTIVE = 22; //    i32  cells of level 0 with a non-zero conductance
export const S_NPERC = 23; //      i32  cells connected to both inlet and outlet
export const S_STATUS = 25; //     i32  TST_* of the last solve
export const S_NC = 38; //         i32  nodes of compact level 0 (0: level 0 ran on the grid)
export const S_UNITON = 49; //     i32  1 = this field is a unit field (tpBuild)
export const S_POWER = 61; //      f64  dissipated power P(x) = sum over links g dphi^2 (the current at a unit drop, second order in
//                                   the error: P(x) - I = ||x - x*||_A^2 >= 0), tpSolvePCG's final x
export const S_PERR = 62; //       f64  the tau rule's estimate of (P - I) / P when it stopped (0: not used)
// ---- solve header: sums handed from kernel to kernel within P6 ----
// (the fused level-0 passes of the multigrid cycle hand them to the CG loop; cycleProduct to the K-cycle)
export const S_RR = 32; //         f64  ||r||^2 after the CG residual update folded into the pre-smoothing pass
export const S_RZ = 33; //         f64  r . z of the new preconditioned residual (folded into the post-smoothing pass)
export const S_ZQ = 34; //         f64  z . q (flexible CG's beta)
export const S_PR = 35; //         f64  p . r of the new CG direction
export const S_KD1 = 46; //        f64  K-cycle step (cycleProduct): x . b
export const S_KD2 = 47; //        f64  K-cycle step: x . v1
export const HEADER_SLOTS = 72;

// Link mask of level 0 (i32 per cell in S_LMASK, per node in S_CMASK), used when every link conductance is
// 0 or 1 and every Dirichlet link 0 or 2 (one conducting phase, sigma = 1):
export const M_XP = 1; //          link to (i+1, j, k)
export const M_XM = 2; //          link to (i-1, j, k)
export const M_YP = 4; //          link to (i, j+1, k) (or its periodic image)
export const M_YM = 8; //          link to (i, j-1, k)
export const M_ZP = 16; //         link to (i, j, k+1)
export const M_ZM = 32; //         link to (i, j, k-1)
export const M_DSHIFT = 6; //      bits 6+: the diagonal (an integer 0-10; 0 = cell outside the network)
// Neighbour bits of a level-0 cell (S_NBR): M_XP .. M_ZM as in the link mask (link conductance > 0), and
// where the y/z neighbour of a set link is the periodic image (j = n1-1 / j = 0 / k = n2-1 / k = 0):
export const NB_WYP = 64;
export const NB_WYM = 128;
export const NB_WZP = 256;
export const NB_WZM = 512;

// ---- level block ----
export const L_N0 = 0; //          i32  cells along the transport axis
export const L_N1 = 1; //          i32  cells along the first lateral axis
export const L_N2 = 2; //          i32  cells along the second lateral axis
export const L_PER1 = 3; //        i32  1: lateral axis 1 periodic (the link at j = n1-1 wraps to j = 0)
export const L_PER2 = 4; //        i32  1: lateral axis 2 periodic
export const L_N = 5; //           i32  n0*n1*n2 (a sparse level: its node count)
export const L_GX = 6; //          ptr  f64[n] conductance of the link (i,j,k)-(i+1,j,k)
export const L_GY = 7; //          ptr  f64[n] conductance of the link (i,j,k)-(i,j+1,k) (wrap at j = n1-1)
export const L_GZ = 8; //          ptr  f64[n] conductance of the link (i,j,k)-(i,j,k+1) (wrap at k = n2-1)
export const L_DD = 9; //          ptr  f64[n] Dirichlet part of the diagonal
export const L_DIAG = 10; //       ptr  f64[n] diagonal (sum of link conductances + DD)
export const L_X = 11; //          ptr  f64[n] multigrid correction (level 0: the CG z vector; sparse levels: n + 1, x[n] = 0)
export const L_B = 12; //          ptr  f64[n] right-hand side of the cycle (level 0: the CG residual)
export const L_RW = 13; //         ptr  f64[n] residual work
export const L_BPROB = 14; //      ptr  f64[n] level 0 only: the problem's right-hand side
export const L_C1 = 15; //         ptr  f64[n] K-cycle: first coarse direction (levels >= 1)
export const L_V1 = 16; //         ptr  f64[n] K-cycle: A times it
export const L_KIND = 17; //       i32  how the level holds its operator (K_*): host K_GRID at set-up; tpBuild resets
//                                   level 0 to K_GRID, tpMask may set K_MASK, tpSolvePCG K_COMPACT; tpComponentLevels
//                                   sets levels >= 1 to K_CSR
export const K_GRID = 0; //        structured arrays L_GX, L_GY, L_GZ, L_DIAG (2x2x2 block levels; level 0 of a general field)
export const K_MASK = 1; //        level 0 on the link mask S_LMASK (and its runs S_RUNS)
export const K_COMPACT = 2; //     level 0 on the network's nodes (S_CX .. S_CNZ)
export const K_CSR = 3; //         a sparse level of component aggregates (L_AGG .. L_OVAL)
// Component aggregation (solver.aggregation "components"): levels >= 1 are sparse, one node per connected
// component (links with g > 0) of the next finer level's nodes inside a 2x2x2 block; nodes of colour 0
// (block coordinate sum even) come first, so red-black Gauss-Seidel is a plain loop.
export const L_AGG = 18; //        ptr  i32[n] node -> its node on the next level (level 0: per cell, -1 outside the network)
export const L_RP = 19; //         ptr  i32[n+1] CSR row starts
export const L_COL = 20; //        ptr  i32[nnz] CSR column (neighbour node)
export const L_VAL = 21; //        ptr  f64[nnz] CSR link conductance (> 0; the matrix entry is -val)
export const L_NRED = 22; //       i32  nodes of colour 0 (they are 0 .. L_NRED-1)
export const L_CELL = 23; //       ptr  i32[n] the node's cell on this level's grid (L_N0 x L_N1 x L_N2)
export const L_DENSE = 24; //      ptr  f64[n*n] coarsest sparse level with at most DENSE_MAX nodes: its Cholesky factor (0: none)
// The sparse levels' rows again for the solve kernels (Gauss-Seidel, residual, products): the first ELL_W entries
// of each row in fixed slots (padded with column n, where L_X holds a 0, and value 0), values as f32 (the
// Galerkin sums of a unit field are small integers, exact), the rest of the few longer rows as CSR:
export const L_ECOL = 25; //       ptr  i32[ELL_W n] columns
export const L_EVAL = 26; //       ptr  f32[ELL_W n] values
export const L_ORP = 27; //        ptr  i32[n+1] row starts of the overflow entries
export const L_OCOL = 28; //       ptr  i32[..] overflow columns
export const L_OVAL = 29; //       ptr  f64[..] overflow values
export const ELL_W = 6;
export const LEVEL_SLOTS = 32;
// the coarsest level is solved exactly by a dense Cholesky factor up to this many nodes (64x64 images: ~70),
// by S_NCOARSE sweep pairs above it (factoring n^3/6 would cost more than the sweeps)
export const DENSE_MAX = 256;

// ---- status codes ----
export const TST_OK = 0;
export const TST_NOT_CONVERGED = 1; // iteration limit reached above the tolerance
export const TST_BREAKDOWN = 2; //    CG breakdown (p.Ap <= 0 or non-finite): the operator is not SPD or the data holds NaN
export const TST_NO_PATH = 3; //      no cell connects inlet and outlet
