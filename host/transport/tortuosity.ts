/**
 * Effective conductivity / diffusivity and tortuosity factor of one phase of a labelled volume along
 * one axis, in the conventions of TauFactor (fixtures/transport/README.md):
 *   D_eff/D = sigma_eff/sigma = current * L / (A * dV), dV = 1;  tau = eps / (D_eff/D);  tau_sqrt = sqrt(tau)
 * (paper 003 writes the tortuosity as sqrt(eps/D_eff)); with several conducting phases ("multi"),
 * tau = sigma_mean / sigma_eff with sigma_mean = sum f_i sigma_i.
 */
import { resolveAxis, resolvePeriodic } from "./defaults.js";
import type { TransportKernels } from "../core/wasm.js";
import { ConfigError, inputError } from "../config/errors.js";
import { GridSolver, userSolverOptions, type SolverOptions, type GridSolve } from "./solver.js";
import { checkVolume, type Volume } from "./volume_type.js";

export interface TransportRequest {
  /** Binary problem: the conducting phase, by name ("SE") or code (2); sigma = 1 there, 0 elsewhere. */
  phase?: string | number;
  /** Multi-phase problem: conductivity per phase name or code [S/m] (phases not listed conduct 0). */
  sigma_S_m?: Record<string, number>;
  /** Transport axis of the volume (0, 1 or 2, or a name from meta.axes; 2D images: 0 or 1); default: the volume's transport_axis, else 0. */
  axis?: number | string;
  /** Periodic lateral faces instead of no-flux; default: along z, the volume's periodicXY (a voxelized DEM box), else no-flux. */
  periodic?: boolean;
  solver?: Partial<SolverOptions>;
}

export interface TransportResult {
  mode: "binary" | "multi";
  phase: string;
  codes: number[];
  axis: number;
  periodicLateral: boolean;
  /** where the axis and the lateral periodicity came from: "request", "the volume's transport_axis" / "periodicXY", "default" */
  axisSource?: string;
  periodicSource?: string;
  shape: number[];
  /** Volume fraction of the conducting phase(s), dead ends and isolated voxels included. */
  eps: number;
  /** Fraction of the phase's voxels joined to both electrode faces. */
  percolatingFraction: number;
  /** D_eff/D = sigma_eff/sigma (binary) or sigma_eff [S/m] / 1 S/m (multi). */
  deffRel: number;
  tauFactor: number;
  tauSqrt: number;
  sigmaMean_S_m?: number;
  sigmaEff_S_m?: number;
  converged: boolean;
  solve: GridSolve;
  warnings: string[];
}

function phaseCode(v: Volume, key: string | number, field: string): number {
  if (typeof key === "number" || /^\d+$/.test(String(key))) {
    const code = Number(key);
    if (!Number.isInteger(code) || code < 0 || code > 255)
      throw new ConfigError(`transport: ${field} = ${JSON.stringify(key)}: expected a phase code 0-255 or a phase name`);
    return code;
  }
  const hit = Object.entries(v.phases).find(([, name]) => name.toLowerCase() === String(key).toLowerCase());
  if (!hit)
    throw new ConfigError(
      `transport: ${field} = ${JSON.stringify(key)}: unknown phase; the volume has ${
        Object.entries(v.phases)
          .map(([c, nm]) => `${c}=${nm}`)
          .join(", ") || "no phase names (use a code)"
      }`,
    );
  return Number(hit[0]);
}

/** Internal grid order: transport axis first, then the other axes in increasing order. */
export function gridOrder(shape: number[], axis: number): { shape3: [number, number, number]; strides: [number, number, number] } {
  const s3 = shape.length === 2 ? [1, shape[0], shape[1]] : shape;
  const a3 = shape.length === 2 ? axis + 1 : axis;
  const st = [s3[1] * s3[2], s3[2], 1];
  const others = [0, 1, 2].filter((d) => d !== a3);
  return { shape3: [s3[a3], s3[others[0]], s3[others[1]]], strides: [st[a3], st[others[0]], st[others[1]]] };
}

/** Fills `out` (internal order) with sigma[code] of every voxel (a Uint8Array: a binary table's 0/1). */
export function fillSigma(v: Volume, axis: number, table: Float64Array, out: Float64Array | Uint8Array): void {
  const {
    shape3: [n0, n1, n2],
    strides: [t0, t1, t2],
  } = gridOrder(v.shape, axis);
  const data = v.data;
  let c = 0;
  for (let i = 0; i < n0; i++)
    for (let j = 0; j < n1; j++) {
      const base = i * t0 + j * t1;
      for (let k = 0; k < n2; k++) out[c++] = table[data[base + k * t2]];
    }
}

