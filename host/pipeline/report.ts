/**
 * The one-page report of a pipeline run (report.html): microstructure -> compaction -> transport -> cell
 * on one page, so a reader sees which structure gave which capacity. Self-contained: inline CSS, the PNGs
 * as base64 data URIs, no script, no link to anything outside the file.
 */
import { toBase64 } from "../io/b64.js";
import type { PipelineResult } from "./engine.js";
import { pipelineScalars } from "./summary.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number as a reader wants it: 4 significant digits, exponent only where needed. */
function num(x: number | undefined, digits = 4): string {
  if (x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(digits - 1) : Number(x.toPrecision(digits)).toString();
}

function table(head: string[], rows: (string | number | undefined)[][]): string {
  const cell = (v: string | number | undefined) => (typeof v === "number" ? num(v) : esc(v ?? "–"));
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

export interface ReportImage {
  file: string;
  png: Uint8Array;
  caption: string;
  /** draw at this CSS width (small voxel slices are scaled up without smoothing) */
  width?: number;
  pixelated?: boolean;
}

function figure(img: ReportImage | undefined): string {
  if (!img) return "";
  const style = `${img.width ? `width:${img.width}px;` : ""}${img.pixelated ? "image-rendering:pixelated;" : ""}`;
  return `<figure><img alt="${esc(img.caption)}" style="${style}" src="data:image/png;base64,${toBase64(img.png)}"><figcaption>${esc(img.caption)} <span class="f">(${esc(img.file)})</span></figcaption></figure>`;
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1120px;margin:24px auto;padding:0 16px;color:#222}
h1{font-size:1.5em;margin-bottom:0}h2{font-size:1.15em;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:28px}
.sub{color:#666;margin-top:4px}.kpi{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.kpi div{background:#f4f6f8;border-radius:6px;padding:8px 12px;min-width:140px}.kpi b{display:block;font-size:1.25em}
.kpi span{color:#555;font-size:.85em}table{border-collapse:collapse;margin:8px 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
.row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}figure{margin:6px 0;max-width:540px}img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85em;color:#555;max-width:560px}.f{color:#999}.warn{color:#a40}code{font-size:.9em}`;

/** The report page; `images` by role: section, voxels, compaction, rates, discharge. */
export function reportHtml(
  r: PipelineResult,
  images: Partial<Record<"section" | "voxels" | "compaction" | "rates" | "discharge", ReportImage>>,
): string {
  const s = pipelineScalars(r);
  const kpi = (label: string, v: number | undefined, unit = "") =>
    v === undefined ? "" : `<div><b>${num(v, 3)}${unit ? ` ${unit}` : ""}</b><span>${esc(label)}</span></div>`;
  const rows = r.cell?.rows ?? [];
  const lo = rows.length ? rows.reduce((a, b) => (b.cRate < a.cRate ? b : a)) : undefined;
  const hi = rows.length ? rows.reduce((a, b) => (b.cRate > a.cRate ? b : a)) : undefined;
  const total = Object.values(r.timings_s).reduce((a, b) => a + (b ?? 0), 0);
  const parts: string[] = [];
  parts.push(
    `<h1>assbkit pipeline: ${esc(r.name)}</h1><p class="sub">assbkit ${esc(r.version)} · started at <b>${r.startedAt}</b>${r.pack && r.pack.source !== "generated" ? ` from <code>${esc(r.pack.source)}</code>` : r.startedAt === "transport" ? ` from <code>${esc(r.voxels.source)}</code>` : ""} · ${num(total, 3)} s of compute (${Object.entries(
      r.timings_s,
    )
      .map(([k, t]) => `${k} ${num(t ?? 0, 2)} s`)
      .join(", ")})</p>`,
  );
  parts.push(
    `<div class="kpi">${kpi("particles", s.pack_particles)}${kpi("solid fraction under load", s.compact_solidFraction_loaded)}${kpi("solid fraction released", s.compact_solidFraction_released ?? s.compact_solidFraction_final)}${kpi("SE ε", s.se_eps)}${kpi("SE τ", s.se_tauFactor)}${kpi("AM ε", s.am_eps)}${kpi("AM τ", s.am_tauFactor)}${kpi("D_SCA", s.dSca_m * 1e6, "µm")}${lo ? kpi(`capacity at ${lo.cRate}C`, lo.capacity_mAh_g, "mAh/g") : ""}${hi && hi !== lo ? kpi(`capacity at ${hi.cRate}C`, hi.capacity_mAh_g, "mAh/g") : ""}</div>`,
  );

  // 1. microstructure
  parts.push("<h2>1. Microstructure</h2>");
  if (r.pack) {
    const p = r.pack.summary;
    parts.push(
      table(
        ["packing", "particles", "AM", "SE", "AM mass fraction", "solid fraction", "height [µm]"],
        [[r.pack.source, p.particles, p.am, p.se, p.amMassFraction, p.solidFraction, p.height_m * 1e6]],
      ),
    );
  }
  parts.push(`<div class="row">${figure(images.section)}${figure(images.voxels)}</div>`);

  // 2. compaction
  if (r.compact) {
    parts.push("<h2>2. Compaction (DEM)</h2>");
    const stageRows = r.compact.stages.map((st, k) => {
      if (st.type === "uniaxial")
        return [
          `${k + 1}: uniaxial`,
          st.loaded.pressure_Pa / 1e6,
          st.loaded.solidFraction,
          st.released.solidFraction,
          st.loaded.meanCoordination,
          st.wallClock_s,
        ];
      if (st.type === "isostatic")
        return [
          `${k + 1}: isostatic`,
          st.settled.facePressure_Pa[4] / 1e6,
          st.settled.solidFraction,
          undefined,
          st.settled.meanCoordination,
          st.wallClock_s,
        ];
      if (st.type === "cycle") {
        const c = st.states.at(-1);
        return [
          `${k + 1}: cycle (${st.states.length} states)`,
          undefined,
          c?.solidFraction,
          undefined,
          c?.meanCoordination,
          st.wallClock_s,
        ];
      }
      return [`${k + 1}: ${st.type}`, undefined, undefined, undefined, undefined, st.wallClock_s];
    });
    parts.push(
      `<div class="row"><div>${table(["stage", "pressure [MPa]", "solid fraction (loaded)", "solid fraction (released)", "coordination", "time [s]"], stageRows)}${table(
        ["final state", "solid fraction", "height [µm]", "AM–SE reaction area [µm²]", "SE coverage of AM"],
        [
          [
            "after the last stage",
            s.compact_solidFraction_final,
            s.compact_height_m_final * 1e6,
            s.compact_reactionArea_m2 * 1e12,
            s.compact_seCoverage,
          ],
        ],
      )}</div>${figure(images.compaction)}</div>`,
    );
  }

  // 3. transport
  parts.push("<h2>3. Voxels and transport (through-plane, z)</h2>");
  const v = r.voxels;
  parts.push(
    table(
      ["volume", "voxels (z × y × x)", "voxel [µm]", "AM", "SE", "pore", "AM–SE area [µm²]", "D_SCA [µm]"],
      [
        [
          v.source,
          v.shape.join(" × "),
          v.voxelSize_m * 1e6,
          v.fractions.AM,
          v.fractions.SE,
          v.fractions.pore,
          v.surface.areaAmSe_m2 * 1e12,
          v.surface.dSca_m * 1e6,
        ],
      ],
    ),
  );
  const tr = (name: string, t: PipelineResult["transport"]["se"]) =>
    t
      ? [name, t.eps, t.tauFactor, t.deffRel, t.percolatingFraction, `${t.solve.iterations} it, ${t.solve.residual.toExponential(1)}`]
      : undefined;
  parts.push(
    table(
      ["network", "ε", "τ = ε / (D_eff/D)", "D_eff/D (σ_eff/σ)", "percolating fraction", "solve"],
      [tr("SE (ionic)", r.transport.se), tr("AM (electronic)", r.transport.am)].filter((x) => x !== undefined),
    ),
  );

  // 4. cell
  if (r.cell) {
    const c = r.cell;
    parts.push(`<h2>4. Cell: ${esc(c.params.name)} with this microstructure</h2>`);
    const cc = r.config.cell;
    const R = cc?.microstructure === false ? "R (set)" : cc?.radiusFrom === "d50" ? "R = D50/2" : "R = D_SCA/2";
    parts.push(
      table(
        ["κ_eff [S/m]", "σ_eff [S/m]", `${R} [µm]`, "L_c [µm]", "ε_AM", "ε_SE", "1C [A/m²]", "cut-off [V]", "grid nx × nr"],
        [
          [
            c.derived.kappaEff_S_m,
            c.derived.sigmaEff_S_m,
            c.derived.radius_m * 1e6,
            c.derived.thickness_m * 1e6,
            c.derived.epsAM,
            c.derived.epsSE,
            c.derived.oneC_A_m2,
            c.cutoff_V,
            `${c.numerics.nx} × ${c.numerics.nr}`,
          ],
        ],
      ),
    );
    parts.push(
      table(
        ["C-rate", "current [A/m²]", "capacity [Ah/m²]", "capacity [mAh/g]", "of the lowest rate's", "time [s]", "ended by"],
        c.rows.map((row) => [
          row.cRate,
          row.current_A_m2,
          row.capacity_Ah_m2,
          row.capacity_mAh_g,
          lo && lo.capacity_Ah_m2 > 0 ? row.capacity_Ah_m2 / lo.capacity_Ah_m2 : undefined,
          row.time_s,
          row.termination,
        ]),
      ),
    );
    parts.push(`<div class="row">${figure(images.rates)}${figure(images.discharge)}</div>`);
  }
  if (r.warnings.length) parts.push(`<h2>Warnings</h2><ul class="warn">${r.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`);
  parts.push(
    `<h2>Files</h2><p>Beside this page: <code>result.json</code> (every stage's numbers; <code>scalars</code>: the flat outputs), the PNGs above, and one folder per stage: ${[
      r.pack && "pack",
      r.compact && "compact",
      "voxels",
      "transport",
      r.cell && "cell",
    ]
      .filter(Boolean)
      .map((d) => `<code>${d}/</code>`)
      .join(", ")} with the files the stage's own command writes.</p>`,
  );
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>assbkit pipeline: ${esc(r.name)}</title><style>${CSS}</style></head><body>\n${parts.join("\n")}\n</body></html>\n`;
}
