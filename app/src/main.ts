// The web app: forms -> the pipeline in a Web Worker (the same code as `assb run`) -> panels that show and export
// each stage's result. window.assbApp exposes the state to tests.
import { stringify } from "yaml";
import { createWorker, WorkerTaskError, type PipelineResult, type TransportResult } from "../../host/browser.js";
import { readForms, showErrors } from "./form.js";
import { errorField } from "../../host/browser/protocol.js";
import { linePlot, histogram } from "./plot.js";
import { particleView, colourMap, type ParticleView } from "./view3d.js";
import { download, csv, canvasPng, particlesVtk } from "./export.js";
import { sectionImage } from "../../host/image/section.js";
import { encodePng } from "../../host/io/png.js";
import type { PredictResult } from "../../host/browser/predict_task.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const packForm = $<HTMLFormElement>("form-pack"),
  compactForm = $<HTMLFormElement>("form-compact");
const runBtn = $<HTMLButtonElement>("run"),
  cancelBtn = $<HTMLButtonElement>("cancel"),
  yamlBtn = $<HTMLButtonElement>("export-yaml");
const progress = $<HTMLProgressElement>("progress"),
  progressText = $("progress-text"),
  runError = $("run-error"),
  sizeWarning = $("size-warning");

// Vite bundles the worker from this literal form
const worker = createWorker(() => new Worker(new URL("../../host/browser/worker.ts", import.meta.url), { type: "module" }));

/** Sizes that run smoothly here; above them the first click warns with an estimate. */
const SMOOTH = { particles: 2000, voxels: 96 ** 3 };

interface AppState {
  config?: Record<string, unknown>;
  result?: PipelineResult;
  scalars?: Record<string, number>;
  /** transport of each network along each axis: [phase, axis name, result] */
  transport: { phase: string; axis: string; result: TransportResult }[];
  status: "idle" | "running" | "done" | "cancelled" | "failed";
  view?: ParticleView;
  warned?: string;
  prediction?: PredictResult;
  /** the DEM threads of the last run (the page's worker and its thread workers share the wasm memory) */
  threads?: number;
  predictStatus: "idle" | "running" | "done" | "failed";
}
const state: AppState = { transport: [], status: "idle", predictStatus: "idle" };
(window as unknown as { assbApp: unknown }).assbApp = {
  state,
  worker,
  /** the live compaction curve's points of the current run */
  get live() {
    return live;
  },
  yaml: () => (state.config ? pipelineYaml(state.config) : undefined),
};

function pipelineYaml(cfg: Record<string, unknown>): string {
  const t = state.threads ?? 1;
  return `# assbkit pipeline exported by the web app; the same numbers in Node: assb run pipeline.yaml${t > 1 ? ` --threads ${t}` : ""} -o out\n${stringify(cfg)}`;
}

/** Time and memory of a run, roughly, from the particle count and the voxel count. */
function estimate(cfg: Record<string, unknown>): { particles: number; voxels: number; seconds: number; memory_MB: number } {
  const pack = cfg.pack as { particles: number; am: { size: { max_m: number } }; box: { lx_m: number } };
  // steps: the pressing's hold and release, a loading allowance, and the cycles' swelling ramps (20,000 each way)
  const stages = (cfg.compact as { stages: Record<string, number>[] }).stages;
  const steps = stages.reduce((a, st) => a + (st.holdSteps ?? 2000) + (st.relaxSteps ?? 0) + 6000 + 40000 * (st.cycles ?? 0), 0);
  const v = (cfg.voxelize as { voxelSize_m: number }).voxelSize_m;
  const d = pack.am.size.max_m * 0.75;
  // the pressed bed at ~60 % solids
  const height = (pack.particles * (Math.PI / 6) * d ** 3) / (0.6 * pack.box.lx_m ** 2);
  const voxels = (pack.box.lx_m / v) ** 2 * (height / v);
  return {
    particles: pack.particles,
    voxels,
    seconds: (pack.particles * steps) / 5e6 + voxels / 2e6,
    memory_MB: (voxels * 120 + pack.particles * 4000) / 2 ** 20,
  };
}

