/**
 * What a pipeline run is worth keeping small: flat named scalars (one column each in a study's results
 * table; units in the names, SI) and the summary that result.json holds (every stage's numbers, none of
 * its bulk: no particles, voxels or time series — those are the stage folders' files). Timings are not
 * scalars: they differ between identical runs.
 */
import type { CompactStageResult } from "../dem/compact.js";
import type { TransportResult } from "../transport/tortuosity.js";
import { type PipelineResult, solidFraction } from "./engine.js";

/** Layout version of result.json (raise it when a reader of the previous one would misread it). */
export const PIPELINE_RESULT_FORMAT = 1;

/** "0.1" -> "0p1": a C-rate in a column name (no dots, which SQL would read as a table qualifier). */
export const rateTag = (c: number) => `${String(c).replace(".", "p").replace("-", "m").replace("+", "")}C`;

function transportScalars(prefix: string, r: TransportResult | undefined, rel: string): Record<string, number> {
  if (!r) return {};
  return {
    [`${prefix}_eps`]: r.eps,
    [`${prefix}_tauFactor`]: r.tauFactor,
    [`${prefix}_${rel}`]: r.deffRel,
    [`${prefix}_percolatingFraction`]: r.percolatingFraction,
  };
}

/** The first uniaxial stage: pressure and solid fraction under load and after release. */
function uniaxialScalars(stages: CompactStageResult[]): Record<string, number> {
  const u = stages.find((s) => s.type === "uniaxial");
  if (u?.type !== "uniaxial") return {};
  return {
    compact_pressure_Pa_loaded: u.loaded.pressure_Pa,
    compact_solidFraction_loaded: u.loaded.solidFraction,
    compact_coordination_loaded: u.loaded.meanCoordination,
    compact_solidFraction_released: u.released.solidFraction,
    compact_height_m_released: u.released.height_m,
  };
}

/**
 * Flat scalar outputs, SI with the unit in the name (none for ratios): pack_*, compact_*, voxels_*,
 * surface (dSca_m, amSe_*), se_* and am_* (transport), cell_* (derived parameters, and per C-rate
 * cell_capacity_Ah_m2_at_<rate>C, cell_capacity_mAh_g_at_<rate>C, cell_capacityRetention_at_<rate>C =
 * capacity / the capacity at the lowest rate). A stage that did not run gives no scalars.
 */
export function pipelineScalars(r: PipelineResult): Record<string, number> {
  const out: Record<string, number> = {};
  if (r.pack) {
    const s = r.pack.summary;
    Object.assign(out, {
      pack_particles: s.particles,
      pack_amParticles: s.am,
      pack_seParticles: s.se,
      pack_solidFraction: s.solidFraction,
      pack_height_m: s.height_m,
    });
    if (s.amMassFraction !== undefined) out.pack_amMassFraction = s.amMassFraction;
  }
  if (r.compact) {
    const c = r.compact;
    const last = c.stages.at(-1);
    const rep = last ? Object.values(last.reports).at(-1) : undefined;
    Object.assign(out, uniaxialScalars(c.stages), {
      compact_solidFraction_final: solidFraction(c.packing),
      compact_height_m_final: c.packing.box.hi_m[2] - c.packing.box.lo_m[2],
    });
    if (rep) {
      out.compact_reactionArea_m2 = rep.areas.reactionArea_m2;
      out.compact_seCoverage = rep.areas.seCoverage;
    }
  }
  const v = r.voxels;
  Object.assign(out, {
    voxels_count: v.shape.reduce((a, b) => a * b, 1),
    voxels_size_m: v.voxelSize_m,
    voxels_AM_fraction: v.fractions.AM,
    voxels_SE_fraction: v.fractions.SE,
    voxels_pore_fraction: v.fractions.pore,
    dSca_m: v.surface.dSca_m,
    amSe_area_m2: v.surface.areaAmSe_m2,
    amSe_specificArea_per_m: v.surface.specificAmSe_per_m,
  });
  Object.assign(out, transportScalars("se", r.transport.se, "deffRel"), transportScalars("am", r.transport.am, "sigmaEffRel"));
  if (r.cell) {
    const c = r.cell;
    Object.assign(out, {
      cell_kappaEff_S_m: c.derived.kappaEff_S_m,
      cell_sigmaEff_S_m: c.derived.sigmaEff_S_m,
      cell_radius_m: c.derived.radius_m,
      cell_thickness_m: c.derived.thickness_m,
      cell_amLoading_kg_m2: c.derived.amMass_kg_m2,
      cell_oneC_A_m2: c.derived.oneC_A_m2,
      cell_cutoff_V: c.cutoff_V,
    });
    const low = c.rows.reduce((a, b) => (b.cRate < a.cRate ? b : a), c.rows[0]);
    for (const row of c.rows) {
      const t = rateTag(row.cRate);
      out[`cell_capacity_Ah_m2_at_${t}`] = row.capacity_Ah_m2;
      out[`cell_capacity_mAh_g_at_${t}`] = row.capacity_mAh_g;
      out[`cell_capacityRetention_at_${t}`] = low.capacity_Ah_m2 > 0 ? row.capacity_Ah_m2 / low.capacity_Ah_m2 : Number.NaN;
    }
  }
  return out;
}

/** A compaction stage without its bulk (state reports, curves): the numbers a summary keeps. */
function stageSummary(st: CompactStageResult): Record<string, unknown> {
  const { reports, curve: _c, ...rest } = st as CompactStageResult & { curve?: unknown };
  return { ...rest, areas: Object.fromEntries(Object.entries(reports).map(([k, rep]) => [k, rep.areas])) };
}

/** The JSON-ready summary of a run (result.json, format PIPELINE_RESULT_FORMAT). */
export function pipelineSummary(r: PipelineResult): Record<string, unknown> {
  const { volume: _v, ...voxels } = r.voxels;
  return {
    kind: r.kind,
    format: PIPELINE_RESULT_FORMAT,
    version: r.version,
    name: r.name,
    config: r.config,
    startedAt: r.startedAt,
    scalars: pipelineScalars(r),
    ...(r.pack ? { pack: { source: r.pack.source, summary: r.pack.summary, box: r.pack.packing.box } } : {}),
    ...(r.compact
      ? {
          compact: {
            stages: r.compact.stages.map(stageSummary),
            finalBox: r.compact.packing.box,
            particleSteps_per_s: r.compact.particleSteps_per_s,
            warnings: r.compact.warnings,
          },
        }
      : {}),
    voxels,
    transport: r.transport,
    ...(r.cell
      ? {
          cell: {
            params: r.cell.params,
            derived: r.cell.derived,
            cutoff_V: r.cell.cutoff_V,
            numerics: r.cell.numerics,
            rows: r.cell.rows,
          },
        }
      : {}),
    timings_s: r.timings_s,
    warnings: r.warnings,
  };
}
