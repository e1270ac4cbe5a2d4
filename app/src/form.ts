// The forms as a pipeline config (the same object a pipeline YAML holds; units converted to SI here), checked
// by the same schema `assb run` uses before anything runs, with each refusal shown beside its field.
import { parsePipelineConfig } from "../../host/pipeline/config.js";
import { errorField } from "../../host/browser/protocol.js";

/** Form fields given in um (their config values are in m). */
const MICRONS = new Set([
  "pack.am.size.min_m",
  "pack.am.size.max_m",
  "pack.am.size.median_m",
  "pack.se.size.min_m",
  "pack.se.size.max_m",
  "pack.se.size.median_m",
  "pack.box.lx_m",
  "voxelize.voxelSize_m",
]);

/** A phase's size distribution from its fields: uniform in [min, max], or log-normal by number truncated to it. */
function sizeDist(form: HTMLFormElement, phase: "am" | "se", n: (f: HTMLFormElement, k: string) => number): Record<string, unknown> {
  const k = `pack.${phase}.size`;
  const dist = (form.elements.namedItem(`${k}.dist`) as HTMLSelectElement).value;
  const range = { min_m: n(form, `${k}.min_m`), max_m: n(form, `${k}.max_m`) };
  return dist === "lognormal"
    ? { dist, median_m: n(form, `${k}.median_m`), sigma: n(form, `${k}.sigma`), ...range }
    : { dist: "uniform", ...range };
}

/** The stages after the uniaxial pressing: none, an isostatic box (pressure on all six faces), or that and AM swelling cycles. */
function nextStage(form: HTMLFormElement, n: (f: HTMLFormElement, k: string) => number): Record<string, unknown>[] {
  const next = (form.elements.namedItem("compact.next") as HTMLSelectElement).value;
  if (next === "none") return [];
  // the cycles run in the servo box of the isostatic stage before them (paper 003 §2.1.3)
  const iso = { type: "isostatic", pressure_Pa: n(form, "compact.stages.1.pressure_Pa") * 1e6 };
  if (next === "isostatic") return [iso];
  return [
    iso,
    {
      type: "cycle",
      material: "AM",
      diameterStrain: n(form, "compact.stages.2.diameterStrain"),
      cycles: n(form, "compact.stages.2.cycles"),
    },
  ];
}

export interface FormResult {
  /** the pipeline config input (SI numbers), undefined when a field is refused */
  config?: Record<string, unknown>;
  /** one line per refused field, keyed by the field's name (a config path) */
  errors: Map<string, string>;
}

function value(form: HTMLFormElement, name: string, errors: Map<string, string>): number {
  const el = form.elements.namedItem(name) as HTMLInputElement;
  const v = el.value.trim() === "" ? Number.NaN : Number(el.value);
  if (!Number.isFinite(v)) errors.set(name, `${name}: '${el.value}' is not a number`);
  return MICRONS.has(name) ? v * 1e-6 : v;
}

export function readForms(pack: HTMLFormElement, compact: HTMLFormElement): FormResult {
  const errors = new Map<string, string>();
  const n = (f: HTMLFormElement, k: string) => value(f, k, errors);
  const ratesText = (compact.elements.namedItem("cell.rates") as HTMLInputElement).value;
  const rates = ratesText.split(",").map((s) => Number(s.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isFinite(r)))
    errors.set("cell.rates", `cell.rates: '${ratesText}' is not a list of numbers [C]`);
  const L = n(pack, "pack.box.lx_m");
  const config = {
    name: "app",
    pack: {
      kind: "3d",
      seed: n(pack, "pack.seed"),
      particles: n(pack, "pack.particles"),
      amMassFraction: n(pack, "pack.amMassFraction"),
      initialSolidFraction: 0.35,
      am: { size: sizeDist(pack, "am", n), density_kg_m3: 4750 },
      se: { size: sizeDist(pack, "se", n), density_kg_m3: 1990 },
      box: { lx_m: L, ly_m: L },
    },
    compact: {
      timestep: { dt_s: 2.5e-10 },
      stages: [
        {
          type: "uniaxial",
          wall: "top",
          targetPressure_Pa: n(compact, "compact.stages.0.targetPressure_Pa") * 1e6,
          holdSteps: n(compact, "compact.stages.0.holdSteps"),
          relaxSteps: n(compact, "compact.stages.0.relaxSteps"),
        },
        ...nextStage(compact, n),
      ],
    },
    voxelize: { voxelSize_m: n(compact, "voxelize.voxelSize_m") },
    transport: { phases: ["SE", "AM"] },
    cell: {
      params: (compact.elements.namedItem("cell.params") as HTMLSelectElement).value,
      set: {},
      rates,
      numerics: { nx: 20, nr: 40 },
    },
  };
  if (errors.size > 0) return { errors };
  try {
    parsePipelineConfig(config);
  } catch (e) {
    const msg = (e as Error).message;
    // the schema's lines: the first names its field; the others follow "(and N more: ...)"
    const lines = ((e as { issues?: string[] }).issues ?? [msg]).map(String);
    for (const l of lines) {
      const f = errorField(l) ?? errorField(msg) ?? "form";
      if (!errors.has(f)) errors.set(f, l.replace(/^pipeline: /, ""));
    }
    return { errors };
  }
  return { config, errors };
}

/** Shows each error beside its field (or in `fallback` when no field of the forms has its name); clears the others. */
export function showErrors(forms: HTMLFormElement[], errors: Map<string, string>, fallback: HTMLElement): void {
  document.querySelectorAll(".field-error").forEach((el) => el.remove());
  for (const f of forms) f.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  const unplaced: string[] = [];
  for (const [name, message] of errors) {
    const input = forms.map((f) => f.elements.namedItem(name) as HTMLElement | null).find(Boolean);
    if (!input) {
      unplaced.push(message);
      continue;
    }
    input.setAttribute("aria-invalid", "true");
    const span = document.createElement("span");
    span.className = "field-error";
    span.dataset.field = name;
    span.textContent = message;
    input.closest("label")?.append(span);
  }
  fallback.textContent = unplaced.join("\n");
}