function setRunning(on: boolean): void {
  runBtn.disabled = on;
  cancelBtn.disabled = !on;
}

// the compaction curve while the DEM runs (progress events carry the top wall's state), redrawn at most 10 times a second
const live: { wallPosition_m: number; pressure_Pa: number }[] = [];
let lastDraw = 0;
function liveCurve(d: Record<string, number>): void {
  if (!Number.isFinite(d.pressure_Pa) || !Number.isFinite(d.wallPosition_m)) return;
  live.push({ wallPosition_m: d.wallPosition_m, pressure_Pa: d.pressure_Pa });
  const now = performance.now();
  if (now - lastDraw < 100) return;
  lastDraw = now;
  linePlot(
    $("plot-compaction"),
    [{ name: "top wall (live)", x: live.map((c) => c.wallPosition_m * 1e6), y: live.map((c) => c.pressure_Pa / 1e6) }],
    {
      title: "Compaction: pressure on the top wall (running)",
      xLabel: "Top wall position [µm]",
      yLabel: "Pressure [MPa]",
    },
  );
}

async function run(): Promise<void> {
  runError.textContent = "";
  const { config, errors } = readForms(packForm, compactForm);
  showErrors([packForm, compactForm], errors, runError);
  if (!config) return;
  const e = estimate(config);
  const key = JSON.stringify(config);
  if ((e.particles > SMOOTH.particles || e.voxels > SMOOTH.voxels) && state.warned !== key) {
    state.warned = key;
    sizeWarning.textContent = `large run: ${e.particles} particles, ~${(e.voxels / 1e6).toFixed(1)} M voxels: about ${Math.ceil(e.seconds)} s and ${Math.ceil(e.memory_MB)} MB here; press Run again to start it`;
    return;
  }
  sizeWarning.textContent = "";
  state.config = config;
  state.status = "running";
  live.length = 0;
  lastDraw = 0;
  setRunning(true);
  const ac = new AbortController();
  cancelBtn.onclick = () => ac.abort();
  try {
    const threads = Number($<HTMLSelectElement>("threads").value);
    const out = await worker.run(
      { kind: "pipeline", yaml: JSON.stringify(config), threads },
      {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.stage === "compact" && p.data) liveCurve(p.data);
          const k = ["pack", "compact", "voxelize", "transport", "cell"].indexOf(p.stage);
          progress.value = (Math.max(0, k) + p.fraction) / 5;
          progressText.textContent = `${p.stage} ${Math.round(p.fraction * 100)} %${p.detail ? ` (${p.detail})` : ""}`;
        },
      },
    );
    state.result = out.result;
    state.scalars = out.scalars;
    state.threads = out.threads;
    progressText.textContent = "transport along x and y";
    await transportAxes(out.result, ac.signal);
    progress.value = 1;
    progressText.textContent = `done in ${Object.values(out.result.timings_s)
      .reduce((a, b) => a + (b ?? 0), 0)
      .toFixed(2)} s (DEM on ${out.threads} thread${out.threads > 1 ? "s" : ""})`;
    render(out.result);
    state.status = "done";
    yamlBtn.disabled = false;
  } catch (err) {
    if ((err as Error).name === "AbortError") {
      state.status = "cancelled";
      progressText.textContent = "cancelled";
    } else {
      state.status = "failed";
      const msg = (err as Error).message;
      const f = err instanceof WorkerTaskError ? (err.field ?? errorField(msg)) : undefined;
      showErrors([packForm, compactForm], new Map([[f ?? "run", msg]]), runError);
      progressText.textContent = "failed";
    }
  } finally {
    setRunning(false);
  }
}

/** The pipeline solved both networks along z; x and y here, from the same voxels. */
async function transportAxes(r: PipelineResult, signal: AbortSignal): Promise<void> {
  state.transport = [];
  for (const [phase, res] of [
    ["SE", r.transport.se],
    ["AM", r.transport.am],
  ] as const) {
    if (!res) continue;
    state.transport.push({ phase, axis: "z", result: res });
    // the volume's axes are named (meta.axes: z, y, x)
    for (const axis of ["x", "y"]) {
      const t = await worker.run(
        { kind: "transport", volume: r.voxels.volume, request: { phase, axis, solver: { method: r.config.transport.method } } },
        { signal },
      );
      state.transport.push({ phase, axis, result: t });
    }
  }
}

