/**
 * Cell parameters from a voxel microstructure (SPEC section 5: "measured eps and tau", paper 004
 * section 2.2): the transport results of the SE network and of the AM network (host/transport/
 * tortuosity.ts, TauFactor conventions tau = eps / (D_eff/D)) and the voxel surface statistics
 * (host/transport/voxelize.ts) become the overrides of a parameter set:
 *   SE volume fraction = eps_SE, SE tortuosity factor = tau_SE     -> kappa_eff = kappa eps_SE / tau_SE
 *   AM volume fraction = eps_AM (also the electron-conducting fraction), AM tortuosity factor = tau_AM
 *                                                                  -> sigma_eff = sigma eps_AM / tau_AM
 *   AM D_SCA = 6 V_AM / S_AM-SE                                    -> R = D_SCA / 2 (paper 004 eq 1-3)
 * and "Microstructure provenance" records what they came from (solver, axis, percolating fraction,
 * voxel counts). Both networks must percolate along the transport axis (separator to collector).
 */
import { ConfigError } from "../config/errors.js";
import type { TransportResult } from "../transport/tortuosity.js";
import type { SurfaceStats } from "../transport/voxelize.js";
import { parseCellParams, type CellParams } from "./params_core.js";

export interface MicrostructureInput {
  /** transport of the SE phase alone (binary mode), along the electrode axis */
  se: TransportResult;
  /** transport of the AM phase alone (binary mode), same volume and axis */
  am: TransportResult;
  /** voxel surface statistics of the same volume */
  surface: SurfaceStats;
}

/** Keys this function sets (loadCellParams overrides). */
export type MicrostructureOverrides = Record<string, unknown>;

function network(r: TransportResult, which: "SE" | "AM"): { eps: number; tau: number } {
  const where = `fromMicrostructure: ${which} network (phase ${r.phase}, axis ${r.axis})`;
  if (r.mode !== "binary")
    throw new ConfigError(
      `${where}: mode = "${r.mode}": expected a binary transport result of the ${which} phase alone (tau = eps / (D_eff/D)); a multi-phase tau is sigma_mean / sigma_eff`,
    );
  if (!(r.deffRel > 0) || !Number.isFinite(r.tauFactor)) {
    throw new ConfigError(
      `${where} does not percolate: tau = ${r.tauFactor}, D_eff/D = ${r.deffRel}: expected a network joined to both electrode faces (no ${which === "SE" ? "ionic" : "electronic"} path from the separator to the collector)`,
    );
  }
  if (!r.converged)
    throw new ConfigError(
      `${where}: the transport solve did not converge (${r.warnings.join("; ") || r.solve.status}): expected a converged result (tighten rtol or raise maxIterations)`,
    );
  if (!(r.eps > 0 && r.eps < 1)) throw new ConfigError(`${where}: eps = ${r.eps}: expected a volume fraction in (0, 1)`);
  // tau >= 1 for a phase (D_eff/D <= eps); a straight channel gives 1 up to the solver's round-off
  if (!(r.tauFactor >= 1 - 1e-6))
    throw new ConfigError(
      `${where}: tau = ${r.tauFactor}: expected a tortuosity factor >= 1 (D_eff/D = ${r.deffRel} exceeds eps = ${r.eps})`,
    );
  return { eps: r.eps, tau: Math.max(1, r.tauFactor) };
}

/**
 * The parameter overrides for a microstructure (see the file comment): pass them to
 * `loadCellParams(set, overrides)` (Node). With `base` (parsed CellParams) the merged, validated
 * parameters are returned instead, ready for resolveCellParams (no file access: browsers too).
 */
export function fromMicrostructure(m: MicrostructureInput): MicrostructureOverrides;
export function fromMicrostructure(m: MicrostructureInput, base: CellParams): CellParams;
export function fromMicrostructure(m: MicrostructureInput, base?: CellParams): MicrostructureOverrides | CellParams {
  const se = network(m.se, "SE"),
    am = network(m.am, "AM");
  if (m.se.axis !== m.am.axis || JSON.stringify(m.se.shape) !== JSON.stringify(m.am.shape)) {
    throw new ConfigError(
      `fromMicrostructure: SE result (shape ${JSON.stringify(m.se.shape)}, axis ${m.se.axis}) and AM result (shape ${JSON.stringify(m.am.shape)}, axis ${m.am.axis}): expected the same volume and axis`,
    );
  }
  const d = m.surface.dSca_m;
  if (!(d > 0 && Number.isFinite(d)))
    throw new ConfigError(`fromMicrostructure: surface.dSca_m = ${d}: expected a finite D_SCA > 0 [m] (no AM-SE interface in the volume?)`);
  const overrides: MicrostructureOverrides = {
    "Effective property method": "measured",
    "SE volume fraction in cathode": se.eps,
    "SE tortuosity factor (measured)": se.tau,
    "Active material volume fraction": am.eps,
    "Electronic conduction volume fraction": am.eps,
    "AM tortuosity factor (measured)": am.tau,
    // exactly one radius key: D_SCA (R = D_SCA / 2, paper 004)
    "Particle radius [m]": undefined,
    "AM median diameter [m]": undefined,
    "AM D_SCA [m]": d,
    "Microstructure provenance": {
      method:
        "fromMicrostructure: eps and tau of the SE and AM networks (binary transport, TauFactor conventions), D_SCA = 6 V_AM / S_AM-SE",
      axis: m.se.axis,
      shape: m.se.shape,
      periodicLateral: m.se.periodicLateral,
      se: {
        phase: m.se.phase,
        eps: m.se.eps,
        deffRel: m.se.deffRel,
        tauFactor: m.se.tauFactor,
        percolatingFraction: m.se.percolatingFraction,
        iterations: m.se.solve.iterations,
        residual: m.se.solve.residual,
      },
      am: {
        phase: m.am.phase,
        eps: m.am.eps,
        deffRel: m.am.deffRel,
        tauFactor: m.am.tauFactor,
        percolatingFraction: m.am.percolatingFraction,
        iterations: m.am.solve.iterations,
        residual: m.am.solve.residual,
      },
      surface: {
        dSca_m: d,
        areaAmSe_m2: m.surface.areaAmSe_m2,
        volumeAm_m3: m.surface.volumeAm_m3,
        specificAmSe_per_m: m.surface.specificAmSe_per_m,
        staircaseFactor: m.surface.staircaseFactor,
      },
    },
  };
  if (base === undefined) return overrides;
  return parseCellParams({ ...base, ...overrides });
}
