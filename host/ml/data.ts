/**
 * Datasets for the ML engine (Node): tables (CSV or in-memory arrays), folders of PNG images with a
 * labels CSV, and one raw uint8 image tensor with its JSON sidecar (the fixtures/transport format).
 * Seeded train/validation/test splits (host/core/rng.ts) and scalers fitted on the training split.
 */
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { join, extname, basename } from "node:path";
import { parseCsv } from "../io/csv.js";
import { ConfigError } from "../config/errors.js";
import { Rng } from "../core/rng.js";
import { decodePng, pngHeader } from "../io/png.js";
import { readPngFolder } from "../transport/image_batch.js";
import { readVolume } from "../transport/volume.js";
import { MinMaxScaler, ImageScaler, type Scalers } from "./scalers.js";

/** Samples in row-major arrays, unscaled. */
export interface Dataset {
  kind: "table" | "images";
  /** number of samples */
  n: number;
  /** per-sample input shape: [d] for tables, [height, width, 1] for images */
  xShape: number[];
  /** n * prod(xShape) raw input values (uint8 pixels for images) */
  x: Float32Array | Float64Array | Uint8Array;
  /** n * outputNames.length raw targets */
  y: Float64Array;
  inputNames: string[];
  outputNames: string[];
  inputUnits?: string[];
  outputUnits?: string[];
  /** per-sample identifiers (image file names or indices), for prediction CSVs */
  ids?: string[];
  /** image pixel divisor suggested by the source (255 for PNG, the largest phase code for raw volumes) */
  pixelDivisor?: number;
  source?: string;
}

export const sampleSize = (ds: Pick<Dataset, "xShape">) => ds.xShape.reduce((a, b) => a * b, 1);

/** (c) In-memory rows: x[n][d], y[n][m]. */
export function tableDataset(
  x: ArrayLike<number>[],
  y: ArrayLike<number>[],
  opts: { inputNames?: string[]; outputNames?: string[]; inputUnits?: string[]; outputUnits?: string[]; source?: string } = {},
): Dataset {
  if (x.length !== y.length) throw new ConfigError(`dataset: ${x.length} input rows but ${y.length} output rows`);
  if (x.length === 0) throw new ConfigError("dataset: no rows");
  const d = x[0].length,
    m = y[0].length;
  const X = new Float64Array(x.length * d),
    Y = new Float64Array(y.length * m);
  x.forEach((r, k) => {
    if (r.length !== d) throw new ConfigError(`dataset: input row ${k} has ${r.length} values, expected ${d}`);
    X.set(Array.from(r), k * d);
  });
  y.forEach((r, k) => {
    if (r.length !== m) throw new ConfigError(`dataset: output row ${k} has ${r.length} values, expected ${m}`);
    Y.set(Array.from(r), k * m);
  });
  return {
    kind: "table",
    n: x.length,
    xShape: [d],
    x: X,
    y: Y,
    inputNames: opts.inputNames ?? Array.from({ length: d }, (_, j) => `x${j + 1}`),
    outputNames: opts.outputNames ?? Array.from({ length: m }, (_, j) => `y${j + 1}`),
    inputUnits: opts.inputUnits,
    outputUnits: opts.outputUnits,
    source: opts.source ?? "memory",
  };
}

/** (c) In-memory images: n gray uint8 images of h x w (row-major, one after another) and y[n][m]. */
export function imageDataset(
  x: Uint8Array,
  h: number,
  w: number,
  y: ArrayLike<number>[],
  opts: { outputNames?: string[]; outputUnits?: string[]; ids?: string[]; pixelDivisor?: number; source?: string } = {},
): Dataset {
  const n = y.length;
  if (x.length !== n * h * w) throw new ConfigError(`dataset: ${x.length} pixels for ${n} images of ${w}x${h}`);
  const m = n ? y[0].length : 0,
    Y = new Float64Array(n * m);
  y.forEach((r, k) => {
    if (r.length !== m) throw new ConfigError(`dataset: output row ${k} has ${r.length} values, expected ${m}`);
    Y.set(Array.from(r), k * m);
  });
  return {
    kind: "images",
    n,
    xShape: [h, w, 1],
    x,
    y: Y,
    inputNames: ["image"],
    outputNames: opts.outputNames ?? Array.from({ length: m }, (_, j) => `y${j + 1}`),
    outputUnits: opts.outputUnits,
    ids: opts.ids,
    pixelDivisor: opts.pixelDivisor ?? 255,
    source: opts.source ?? "memory",
  };
}