function render(r: PipelineResult): void {
  const ps = r.pack?.summary;
  $("pack-summary").textContent = ps
    ? `${ps.particles} particles (${ps.am} AM, ${ps.se} SE), AM mass fraction ${(ps.amMassFraction ?? Number.NaN).toFixed(3)}, ` +
      `solid fraction ${ps.solidFraction.toFixed(3)}, bed height ${(ps.height_m * 1e6).toFixed(1)} µm before pressing`
    : "";
  // compaction curve
  const curve = (r.compact?.stages ?? []).flatMap((s) =>
    "curve" in s ? (s.curve as { wallPosition_m: number; pressure_Pa: number }[]) : [],
  );
  linePlot(
    $("plot-compaction"),
    [{ name: "top wall", x: curve.map((c) => c.wallPosition_m * 1e6), y: curve.map((c) => c.pressure_Pa / 1e6) }],
    {
      title: "Compaction: pressure on the top wall",
      xLabel: "Top wall position [µm]",
      yLabel: "Pressure [MPa]",
    },
  );
  if (r.compact) stateOptions(r);
  renderParticles(r);
  renderSlice(r);
  renderTransport();
  renderCell(r);
  document.querySelectorAll<HTMLButtonElement>("[data-export]:not([data-export^=cnn])").forEach((b) => (b.disabled = false));
  $<HTMLButtonElement>("section-from-run").disabled = !r.compact;
}

/** The particle columns of the chosen state: the last stage's report under load or after release (LIGGGHTS stress/atom). */
function stateReports(r: PipelineResult): Record<string, { particles: Record<string, unknown> }> {
  // every stage's reported states (uniaxial: loaded, released; isostatic; each cycle's charged/discharged states)
  const out: Record<string, { particles: Record<string, unknown> }> = {};
  r.compact!.stages.forEach((st, k) => {
    const reps = (st as { reports?: Record<string, { particles: Record<string, unknown> }> }).reports ?? {};
    for (const [name, rep] of Object.entries(reps)) out[`${k + 1}. ${st.type}: ${name}`] = rep;
  });
  return out;
}

/** Fills the state selector with the run's reported states (the first uniaxial loaded state chosen first). */
function stateOptions(r: PipelineResult): void {
  const sel = $<HTMLSelectElement>("state-of");
  const keys = Object.keys(stateReports(r));
  const keep = keys.includes(sel.value) ? sel.value : (keys.find((k) => k.endsWith(": loaded")) ?? keys[0] ?? "");
  sel.replaceChildren(...keys.map((k) => new Option(k, k)));
  sel.value = keep;
}

function particleColumns(r: PipelineResult) {
  const which = $<HTMLSelectElement>("state-of").value;
  const P = (stateReports(r)[which]?.particles ?? r.compact!.particles) as Record<string, number[]>;
  const pk = r.compact!.packing;
  const phase = (P.material as unknown as (string | number)[]).map((m) => (pk.materials[String(m)]?.phase ?? String(m)) as string);
  const vm =
    P.vonMises_Pa ??
    P.sxx_Pa.map((_, i) => {
      const [a, b, c, d, e, f] = [P.sxx_Pa[i], P.syy_Pa[i], P.szz_Pa[i], P.sxy_Pa[i], P.sxz_Pa[i], P.syz_Pa[i]];
      return Math.sqrt(0.5 * ((a - b) ** 2 + (b - c) ** 2 + (c - a) ** 2) + 3 * (d * d + e * e + f * f));
    });
  return { P, phase, vm, which };
}

