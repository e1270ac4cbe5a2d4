// Memory layout of the micro chemo-mechanical model (assembly/micro; paper 001 §2.1.2, SPEC §6), shared by the
// AssemblyScript kernels and the TypeScript host (host/micro/sim.ts). One header block of 8-byte slots (M_*):
// sizes, pointers to the arrays the host allocates, scaled parameters, and outputs. Plain numeric constants.
//
// Scaled units inside the kernels (the host converts): length R (particle radius), time R^2/D,
// concentration c_max, stress E_AM Omega c_max (E of the AM times the eigenstrain scale eps_s = Omega c_max),
// displacement R eps_s, p = sigma:Omega_t in units of E_AM Omega^2 c_max. Then (eq 14-19):
//   sigma' = C'(eps' - c^ W),  W = diag(wx, wy, wz) (Omega_t / Omega; default diag(2, -1, 2)/3), c^ = (c - c0)/c_max
//   dc~/dtau = div(grad c~ - LAM c~(1 - c~) grad p'),  LAM = E_AM Omega^2 c_max / (R_gas T)
//   flux: (grad c~ - LAM c~(1 - c~) grad p') . n = JS,  JS = J_s R / (D c_max)
//   cohesive (eq 20-25): t' = f_d(d) K0' g',  K0' = k0 R / E_AM;  Y0', H' in units of E_AM eps_s^2 R
//
// Unknowns (one vector): per node ux, uy (all phases), c^ and p' (AM nodes), numbered in the solver's
// elimination order (nested dissection; a node's unknowns consecutive). DOF[4 n + k] is node n's unknown of
// kind k (0 ux, 1 uy, 2 c^, 3 p'), -1 where absent or held at zero (u_x on the left side, u_y at the centre);
// the top side's nodes share the bottom side's u unknowns (periodic).