function numberColumn(t: { columns: string[]; rows: string[][] }, name: string, source: string): Float64Array {
  const c = t.columns.indexOf(name);
  if (c < 0) throw new ConfigError(`${source}: column '${name}' is missing; columns: ${t.columns.join(", ")}`);
  const a = new Float64Array(t.rows.length);
  t.rows.forEach((r, k) => {
    const v = Number(r[c]);
    if (r[c] === "" || !Number.isFinite(v))
      throw new ConfigError(`${source}: row ${k + 2}, column '${name}' = '${r[c]}' is not a finite number`);
    a[k] = v;
  });
  return a;
}

function readTable(path: string): { columns: string[]; rows: string[][] } {
  if (!existsSync(path)) throw new ConfigError(`dataset: file ${path} does not exist`);
  try {
    return parseCsv(readFileSync(path, "utf8"), path);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
}

/** A numeric CSV: the named input and output columns. */
export function readCsvDataset(
  path: string,
  inputs: string[],
  outputs: string[],
  units: { inputs?: string[]; outputs?: string[] } = {},
): Dataset {
  const t = readTable(path);
  const n = t.rows.length;
  if (n === 0) throw new ConfigError(`${path}: no data rows`);
  const cx = inputs.map((c) => numberColumn(t, c, path)),
    cy = outputs.map((c) => numberColumn(t, c, path));
  const x = new Float64Array(n * inputs.length),
    y = new Float64Array(n * outputs.length);
  for (let k = 0; k < n; k++) {
    cx.forEach((col, j) => (x[k * inputs.length + j] = col[k]));
    cy.forEach((col, j) => (y[k * outputs.length + j] = col[k]));
  }
  return {
    kind: "table",
    n,
    xShape: [inputs.length],
    x,
    y,
    inputNames: inputs.slice(),
    outputNames: outputs.slice(),
    inputUnits: units.inputs,
    outputUnits: units.outputs,
    source: path,
  };
}

/** Labels for images: the output columns, and the optional file / index column. */
function labelRows(labelsCsv: string, outputs: string[]): { t: { columns: string[]; rows: string[][] }; y: Float64Array[] } {
  const t = readTable(labelsCsv);
  if (t.rows.length === 0) throw new ConfigError(`${labelsCsv}: no label rows`);
  return { t, y: outputs.map((c) => numberColumn(t, c, labelsCsv)) };
}

function packImages(images: Uint8Array[], h: number, w: number, ys: Float64Array[], rows: number[]): { x: Uint8Array; y: Float64Array } {
  const m = ys.length,
    x = new Uint8Array(images.length * h * w),
    y = new Float64Array(images.length * m);
  images.forEach((im, k) => {
    x.set(im, k * h * w);
    for (let j = 0; j < m; j++) y[k * m + j] = ys[j][rows[k]];
  });
  return { x, y };
}

/**
 * Labels with a file column: an image labelled twice would sit in two splits at once (a test image also
 * trained on), so a repeated file is refused, naming both rows. (PNGs without a row are left out: a labels
 * file may pick a subset of a folder.)
 */
function checkLabelledFiles(labelsCsv: string, files: string[]): void {
  const seen = new Map<string, number>();
  files.forEach((f, k) => {
    const prev = seen.get(f);
    if (prev !== undefined)
      throw new ConfigError(`${labelsCsv}: rows ${prev + 2} and ${k + 2} both label image '${f}' (one label row per image)`);
    seen.set(f, k);
  });
}

/**
 * (a) A folder of PNG images (any PNG: colour and palettes become gray, 16-bit is scaled to 0-255)
 * and a labels CSV with a `file` column (names relative to the folder) and the output columns.
 * Without a `file` column the PNG files are taken in sorted name order, one per label row.
 */
export function readPngDataset(
  dir: string,
  labelsCsv: string,
  outputs: string[],
  opts: { fileColumn?: string; outputUnits?: string[] } = {},
): Dataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`dataset: image folder ${dir} does not exist`);
  const { t, y } = labelRows(labelsCsv, outputs);
  const fc = t.columns.indexOf(opts.fileColumn ?? "file");
  let files: string[];
  if (fc >= 0) {
    files = t.rows.map((r) => r[fc]);
    checkLabelledFiles(labelsCsv, files);
  } else {
    if (opts.fileColumn) throw new ConfigError(`${labelsCsv}: column '${opts.fileColumn}' is missing; columns: ${t.columns.join(", ")}`);
    files = readdirSync(dir)
      .filter((f) => extname(f).toLowerCase() === ".png")
      .sort();
    if (files.length !== t.rows.length)
      throw new ConfigError(
        `${labelsCsv}: ${t.rows.length} label rows but ${dir} has ${files.length} PNG files (add a 'file' column to pair them)`,
      );
  }
  let h = 0,
    w = 0;
  const images = files.map((f, k) => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new ConfigError(`${labelsCsv}: row ${k + 2}: image ${p} does not exist`);
    const im = decodePng(readFileSync(p), p);
    if (k === 0) {
      h = im.height;
      w = im.width;
    } else if (im.height !== h || im.width !== w)
      throw new ConfigError(`dataset: ${p} is ${im.width}x${im.height} but ${files[0]} is ${w}x${h}; all images must have the same size`);
    return im.gray;
  });
  const { x, y: Y } = packImages(
    images,
    h,
    w,
    y,
    files.map((_, k) => k),
  );
  return {
    kind: "images",
    n: files.length,
    xShape: [h, w, 1],
    x,
    y: Y,
    inputNames: ["image"],
    outputNames: outputs.slice(),
    outputUnits: opts.outputUnits,
    ids: files,
    pixelDivisor: 255,
    source: dir,
  };
}