export function validateRequest(
  v: Volume,
  req: TransportRequest & { axis: number },
): { table: Float64Array; codes: number[]; name: string; mode: "binary" | "multi" } {
  checkVolume(v);
  if (!Number.isInteger(req.axis) || req.axis < 0 || req.axis >= v.shape.length) {
    throw inputError(
      "transport: axis",
      req.axis,
      `an integer 0-${v.shape.length - 1} for a ${v.shape.length}D volume of shape ${JSON.stringify(v.shape)}`,
    );
  }
  const table = new Float64Array(256);
  const present = new Uint8Array(256);
  for (let i = 0; i < v.data.length; i++) present[v.data[i]] = 1;
  if (req.sigma_S_m) {
    const codes: number[] = [];
    for (const [key, s] of Object.entries(req.sigma_S_m)) {
      if (!(typeof s === "number" && Number.isFinite(s) && s >= 0))
        throw inputError(`transport: sigma_S_m.${key}`, s, "a conductivity >= 0", "S/m");
      const code = phaseCode(v, key, `sigma_S_m.${key}`);
      table[code] = s;
      codes.push(code);
    }
    if (!codes.some((c) => present[c] && table[c] > 0))
      throw new ConfigError(`transport: sigma_S_m = ${JSON.stringify(req.sigma_S_m)}: no conducting phase occurs in the volume`);
    return { table, codes, name: Object.keys(req.sigma_S_m).join("+"), mode: "multi" };
  }
  if (req.phase === undefined)
    throw new ConfigError("transport: phase = missing: name the conducting phase (e.g. SE) or give sigma_S_m per phase");
  const code = phaseCode(v, req.phase, "phase");
  if (!present[code])
    throw new ConfigError(
      `transport: phase = ${JSON.stringify(req.phase)} (code ${code}): the phase is empty in this volume (codes present: ${[...present.keys()].filter((c) => present[c]).join(", ")})`,
    );
  table[code] = 1;
  return { table, codes: [code], name: v.phases[code] ?? String(code), mode: "binary" };
}

/** Solves one phase / axis of a volume. */
export function transport(k: TransportKernels, v: Volume, req: TransportRequest): TransportResult {
  checkVolume(v);
  const { axis, source: axisSource } = resolveAxis(v, "volume", req.axis, "transport: axis");
  const { table, codes, name, mode } = validateRequest(v, { ...req, axis });
  const { periodic, source: periodicSource } = resolvePeriodic(v, "volume", axis, req.periodic, "request");
  const { shape3 } = gridOrder(v.shape, axis);
  const opts = userSolverOptions(req.solver);
  const solver = new GridSolver(k, shape3, [periodic, periodic], opts);
  try {
    fillSigma(v, axis, table, solver.sigmaView());
    const s = solver.solve();
    return {
      ...summarize(v, axis, periodic, mode, name, codes, table, s),
      axisSource: axisSource === "transport: axis" ? "request" : axisSource,
      periodicSource,
    };
  } finally {
    solver.dispose();
  }
}

export function summarize(
  v: Volume,
  axis: number,
  periodic: boolean,
  mode: "binary" | "multi",
  name: string,
  codes: number[],
  table: Float64Array,
  s: GridSolve,
): TransportResult {
  const {
    shape3: [n0, n1, n2],
  } = gridOrder(v.shape, axis);
  const counts = new Float64Array(256);
  for (let i = 0; i < v.data.length; i++) counts[v.data[i]]++;
  const n = v.data.length;
  const nPhase = codes.reduce((a, c) => a + (table[c] > 0 ? counts[c] : 0), 0);
  const eps = nPhase / n;
  const warnings: string[] = [];
  // the current from the dissipated power: second order in the error of the potential (solver.ts, GridSolve.current)
  const deffRel = s.status === "no-path" ? 0 : (s.current * n0) / (n1 * n2);
  let tau: number;
  let sigmaMean: number | undefined;
  if (mode === "multi") {
    sigmaMean = codes.reduce((a, c) => a + (counts[c] / n) * table[c], 0);
    tau = deffRel > 0 ? sigmaMean / deffRel : Infinity;
  } else tau = deffRel > 0 ? eps / deffRel : Infinity;
  if (s.status === "no-path")
    warnings.push(`phase ${name} does not percolate along axis ${axis}: no voxel path joins the two faces; D_eff = 0, tau = Infinity`);
  if (s.status === "not-converged")
    warnings.push(
      s.stop === "tau"
        ? `not converged: tau not known to ${s.tauRtol} after ${s.iterations} iterations (${s.method}, relative residual ${s.residual.toExponential(2)}); raise maxIterations or loosen tauRtol`
        : `not converged: relative residual ${s.residual.toExponential(2)} > rtol ${s.rtol} after ${s.iterations} iterations (${s.method}); raise maxIterations or loosen rtol`,
    );
  if (s.status === "breakdown")
    warnings.push(
      `solver breakdown (${s.method}) after ${s.iterations} iterations, residual ${s.residual}: check the conductivities for NaN`,
    );
  return {
    mode,
    phase: name,
    codes,
    axis,
    periodicLateral: periodic,
    shape: v.shape,
    eps,
    percolatingFraction: nPhase > 0 ? s.nPercolating / nPhase : 0,
    deffRel,
    tauFactor: tau,
    tauSqrt: Math.sqrt(tau),
    ...(mode === "multi" ? { sigmaMean_S_m: sigmaMean, sigmaEff_S_m: deffRel } : {}),
    converged: s.status === "converged" || s.status === "no-path",
    solve: s,
    warnings,
  };
}

/** JSON with Infinity/NaN spelled out (JSON has no literal for them). */
export function resultJson(x: unknown): string {
  return JSON.stringify(x, (_k, val) => (typeof val === "number" && !Number.isFinite(val) ? String(val) : val), 1);
}