function renderParticles(r: PipelineResult): void {
  if (!r.compact) return;
  const { P, phase, vm, which } = particleColumns(r);
  state.view?.dispose();
  try {
    state.view = particleView($("view3d"), P.x_m, P.y_m, P.z_m, P.radius_m);
  } catch (e) {
    $("view3d").textContent = `3D view unavailable: ${(e as Error).message}`;
    state.view = undefined;
  }
  const colour = () => {
    const by = $<HTMLSelectElement>("colour-by").value;
    if (!state.view) return;
    if (by === "phase") {
      const rgb = new Float32Array(3 * phase.length);
      phase.forEach((p, i) => rgb.set(p === "AM" ? [0.25, 0.3, 0.45] : [0.95, 0.8, 0.2], 3 * i));
      state.view.setColours(rgb);
      $("colour-range").textContent = "AM blue, SE yellow";
    } else {
      const v = by === "vm" ? vm : P.szz_Pa;
      const sorted = [...v].sort((a, b) => a - b);
      const lo = sorted[Math.floor(0.02 * sorted.length)],
        hi = sorted[Math.floor(0.98 * sorted.length)];
      state.view.setColours(colourMap(v, lo, hi));
      $("colour-range").textContent =
        `${by === "vm" ? "von Mises" : "σ_zz"}: viridis from ${(lo / 1e6).toFixed(1)} MPa (purple) to ${(hi / 1e6).toFixed(1)} MPa (yellow), 2nd to 98th percentile`;
    }
  };
  $<HTMLSelectElement>("colour-by").onchange = colour;
  $<HTMLInputElement>("cut").oninput = (e) => state.view?.setCut(Number((e.target as HTMLInputElement).value) / 100);
  colour();
  const sets = ["AM", "SE"].map((ph) => ({ name: `${ph} σ_zz`, values: P.szz_Pa.filter((_, i) => phase[i] === ph).map((v) => v / 1e6) }));
  histogram($("plot-hist"), sets, {
    title: `Particle stress σ_zz, ${which} (compression negative)`,
    xLabel: "σ_zz [MPa]",
  });
  $<HTMLSelectElement>("state-of").onchange = () => state.result && renderParticles(state.result);
}

function renderSlice(r: PipelineResult): void {
  const v = r.voxels.volume;
  const [n0, n1, n2] = v.shape;
  const slider = $<HTMLInputElement>("slice");
  slider.max = String(n0 - 1);
  slider.value = String(Math.floor(n0 / 2));
  const canvas = $<HTMLCanvasElement>("slice-canvas");
  canvas.width = n2;
  canvas.height = n1;
  const colours: Record<string, [number, number, number]> = { pore: [20, 20, 20], AM: [64, 77, 115], SE: [242, 204, 51] };
  const draw = () => {
    const k = Number(slider.value);
    const img = canvas.getContext("2d")!.createImageData(n2, n1);
    for (let i = 0; i < n1 * n2; i++) {
      const c = colours[v.phases[String(v.data[k * n1 * n2 + i])]] ?? [200, 0, 200];
      img.data.set([...c, 255], 4 * i);
    }
    canvas.getContext("2d")!.putImageData(img, 0, 0);
    $("slice-text").textContent =
      `${k + 1} of ${n0} (${((k + 0.5) * r.voxels.voxelSize_m * 1e6).toFixed(2)} µm); pore black, AM blue, SE yellow`;
  };
  slider.oninput = draw;
  draw();
}

function renderTransport(): void {
  const body = $("transport-table").querySelector("tbody")!;
  body.replaceChildren(
    ...state.transport.map(({ phase, axis, result: t }) => {
      const tr = document.createElement("tr");
      for (const [k, v] of [
        ["phase", phase],
        ["axis", axis],
        ["eps", t.eps],
        ["tauFactor", t.tauFactor],
        ["deffRel", t.deffRel],
        ["percolatingFraction", t.percolatingFraction],
      ] as [string, string | number][]) {
        const td = document.createElement("td");
        td.dataset.key = k;
        if (typeof v === "number") {
          td.dataset.value = String(v);
          td.textContent = Number.isFinite(v) ? v.toPrecision(5) : String(v);
        } else td.textContent = v;
        tr.append(td);
      }
      return tr;
    }),
  );
}