/**
 * (b) One raw uint8 tensor [N, H, W] with its JSON sidecar (fixtures/transport format) and a labels
 * CSV: one row per image in order, or with an `index` column giving the image index.
 */
export function readRawDataset(
  sidecar: string,
  labelsCsv: string,
  outputs: string[],
  opts: { indexColumn?: string; outputUnits?: string[] } = {},
): Dataset {
  const v = readVolume(sidecar);
  const [N, h, w] = v.shape.length === 3 ? v.shape : [1, v.shape[0], v.shape[1]];
  const { t, y } = labelRows(labelsCsv, outputs);
  const ic = t.columns.indexOf(opts.indexColumn ?? "index");
  if (ic < 0 && opts.indexColumn)
    throw new ConfigError(`${labelsCsv}: column '${opts.indexColumn}' is missing; columns: ${t.columns.join(", ")}`);
  const index =
    ic >= 0
      ? t.rows.map((r, k) => {
          const i = Number(r[ic]);
          if (!Number.isInteger(i) || i < 0 || i >= N)
            throw new ConfigError(`${labelsCsv}: row ${k + 2}: index ${r[ic]} is not an image index 0-${N - 1}`);
          return i;
        })
      : t.rows.map((_, k) => k);
  if (ic < 0 && t.rows.length !== N)
    throw new ConfigError(
      `${labelsCsv}: ${t.rows.length} label rows but ${sidecar} holds ${N} images (add an 'index' column to pair them)`,
    );
  const images = index.map((i) => v.data.subarray(i * h * w, (i + 1) * h * w));
  const { x, y: Y } = packImages(
    images,
    h,
    w,
    y,
    index.map((_, k) => k),
  );
  let maxCode = 0;
  for (let i = 0; i < v.data.length; i++) if (v.data[i] > maxCode) maxCode = v.data[i];
  return {
    kind: "images",
    n: index.length,
    xShape: [h, w, 1],
    x,
    y: Y,
    inputNames: ["image"],
    outputNames: outputs.slice(),
    outputUnits: opts.outputUnits,
    ids: index.map(String),
    pixelDivisor: Math.max(1, maxCode),
    source: sidecar,
  };
}

