/**
 * Plots without a browser: vega-lite spec -> vega view -> SVG -> PNG (@resvg/resvg-js) with the DejaVu
 * Sans font shipped by npm (dejavu-fonts-ttf), so text renders on machines without system fonts.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { TopLevelSpec } from "vega-lite";

const require = createRequire(import.meta.url);
const FONT_DIR = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
const FONTS = [join(FONT_DIR, "DejaVuSans.ttf"), join(FONT_DIR, "DejaVuSans-Bold.ttf")];

// vega, vega-lite and resvg load on the first plot (a quarter of a second that every CLI command paid at start-up)
let libs:
  | Promise<{ vega: typeof import("vega"); compile: typeof import("vega-lite").compile; Resvg: typeof import("@resvg/resvg-js").Resvg }>
  | undefined;
const plotLibs = () =>
  (libs ??= Promise.all([import("vega"), import("vega-lite"), import("@resvg/resvg-js")]).then(([vega, vl, rs]) => ({
    vega,
    compile: vl.compile,
    Resvg: rs.Resvg,
  })));

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await plotLibs();
  const view = new vega.View(vega.parse(compile({ config: { font: "DejaVu Sans" }, ...spec } as TopLevelSpec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export async function renderPng(spec: TopLevelSpec, scale = 2): Promise<Uint8Array> {
  const svg = await renderSvg(spec);
  const { Resvg } = await plotLibs();
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { fontFiles: FONTS, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
  });
  return new Uint8Array(r.render().asPng());
}
