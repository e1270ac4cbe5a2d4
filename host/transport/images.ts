/**
 * Current and resistance of 2D conductor images (paper 002): each image is a unit square of
 * conductivity sigma (1 S/m) where the pixel conducts and 0 elsewhere, held at a potential
 * difference V (1 V) across `axis`; I = sigma V D_eff/D (per unit thickness), R = V / I. One solver
 * workspace serves the whole batch (no per-image set-up); optional worker threads split the batch.
 */
import type { TransportKernels } from "../core/wasm.js";
import { ConfigError, inputError } from "../config/errors.js";
import { GridSolver, userSolverOptions, type SolverOptions } from "./solver.js";
import { fillSigma, gridOrder } from "./tortuosity.js";
import type { Volume } from "./volume_type.js";

export interface ImageBatchOptions {
  /** Image axis the potential difference is applied across (0: between the first and last row). */
  axis: 0 | 1;
  /** Pixel codes that conduct (default: every non-zero code). */
  conductorCodes?: number[];
  sigma_S_m?: number;
  voltage_V?: number;
  solver?: Partial<SolverOptions>;
}

export interface ImageResult {
  index: number;
  conductiveFraction: number;
  deffRel: number;
  current_A: number;
  resistance_ohm: number;
  percolates: boolean;
  status: string;
  iterations: number;
  residual: number;
}

/** The conductor table (code -> 1 where the pixel conducts) of a batch; sigma scales the current afterwards. */
function conductorTable(codes: number[] | undefined): Float64Array {
  const t = new Float64Array(256);
  if (codes)
    for (const c of codes) {
      if (!Number.isInteger(c) || c < 0 || c > 255) throw inputError("transport-images: conductor code", c, "an integer 0-255");
      t[c] = 1;
    }
  else for (let c = 1; c < 256; c++) t[c] = 1;
  return t;
}

/**
 * Refuses the default conductor (every non-zero code) for images [first, last) that hold more than one
 * non-zero code, e.g. the AM and SE of a pore/AM/SE volume, which it would join into one conductor.
 */
export function checkConductors(batch: Volume, codes: number[] | undefined, first = 0, last?: number): void {
  if (codes) return;
  const [B, H, W] = checkBatch(batch);
  const seen = new Uint8Array(256),
    data = batch.data;
  for (let i = first * H * W, end = Math.min(B, last ?? B) * H * W; i < end; i++) seen[data[i]] = 1;
  const nonzero = [...seen.keys()].filter((c) => c > 0 && seen[c]);
  if (nonzero.length > 1) {
    const named = nonzero.map((c) => (batch.phases[c] ? `${c} = ${batch.phases[c]}` : String(c))).join(", ");
    throw new ConfigError(
      `transport-images: the images hold ${nonzero.length} non-zero codes (${named}); the default conductor (every non-zero code) would make them one conductor: name the conducting codes (--conductor, conductorCodes), e.g. ${nonzero[nonzero.length - 1]}`,
    );
  }
}

export function checkBatch(b: Volume): [number, number, number] {
  if (b.shape.length === 2) return [1, b.shape[0], b.shape[1]];
  if (b.shape.length !== 3)
    throw new ConfigError(`transport-images: shape = ${JSON.stringify(b.shape)}: expected [images, rows, cols] or [rows, cols]`);
  return b.shape as [number, number, number];
}

/** Solves images [first, last) of a batch [B, H, W]. */
export function solveImages(
  k: TransportKernels,
  batch: Volume,
  o: ImageBatchOptions,
  first = 0,
  last?: number,
  onProgress?: (done: number, total: number) => void,
): ImageResult[] {
  const [B, H, W] = checkBatch(batch);
  if (o.axis !== 0 && o.axis !== 1)
    throw inputError("transport-images: axis", o.axis, "0 (across the rows) or 1 (across the columns) of each image");
  const sigma = o.sigma_S_m ?? 1,
    V = o.voltage_V ?? 1;
  if (!(sigma > 0 && Number.isFinite(sigma))) throw inputError("transport-images: sigma_S_m", sigma, "a conductivity > 0", "S/m");
  if (!(V > 0 && Number.isFinite(V))) throw inputError("transport-images: voltage_V", V, "a potential difference > 0", "V");
  const unit = conductorTable(o.conductorCodes);
  checkConductors(batch, o.conductorCodes, first, last);
  // small 2D grids: the V-cycle costs less per image than the K-cycle for the same accuracy (measured)
  const opts = userSolverOptions({ cycle: "V" as const, ...(o.solver ?? {}) });
  const { shape3 } = gridOrder([H, W], o.axis);
  const solver = new GridSolver(k, shape3, [false, false], opts);
  const out: ImageResult[] = [];
  const end = Math.min(B, last ?? B);
  try {
    for (let b = first; b < end; b++) {
      const img = { shape: [H, W], data: batch.data.subarray(b * H * W, (b + 1) * H * W), phases: {} };
      let nc = 0;
      for (let p = 0; p < H * W; p++) if (unit[img.data[p]] > 0) nc++;
      fillSigma(img, o.axis, unit, solver.sigmaView());
      const s = solver.solve();
      const deff = s.status === "no-path" ? 0 : (s.current * shape3[0]) / (shape3[1] * shape3[2]);
      // unit square: I = sigma V (width/length) D_eff/D, width = length
      const I = sigma * V * deff;
      out.push({
        index: b,
        conductiveFraction: nc / (H * W),
        deffRel: deff,
        current_A: I,
        resistance_ohm: I > 0 ? V / I : Infinity,
        percolates: s.status !== "no-path",
        status: s.status,
        iterations: s.iterations,
        residual: s.residual,
      });
      onProgress?.(b + 1 - first, end - first);
    }
  } finally {
    solver.dispose();
  }
  return out;
}

/** The per-image results as a table (one row per image; `names`: the images' file names, as a column after the
 *  index): what `assb transport-images` writes and the dataset generators use as labels. */
export function imageResultsTable(rows: ImageResult[], names?: (string | undefined)[]): { columns: string[]; rows: (string | number)[][] } {
  const cols = ["conductive_fraction", "Deff_rel", "current_A", "resistance_ohm", "percolates", "status", "iterations", "residual"];
  return {
    columns: names ? ["index", "name", ...cols] : ["index", ...cols],
    rows: rows.map((r) => [
      r.index,
      ...(names ? [names[r.index] ?? ""] : []),
      r.conductiveFraction,
      r.deffRel,
      r.current_A,
      Number.isFinite(r.resistance_ohm) ? r.resistance_ohm : "Infinity",
      r.percolates ? 1 : 0,
      r.status,
      r.iterations,
      r.residual,
    ]),
  };
}