/** Images only (for prediction): a PNG file, a folder of PNGs, or a raw tensor sidecar. */
export function readImages(path: string): { ids: string[]; h: number; w: number; x: Uint8Array; pixelDivisor: number } {
  if (!existsSync(path)) throw new ConfigError(`images: ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => extname(f).toLowerCase() === ".png")
      .sort();
    if (files.length === 0) throw new ConfigError(`images: ${path} holds no .png files`);
    let h = 0,
      w = 0;
    const ims = files.map((f, k) => {
      const im = decodePng(readFileSync(join(path, f)), join(path, f));
      if (k === 0) {
        h = im.height;
        w = im.width;
      } else if (im.height !== h || im.width !== w)
        throw new ConfigError(`images: ${f} is ${im.width}x${im.height}, ${files[0]} is ${w}x${h}`);
      return im.gray;
    });
    const x = new Uint8Array(files.length * h * w);
    ims.forEach((im, k) => x.set(im, k * h * w));
    return { ids: files, h, w, x, pixelDivisor: 255 };
  }
  if (extname(path).toLowerCase() === ".png") {
    const im = decodePng(readFileSync(path), path);
    return { ids: [basename(path)], h: im.height, w: im.width, x: im.gray, pixelDivisor: 255 };
  }
  const v = readVolume(path);
  const [N, h, w] = v.shape.length === 3 ? v.shape : [1, v.shape[0], v.shape[1]];
  let maxCode = 0;
  for (let i = 0; i < v.data.length; i++) if (v.data[i] > maxCode) maxCode = v.data[i];
  return { ids: Array.from({ length: N }, (_, i) => String(i)), h, w, x: v.data, pixelDivisor: Math.max(1, maxCode) };
}

/**
 * Images for a model trained on pixel codes (a conductor image: 0 insulates, 1 conducts), read as
 * `assb transport-images` reads them: a folder of PNGs or one PNG (conductor where gray >= 128), or a
 * batch tensor (.json sidecar + .raw, .tif stack) with its codes as stored. A model trained on more
 * than two codes (maxCode > 1) reads PNGs as label images (codes as stored). Images of another size than
 * the model's h x w are refused (not resized: resampling a binary image changes its paths), naming the
 * file, its size and the size expected; so are codes above `maxCode`.
 */
export function readCodeImages(
  path: string,
  expect: { h: number; w: number; maxCode: number },
  who = "predict",
): { ids: string[]; h: number; w: number; x: Uint8Array } {
  if (!existsSync(path)) throw new ConfigError(`${who}: ${path} does not exist`);
  const want = `the model takes ${expect.w}x${expect.h} px images`;
  const refuse = (file: string, w: number, h: number) =>
    new ConfigError(
      `${who}: ${file} is ${w}x${h} px, ${want} (refused, not resized: resample or crop it to ${expect.w}x${expect.h} first)`,
    );
  const headerOf = (p: string) => pngHeader(readFileSync(p).subarray(0, 33), p);
  let ids: string[], x: Uint8Array;
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => extname(f).toLowerCase() === ".png")
      .sort();
    for (const f of files) {
      const hd = headerOf(join(path, f));
      if (hd.width !== expect.w || hd.height !== expect.h) throw refuse(join(path, f), hd.width, hd.height);
    }
    if (expect.maxCode === 1) {
      const r = readPngFolder(path, who);
      ids = r.names;
      x = r.batch.data;
    } else {
      // several phase codes: the PNGs hold the codes as stored (label images)
      ids = files;
      x = new Uint8Array(files.length * expect.h * expect.w);
      files.forEach((f, k) => x.set(readVolume(join(path, f)).data, k * expect.h * expect.w));
    }
  } else if (extname(path).toLowerCase() === ".png") {
    const im = decodePng(readFileSync(path), path);
    if (im.width !== expect.w || im.height !== expect.h) throw refuse(path, im.width, im.height);
    ids = [basename(path)];
    x = expect.maxCode === 1 ? Uint8Array.from(im.gray, (g) => (g >= 128 ? 1 : 0)) : readVolume(path).data;
  } else {
    const v = readVolume(path);
    const [N, h, w] = v.shape.length === 3 ? v.shape : [1, v.shape[0], v.shape[1]];
    if (h !== expect.h || w !== expect.w) throw refuse(path, w, h);
    ids = Array.from({ length: N }, (_, i) => String(i));
    x = v.data;
  }
  for (let i = 0; i < x.length; i++)
    if (x[i] > expect.maxCode) {
      const k = Math.floor(i / (expect.h * expect.w));
      throw new ConfigError(
        `${who}: ${path}: image ${ids[k]} holds pixel code ${x[i]}, the model was trained on codes 0-${expect.maxCode} (${expect.maxCode === 1 ? "0 insulator, 1 conductor" : "phase codes"})`,
      );
    }
  return { ids, h: expect.h, w: expect.w, x };
}

// ---- splits ----

export interface Split {
  train: number[];
  val: number[];
  test: number[];
}

/**
 * Seeded split of 0..n-1: `sizes` as fractions summing to at most 1 (train gets the rest) or as
 * counts summing to at most n. Fisher-Yates with the project PRNG, so the same seed gives the same
 * split everywhere.
 */
export function splitIndices(n: number, sizes: { train?: number; val: number; test: number }, seed: number): Split {
  const given = [sizes.train, sizes.val, sizes.test].filter((v): v is number => v !== undefined);
  if (!given.every((v) => v >= 0 && Number.isFinite(v)))
    throw new ConfigError(`split: sizes ${JSON.stringify(sizes)} must be non-negative`);
  const sum = given.reduce((a, b) => a + b, 0);
  const frac = given.every((v) => v < 1) || (sum === 1 && given.every((v) => v === 0 || v === 1));
  if (!frac && !given.every(Number.isInteger))
    throw new ConfigError(`split: sizes ${JSON.stringify(sizes)}: give fractions (each < 1) or whole counts`);
  const nVal = frac ? Math.round(sizes.val * n) : sizes.val;
  const nTest = frac ? Math.round(sizes.test * n) : sizes.test;
  const nTrain = sizes.train === undefined ? n - nVal - nTest : frac ? Math.round(sizes.train * n) : sizes.train;
  if (!(nTrain >= 1) || nVal < 0 || nTest < 0 || nTrain + nVal + nTest > n)
    throw new ConfigError(`split: train ${nTrain}, val ${nVal}, test ${nTest} samples do not fit in ${n} (give fractions of 1 or counts)`);
  const idx = Array.from({ length: n }, (_, i) => i);
  const r = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = r.u32() % (i + 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return { train: idx.slice(0, nTrain), val: idx.slice(nTrain, nTrain + nVal), test: idx.slice(nTrain + nVal, nTrain + nVal + nTest) };
}

/** Fits input/output scalers on the training rows only. */
export function fitScalers(
  ds: Dataset,
  train: number[],
  opts: { log10Inputs?: string[]; log10Outputs?: string[]; pixelDivisor?: number } = {},
): Scalers {
  const input =
    ds.kind === "images"
      ? new ImageScaler(opts.pixelDivisor ?? ds.pixelDivisor ?? 255)
      : MinMaxScaler.fit(ds.x, ds.inputNames, opts.log10Inputs ?? [], train);
  const output = MinMaxScaler.fit(ds.y, ds.outputNames, opts.log10Outputs ?? [], train);
  return { input, output };
}

/** Scaled float32 arrays for the given rows: x [k, ...xShape], y [k, m]. */
export function scaledRows(ds: Dataset, rows: number[], s: Scalers): { x: Float32Array; y: Float32Array; n: number } {
  const d = sampleSize(ds),
    m = ds.outputNames.length;
  const xr = ds.x instanceof Uint8Array ? new Uint8Array(rows.length * d) : new Float64Array(rows.length * d);
  const yr = new Float64Array(rows.length * m);
  rows.forEach((r, k) => {
    xr.set(ds.x.subarray(r * d, (r + 1) * d), k * d);
    yr.set(ds.y.subarray(r * m, (r + 1) * m), k * m);
  });
  return { x: s.input.transform(xr), y: s.output.transform(yr), n: rows.length };
}
