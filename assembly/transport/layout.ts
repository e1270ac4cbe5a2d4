// Memory layout of a transport solve, shared by the AssemblyScript kernels and the TypeScript host.
// A solve is a header block of 8-byte slots (S_*), followed by one block of LEVEL_SLOTS slots per
// multigrid level (L_*). Grids are cell-centred, stored with the transport axis first:
// cell (i, j, k) is at (i*n1 + j)*n2 + k, i along the transport axis. Plain numeric constants only.

// ---- solve header ----
export const S_NLEV = 0; //        i32  number of levels (level 0 = the voxel grid)
export const S_LEVELS = 1; //      ptr  first level block (LEVEL_SLOTS slots each)
export const S_GIN = 2; //         ptr  f64[n1*n2] inlet link conductance of the i = 0 layer (2 sigma, half-voxel)
export const S_GOUT = 3; //        ptr  f64[n1*n2] outlet link conductance of the i = n0-1 layer
export const S_XS = 4; //          ptr  f64[n] solution (potential, inlet 1, outlet 0); set-up work before tpInitGuess (labelling, component levels)
export const S_R = 5; //           ptr  f64[n] CG residual; during set-up two i32[n]: tpPercolate's neighbour bits (read by tpMask and
//                                   tpComponentLevels) and the component levels' block codes
export const S_P = 6; //           ptr  f64[n] CG search direction
export const S_Q = 7; //           ptr  f64[n] A p
export const S_Z = 8; //           ptr  f64[n] preconditioned residual
export const S_MARK = 9; //        ptr  u8[n] labelling marks (bit 0: reached from inlet, bit 1: from outlet)
export const S_QUEUE = 10; //      ptr  i32[n+1] tpPercolate: the run of each cell (union-find labelling); then the link mask
export const S_RTOL = 11; //       f64  stop when ||b - A x||_2 / ||b||_2 <= rtol
export const S_MAXIT = 12; //      i32  iteration limit (CG iterations or SOR sweeps)
export const S_OMEGA = 13; //      f64  SOR relaxation factor
export const S_NSMOOTH = 14; //    i32  red-black Gauss-Seidel sweeps before and after the coarse correction
export const S_NCOARSE = 15; //    i32  symmetric sweep pairs on the coarsest level
export const S_ALPHA = 16; //      f64  coarse-correction scale (aggregation over-correction)
export const S_ITERS = 17; //      i32  iterations done
export const S_RES = 18; //        f64  final relative residual
export const S_BNORM = 19; //      f64  ||b||_2
export const S_FLUXIN = 20; //     f64  current entering through the inlet face (voxel units)
export const S_FLUXOUT = 21; //    f64  current leaving through the outlet face
export const S_NACTIVE = 22; //    i32  cells of level 0 with a non-zero conductance
export const S_NPERC = 23; //      i32  cells connected to both inlet and outlet
export const S_CHECK = 24; //      i32  SOR: residual check every this many sweeps
export const S_STATUS = 25; //     i32  ST_* of the last solve
export const S_ZERO = 26; //       ptr  f64[n2] zeros (stands in for a missing neighbour row)
export const S_CYCLE = 27; //      i32  multigrid cycle: 0 V-cycle, 1 K-cycle (two flexible-CG steps per coarse level)
export const S_LINKMASK = 28; //   i32  in: 1 = use the link-mask fast path on level 0 when it applies; out (tpMask): 1 = in use
export const S_CBASE = 29; //      ptr  component aggregation: start of the region the host reserves for levels >= 1 (16-aligned)
export const S_CEND = 30; //       ptr  its end (tpComponentLevels carves the coarse arrays from it)
export const S_CLEVEL = 31; //     i32  tpComponentLevels: first level to aggregate (host: 0; a call that ran out of room leaves where to resume)
// Link mask of level 0 (i32 per cell, stored in the S_QUEUE array once the labelling is done), used when
// every link conductance is 0 or 1 and every Dirichlet link 0 or 2 (one conducting phase, sigma = 1):
export const M_XP = 1; //          link to (i+1, j, k)
export const M_XM = 2; //          link to (i-1, j, k)
export const M_YP = 4; //          link to (i, j+1, k) (or its periodic image)
export const M_YM = 8; //          link to (i, j-1, k)
export const M_ZP = 16; //         link to (i, j, k+1)
export const M_ZM = 32; //         link to (i, j, k-1)
export const M_DSHIFT = 6; //      bits 6+: the diagonal (an integer 0-10; 0 = cell outside the network)
// Sums the fused level-0 passes of the multigrid cycle hand to the CG loop (tpSolvePCG):
export const S_RR = 32; //         f64  ||r||^2 after the CG residual update folded into the pre-smoothing pass
export const S_RZ = 33; //         f64  r . z of the new preconditioned residual (folded into the post-smoothing pass)
export const S_ZQ = 34; //         f64  z . q (flexible CG's beta)
export const S_PR = 35; //         f64  p . r of the new CG direction
export const S_RUNS = 36; //       ptr  i32 runs of level 0's network cells along k (tpPercolate): n0*n1 + 1 row starts (in runs), then
//                                   per run its first k and the number of network cells before it (2 i32), then one more
//                                   run (0, number of network cells); at most n + 2*n0*n1 + 3 entries in all
// Compact level 0 (tpSolvePCG, when S_COMPACT allows, the link mask is in use and the coarse levels are
// component aggregates): the CG and level-0 vectors hold the network cells only (node a = the a-th network
// cell in grid order; the runs of S_RUNS map nodes to cells), carved from level-0 arrays the solve no
// longer needs; tpSolvePCG writes the full-grid potential back into S_XS at the end.
export const S_COMPACT = 37; //    i32  in: 1 = allowed; out: 1 = the last solve ran compact
export const S_NC = 38; //         i32  nodes (network cells)
export const S_CX = 39; //         ptr  f64[nc] potential (in L_GX's array)
export const S_CB = 40; //         ptr  f64[nc] right-hand side (L_GY's)
export const S_CRW = 41; //        ptr  f64[nc] residual work (L_GZ's)
export const S_CMASK = 42; //      ptr  i32[nc] link mask (M_* bits and diagonal, L_RW's)
export const S_CNX = 43; //        ptr  i32[2 nc] nodes of the x+1 and x-1 neighbours (L_DD's; nc, the zero slot of the
//                                   node vectors, where there is no link: x, p and z have nc + 1 entries)
export const S_CNY = 44; //        ptr  i32[2 nc] y+1 and y-1 neighbours (L_DIAG's)
export const S_CNZ = 45; //        ptr  i32[2 nc] z+1 and z-1 neighbours (L_BPROB's)
export const S_KD1 = 46; //        f64  K-cycle step (cycleProduct): x . b
export const S_KD2 = 47; //        f64  K-cycle step: x . v1
// Unit fields (every conductivity 0 or 1: one conducting phase, tortuosity and images), when the host allows it
// (compact level 0 above component aggregates): tpBuild writes the neighbour bits straight from the
// conductivities and no link-conductance, Dirichlet, right-hand-side or diagonal arrays (L_GX .. L_DIAG,
// L_BPROB); the later kernels take them from the bits and the position (2 sigma = 2 at the electrode faces).
export const S_UNIT = 48; //       i32  in: 1 = allowed
export const S_UNITON = 49; //     i32  out (tpBuild): 1 = this field is a unit field
export const HEADER_SLOTS = 56;

