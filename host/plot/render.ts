/**
 * Plots without a browser: vega-lite spec -> vega view -> SVG -> PNG (@resvg/resvg-js) with the DejaVu
 * Sans font shipped by npm (dejavu-fonts-ttf), so text renders on machines without system fonts.
 * All four are optional peer packages, loaded on the first plot: importing this module loads none of
 * them, and a missing one is a ConfigError naming it and the install command (host/core/optional.ts).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TopLevelSpec } from "vega-lite";
import { importOptional, isMissingPackage, missingPackage } from "../core/optional.js";

type PlotLibs = { vega: typeof import("vega"); compile: typeof import("vega-lite").compile; Resvg: typeof import("@resvg/resvg-js").Resvg };

// a quarter of a second that every CLI command paid at start-up when these loaded with the module
let libs: Promise<PlotLibs> | undefined;

/** Loads vega, vega-lite and resvg once; a missing one is a ConfigError with the install command. */
export function plotLibs(): Promise<PlotLibs> {
  libs ??= Promise.all([
    importOptional("plot", "vega", () => import("vega")),
    importOptional("plot", "vega-lite", () => import("vega-lite")),
    importOptional("plot", "@resvg/resvg-js", () => import("@resvg/resvg-js")),
  ]).then(([vega, vl, rs]) => ({ vega, compile: vl.compile, Resvg: rs.Resvg }));
  // a failed load is not cached: the next call reports it again (or succeeds after an install)
  libs.catch(() => (libs = undefined));
  return libs;
}

/** The DejaVu Sans files of the dejavu-fonts-ttf package. */
function fontFiles(): string[] {
  let pkg: string;
  try {
    pkg = fileURLToPath(import.meta.resolve("dejavu-fonts-ttf/package.json"));
  } catch (e) {
    if (isMissingPackage(e, "dejavu-fonts-ttf")) throw missingPackage("plot", "dejavu-fonts-ttf");
    throw e;
  }
  const dir = join(dirname(pkg), "ttf");
  return [join(dir, "DejaVuSans.ttf"), join(dir, "DejaVuSans-Bold.ttf")];
}

/** Loads the plot packages and finds the font: a command that plots calls it before its work, so a missing package stops it at once. */
export async function requirePlotting(): Promise<void> {
  fontFiles();
  await plotLibs();
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await plotLibs();
  const view = new vega.View(vega.parse(compile({ config: { font: "DejaVu Sans" }, ...spec } as TopLevelSpec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export async function renderPng(spec: TopLevelSpec, scale = 2): Promise<Uint8Array> {
  const fonts = fontFiles();
  const svg = await renderSvg(spec);
  const { Resvg } = await plotLibs();
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { fontFiles: fonts, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
  });
  return new Uint8Array(r.render().asPng());
}