// ---- sizes and flags ----
export const M_NN = 0; //      i32  nodes (interface nodes twice when cohesive)
export const M_NE = 1; //      i32  quads (Q1)
export const M_NEAM = 2; //    i32  AM quads (quads 0 .. NEAM-1)
export const M_NP = 3; //      i32  interface node pairs (vertices of the interface polygon)
export const M_NDOF = 4; //    i32  unknowns
export const M_NNZ = 5; //     i32  nonzeros of the Jacobian (CSR, structurally symmetric)
export const M_NSN = 6; //     i32  supernodes of the factor
export const M_MECH = 7; //    i32  1: mechanics (u, p' unknowns and the stress-driven flux); 0: diffusion only
export const M_COH = 8; //     i32  1: cohesive interface (pairs of distinct nodes); 0: bonded (shared nodes)
export const M_FIXC = 9; //    i32  1: c^ frozen (its rows the identity, residual 0): mechanics alone
export const M_SECANT = 10; // i32  1: cohesive tangent without the damage-growth term (secant); 0: consistent
// ---- mesh ----
export const M_X = 11; //      ptr  f64[nn] node x [R]
export const M_Y = 12; //      ptr  f64[nn] node y [R]
export const M_DOF = 13; //    ptr  i32[4 nn] unknown of (ux, uy, c^, p') per node, -1: none
export const M_QUAD = 14; //   ptr  i32[4 ne] quad nodes, counter-clockwise
export const M_GP = 15; //     ptr  f64[ne 4 GPW] per Gauss point (2 x 2): dN/dx[4], dN/dy[4], w det J  (setup)
export const M_ESC = 16; //    ptr  i32[neam 32] CSR positions of (c_a, c_b) [16] then (c_a, p_b) [16]  (setup)
export const M_MASS = 17; //   ptr  f64[ndof] lumped AM area of a c^ unknown (0 elsewhere)  (setup)
export const M_FLUX = 18; //   ptr  f64[ndof] interface length of a c^ unknown (the flux load)  (setup)
export const M_VM = 19; //     ptr  f64[ne] von Mises stress of the element's mean stress [E eps_s]  (microStats)
// ---- interface node pairs (cohesive: AM node, SE node; bonded: the same node) ----
export const M_PAM = 20; //    ptr  i32[np] AM node
export const M_PSE = 21; //    ptr  i32[np] SE node
export const M_PNX = 22; //    ptr  f64[np] outward normal of the particle, x
export const M_PNY = 23; //    ptr  f64[np] outward normal, y
export const M_PW = 24; //     ptr  f64[np] length weight [R] (half of each adjacent polygon side)
export const M_PSC = 25; //    ptr  i32[np 16] CSR positions of the pair's block rows/cols (AMx, AMy, SEx, SEy), -1: none  (setup)
export const M_DOLD = 26; //   ptr  f64[np] damage at the last accepted step
export const M_DNEW = 27; //   ptr  f64[np] damage of the current iterate (return mapping, microAssemble)
export const M_GN = 28; //     ptr  f64[np] normal gap u_SE - u_AM [R eps_s] (microAssemble)
export const M_GT = 29; //     ptr  f64[np] tangential gap (t = (-ny, nx)) [R eps_s]
// ---- the Jacobian (CSR, rows in elimination order, columns sorted) ----
export const M_RP = 30; //     ptr  i32[ndof+1] row pointers
export const M_CI = 31; //     ptr  i32[nnz] column indices
export const M_AC = 32; //     ptr  f64[nnz] the constant part: elasticity, eigenstrain coupling, p' projection, Fickian
//                                   diffusion, spring  (setup)
export const M_AJ = 33; //     ptr  f64[nnz] the Jacobian of the current iterate (microAssemble)
export const M_TPOS = 34; //   ptr  i32[nnz] CSR position of the transposed entry
// ---- vectors ----
export const M_XV = 35; //     ptr  f64[ndof] the iterate
export const M_XOLD = 36; //   ptr  f64[ndof] the accepted state (t_n)
export const M_RES = 37; //    ptr  f64[ndof] residual (microAssemble)
export const M_DX = 38; //     ptr  f64[ndof] Newton update (microGmres)
export const M_WROW = 39; //   ptr  f64[ndof] residual weights 1/|J_ii| (microFactor): GMRES minimises |W r|
// ---- the supernodal LU (symbolic on the host: host/micro/ordering.ts) ----
export const M_SNF = 40; //    ptr  i32[nsn+1] first column of each supernode
export const M_SNRP = 41; //   ptr  i32[nsn+1] offsets of the supernodes' row lists in SNRI
export const M_SNRI = 42; //   ptr  i32[...] rows of each supernode: its own columns, then the rows below (sorted)
export const M_SNVP = 43; //   ptr  i32[nsn+1] offsets (f64) of the supernodes' panels in LU
export const M_LU = 44; //     ptr  f64[...] panels: per supernode of w columns and nb rows below, row-major,
//                                   D (w x w: L unit lower and U upper), LB (nb x w: L), UB (nb x w: U transposed)
export const M_SNOF = 45; //   ptr  i32[ndof] supernode of each column
export const M_REL = 46; //    ptr  i32[ndof] work: local row of a global row in the current supernode
export const M_LNK = 47; //    ptr  i32[3 nsn] work: linked lists of the updating supernodes (head, next, position)
export const M_FST = 48; //    i32  factor status: 0 ok, else 1 + the column of a zero or non-finite pivot
export const M_LU32 = 57; //   ptr  f32[...] the panels rounded to f32 (microFactor): the triangular solves read these (the
//                                   factor is a preconditioner; f32 halves the memory each GMRES iteration streams)
// ---- GMRES (right-preconditioned by the LU, restarted) ----
export const M_GMV = 49; //    ptr  f64[(GMM+1) ndof] Krylov basis
export const M_GMH = 50; //    ptr  f64[(GMM+1) (GMM+4)] Hessenberg, rotations, right-hand side
export const M_GMW = 51; //    ptr  f64[2 ndof] work vectors
export const M_GMM = 52; //    i32  restart length
export const M_GMMAX = 53; //  i32  iteration limit
export const M_GMTOL = 54; //  f64  relative tolerance on |W r|
export const M_GMIT = 55; //   i32  output: iterations of the last solve
export const M_GMRES = 56; //  f64  output: relative residual reached
export const M_NVB = 58; //    i32  row groups of the Jacobian (a mesh vertex's unknowns: rows with the same columns)
export const M_VBLK = 59; //   ptr  i32[nvb+1] first row of each group