// ---- level block ----
export const L_N0 = 0; //          i32  cells along the transport axis
export const L_N1 = 1; //          i32  cells along the first lateral axis
export const L_N2 = 2; //          i32  cells along the second lateral axis
export const L_PER1 = 3; //        i32  1: lateral axis 1 periodic (the link at j = n1-1 wraps to j = 0)
export const L_PER2 = 4; //        i32  1: lateral axis 2 periodic
export const L_N = 5; //           i32  n0*n1*n2
export const L_GX = 6; //          ptr  f64[n] conductance of the link (i,j,k)-(i+1,j,k)
export const L_GY = 7; //          ptr  f64[n] conductance of the link (i,j,k)-(i,j+1,k) (wrap at j = n1-1)
export const L_GZ = 8; //          ptr  f64[n] conductance of the link (i,j,k)-(i,j,k+1) (wrap at k = n2-1)
export const L_DD = 9; //          ptr  f64[n] Dirichlet part of the diagonal
export const L_DIAG = 10; //       ptr  f64[n] diagonal (sum of link conductances + DD)
export const L_X = 11; //          ptr  f64[n] multigrid correction (level 0: the CG z vector; sparse levels: n + 1, x[n] = 0)
export const L_B = 12; //          ptr  f64[n] right-hand side (level 0: the CG residual; the problem rhs lives in S_... of the host)
export const L_RW = 13; //         ptr  f64[n] residual work
export const L_BPROB = 14; //      ptr  f64[n] level 0 only: the problem's right-hand side
export const L_C1 = 15; //         ptr  f64[n] K-cycle: first coarse direction (levels >= 1)
export const L_V1 = 16; //         ptr  f64[n] K-cycle: A times it
// Component aggregation (solver.aggregation "components"): levels >= 1 are sparse (CSR), one node per
// connected component (links with g > 0) of the next finer level's nodes inside a 2x2x2 block;
// nodes of colour 0 (block coordinate sum even) come first, so red-black Gauss-Seidel is a plain loop.
export const L_CSR = 17; //        i32  1: this level is CSR over component aggregates (L_N = node count)
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