function renderCell(r: PipelineResult): void {
  if (!r.cell) return;
  linePlot(
    $("plot-voltage"),
    r.cell.results.map((res, k) => ({ name: `${r.cell!.rows[k].cRate} C`, x: res.capacity_mAh_g, y: res.voltage_V })),
    { title: "Discharge: voltage vs capacity", xLabel: "Capacity [mAh/g AM]", yLabel: "Voltage [V]" },
  );
  linePlot(
    $("plot-rate"),
    [{ name: "capacity", x: r.cell.rows.map((x) => x.cRate), y: r.cell.rows.map((x) => x.capacity_mAh_g), points: true }],
    {
      title: "Capacity vs C-rate",
      xLabel: "C-rate [1/h]",
      yLabel: "Capacity [mAh/g AM]",
    },
  );
}

// the CNN panel: a PNG (uploaded, or a section of the pressed packing) through the shipped model, in the worker
const cnnForm = $<HTMLFormElement>("form-cnn");

/** A 224 x 224 section of the pressed packing at mid-height (AM gray, SE white, void black), as PNG bytes. */
function sectionPng(r: PipelineResult): Uint8Array {
  const pk = r.compact!.packing;
  const P = pk.particles;
  const phase = P.material.map((m) => (pk.materials[String(m)]?.phase ?? String(m)) as string);
  const sec = sectionImage(
    { x_m: P.x_m, y_m: P.y_m, z_m: P.z_m, radius_m: P.radius_m, phase },
    {
      lo: [pk.box.lo_m[0], pk.box.lo_m[1]],
      hi: [pk.box.hi_m[0], pk.box.hi_m[1]],
      crop_m: 0,
      size: 224,
    },
  );
  return encodePng(sec.pixels, 224, 224);
}

async function predictPng(png: Uint8Array, source: string): Promise<void> {
  showErrors([cnnForm], new Map(), $("predict-text"));
  state.predictStatus = "running";
  $("predict-text").textContent = `${source}: predicting (the first call loads TensorFlow.js and the model)`;
  try {
    const gradcamOutput = (cnnForm.elements.namedItem("gradcamOutput") as HTMLSelectElement).value;
    const p = await worker.run({ kind: "predict", request: { png, gradcamOutput } });
    state.prediction = p;
    state.predictStatus = "done";
    $("predict-text").textContent = `${source}: ${p.model}`;
    renderPrediction(p);
  } catch (err) {
    state.predictStatus = "failed";
    const msg = (err as Error).message;
    const f = err instanceof WorkerTaskError ? err.field : undefined;
    // the decoder and the size check name the image: shown beside the file field
    showErrors([cnnForm], new Map([[f === "image" || /uploaded file/.test(msg) ? "image" : (f ?? "predict"), msg]]), $("predict-text"));
  }
}

function renderPrediction(p: PredictResult): void {
  const c = $<HTMLCanvasElement>("cnn-canvas");
  const { width: w, height: h, gray } = p.image;
  c.width = w;
  c.height = h;
  const img = c.getContext("2d")!.createImageData(w, h);
  // the image in gray, the Grad-CAM map over it in red (alpha = heat)
  for (let i = 0; i < w * h; i++) {
    const a = p.gradcam.heat[i] ?? 0;
    img.data.set([Math.round(gray[i] * (1 - a) + 255 * a), Math.round(gray[i] * (1 - a)), Math.round(gray[i] * (1 - a)), 255], 4 * i);
  }
  c.getContext("2d")!.putImageData(img, 0, 0);
  $("cnn-table")
    .querySelector("tbody")!
    .replaceChildren(
      ...Object.entries(p.outputs).map(([k, v]) => {
        const tr = document.createElement("tr");
        const a = document.createElement("td");
        a.textContent = k;
        const b = document.createElement("td");
        b.dataset.key = k;
        b.dataset.value = String(v);
        b.textContent = v.toPrecision(5);
        tr.append(a, b);
        return tr;
      }),
    );
  document.querySelectorAll<HTMLButtonElement>("[data-export^=cnn]").forEach((b) => (b.disabled = false));
}