// ---- scalars (scaled units) ----
export const M_DT = 60; //     f64  time step [R^2/D]
export const M_C0 = 61; //     f64  c0 / c_max
export const M_LAM = 62; //    f64  LAM = E_AM Omega^2 c_max / (R_gas T)
export const M_JS = 63; //     f64  JS = J_s R / (D c_max)
export const M_K0 = 64; //     f64  k0 R / E_AM
export const M_Y0 = 65; //     f64  Y0 / (E_AM eps_s^2 R)
export const M_H = 66; //      f64  H / (E_AM eps_s^2 R)
export const M_NEXP = 67; //   f64  n of f_d = (1 - d)^n
export const M_LAM1 = 68; //   f64  Lame lambda of the AM / E_AM
export const M_MU1 = 69; //    f64  shear modulus of the AM / E_AM
export const M_LAM2 = 70; //   f64  Lame lambda of the SE / E_AM
export const M_MU2 = 71; //    f64  shear modulus of the SE / E_AM
export const M_WX = 72; //     f64  Omega_t / Omega, xx (2/3)
export const M_WY = 73; //     f64  yy (-1/3)
export const M_WZ = 74; //     f64  zz (2/3)
export const M_KSP = 75; //    f64  right-side spring K R / (L E_AM) (distributed traction -K/L u_x, eq 49)
export const M_RIGHT = 76; //  ptr  i32[nr] right-side nodes
export const M_RIGHTW = 77; // ptr  f64[nr] their length weights [R]
export const M_NRIGHT = 78; // i32  right-side nodes
// ---- outputs ----
export const M_DUMAX = 80; //  f64  max |du| of the last update [R eps_s]  (microUpdate)
export const M_DCMAX = 81; //  f64  max |dc^| [c_max]
export const M_DPMAX = 82; //  f64  max |dp'| [E Omega^2 c_max]
export const M_WORST = 83; //  i32  node of the largest |dc^| (or |du| without c)
export const M_RMAX = 84; //   f64  max |W r| of the last residual (microAssemble; W from the last factorisation)
export const M_CSURF = 85; //  f64  interface average of c / c_max (eq 29)  (microStats)
export const M_CBULK = 86; //  f64  area average of c / c_max (eq 33)
export const M_CMAXN = 87; //  f64  max c / c_max
export const M_DAVG = 88; //   f64  length-averaged damage <d>
export const M_DMAX = 89; //   f64  max d
export const M_VMAM = 90; //   f64  max von Mises over the AM elements [E eps_s]
export const M_VMSE = 91; //   f64  max von Mises over the SE elements [E eps_s]
export const M_PLEN = 92; //   f64  interface length P_h [R]
export const M_AREA = 93; //   f64  particle area A_h [R^2]
export const M_NONFIN = 94; // i32  microAssemble: 1 + an unknown whose residual is not finite, 0: all finite

// ---- one interface point alone (microCohesive; tests of the traction-separation-damage law) ----
export const M_TGN = 96; //    f64  input: normal gap [R eps_s]
export const M_TGT = 97; //    f64  input: tangential gap
export const M_TDOLD = 98; //  f64  input: damage at the last accepted step
export const M_TD = 99; //     f64  output: damage
export const M_TTN = 100; //   f64  output: normal traction [E eps_s]
export const M_TTT = 101; //   f64  output: tangential traction
export const M_TKNN = 102; //  f64  output: d t_n / d g_n
export const M_TKNT = 103; //  f64  output: d t_n / d g_t
export const M_TKTN = 104; //  f64  output: d t_t / d g_n
export const M_TKTT = 105; //  f64  output: d t_t / d g_t
export const M_TY = 106; //    f64  output: damage driving force Y at the returned damage (eq 23) [E eps_s^2 R]

export const HEADER_SLOTS = 112;
/** f64 per Gauss point in GP: dN/dx[4], dN/dy[4], w det J */
export const GPW = 9;