$("predict").onclick = async () => {
  const file = (cnnForm.elements.namedItem("image") as HTMLInputElement).files?.[0];
  if (!file) {
    showErrors([cnnForm], new Map([["image", "image: choose a PNG file first"]]), $("predict-text"));
    return;
  }
  await predictPng(new Uint8Array(await file.arrayBuffer()), file.name);
};
$("section-from-run").onclick = () =>
  state.result?.compact &&
  void predictPng(sectionPng(state.result), "section of the pressed packing (outside the CNN's training set: paper 000's 2D structures)");

// exports
const exporters: Record<string, () => void> = {
  "compaction-csv": () => {
    const c = (state.result?.compact?.stages ?? []).flatMap((s) => ("curve" in s ? (s.curve as unknown as Record<string, number>[]) : []));
    download(
      "compaction_curve.csv",
      csv({
        step: c.map((p) => p.step),
        time_s: c.map((p) => p.time_s),
        wallPosition_m: c.map((p) => p.wallPosition_m),
        pressure_Pa: c.map((p) => p.pressure_Pa),
      }),
      "text/csv",
    );
  },
  "compaction-png": () => canvasPng($("plot-compaction"), "compaction.png"),
  "particles-csv": () => {
    const { P, which } = particleColumns(state.result!);
    download(`particles_${which.replace(/\W+/g, "_")}.csv`, csv(P), "text/csv");
  },
  "particles-vtk": () => {
    const { P, vm, which } = particleColumns(state.result!);
    download(
      `particles_${which.replace(/\W+/g, "_")}.vtk`,
      particlesVtk(P.x_m, P.y_m, P.z_m, { radius_m: P.radius_m, szz_Pa: P.szz_Pa, vonMises_Pa: vm }),
    );
  },
  "view-png": () => state.view && canvasPng(state.view.canvas, "particles.png"),
  "transport-json": () =>
    download(
      "transport.json",
      JSON.stringify(
        state.transport.map(({ phase, axis, result }) => ({ ...result, network: phase, axisName: axis })),
        null,
        1,
      ),
      "application/json",
    ),
  "slice-png": () => canvasPng($("slice-canvas"), "slice.png"),
  "cell-csv": () => {
    const r = state.result!.cell!;
    const cols: Record<string, number[]> = {};
    r.results.forEach((res, k) => {
      cols[`capacity_mAh_g_${r.rows[k].cRate}C`] = res.capacity_mAh_g;
      cols[`voltage_V_${r.rows[k].cRate}C`] = res.voltage_V;
    });
    download("discharge.csv", csv(cols), "text/csv");
  },
  "cell-png": () => canvasPng($("plot-voltage"), "discharge.png"),
  "result-json": () => download("summary.json", JSON.stringify(state.scalars, null, 1), "application/json"),
  "cnn-csv": () => {
    const o = state.prediction!.outputs;
    download("predictions.csv", csv({ output: Object.keys(o), prediction: Object.values(o) }), "text/csv");
  },
  "cnn-png": () => canvasPng($("cnn-canvas"), "gradcam.png"),
};
document.querySelectorAll<HTMLButtonElement>("[data-export]").forEach((b) => (b.onclick = () => exporters[b.dataset.export!]?.()));
yamlBtn.onclick = () => state.config && download("pipeline.yaml", pipelineYaml(state.config), "application/yaml");
runBtn.onclick = () => void run();
// forms re-checked as they change: a refused field shows its message at once
for (const f of [packForm, compactForm])
  f.oninput = () => {
    const { errors } = readForms(packForm, compactForm);
    showErrors([packForm, compactForm], errors, runError);
  };
// threads need shared memory: a cross-origin isolated page (assb app sends COOP/COEP)
if (!crossOriginIsolated) {
  const sel = $<HTMLSelectElement>("threads");
  sel.disabled = true;
  sel.title = "this page is not cross-origin isolated: one thread";
}
document.body.dataset.ready = "true";
