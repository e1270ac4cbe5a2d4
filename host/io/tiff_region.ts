/**
 * A region (crop) of a TIFF stack, read page by page: only the pages of the crop, and of each page
 * only the strips holding its rows, are decoded (tiff_decode.ts), so memory holds the crop and one
 * decoded strip range. As grey values in the file's own sample type, or as uint8 phase codes.
 */
import type { Crop } from "./crop.js";
import { pageRegion } from "./crop.js";
import { asSigned, GREY_DTYPES, tiffGreyDtype, type GreyArray, type GreyDtype } from "./grey.js";
import type { ByteSource } from "./byte_source.js";
import { sampleKind, type TiffLayout } from "./tiff_layout.js";
import { decodeStrips } from "./tiff_decode.js";
import { toLabels } from "./labels.js";

type Row = (values: ArrayLike<number>, from: number, k: number, page: number, y: number) => void;

/**
 * Calls `row(values, from, k, page, y)` for every row of the region, in C order: values[from ..
 * from + nx) are the samples of row y of page `page`, the k-th row of the crop. `onPage(done, total)`
 * after each page.
 */
export function tiffRegionRows(
  f: ByteSource,
  lay: TiffLayout,
  source: string,
  crop: Crop,
  row: Row,
  onPage?: (done: number, total: number) => void,
): void {
  const { z, y, x } = pageRegion(crop);
  const dtype = tiffGreyDtype(lay.bitsPerSample, lay.sampleFormat);
  let k = 0;
  for (let pz = z[0]; pz < z[1]; pz++) {
    const p = lay.pages[pz];
    const s0 = Math.floor(y[0] / p.rowsPerStrip),
      s1 = Math.ceil(y[1] / p.rowsPerStrip);
    const values = asSigned(decodeStrips(f, lay, p, s0, s1, `volume: ${source}: page ${pz}`), dtype);
    const first = s0 * p.rowsPerStrip;
    for (let r = y[0]; r < y[1]; r++, k++) row(values, (r - first) * lay.w + x[0], k, pz, r);
    onPage?.(pz - z[0] + 1, z[1] - z[0]);
  }
}

/** The grey values of a region of the stack, in the file's sample type ([pages, rows, cols] of the crop, C order). */
export function readTiffGrey(
  f: ByteSource,
  lay: TiffLayout,
  source: string,
  crop: Crop,
  onPage?: (done: number, total: number) => void,
): { data: GreyArray; dtype: GreyDtype } {
  const dtype = tiffGreyDtype(lay.bitsPerSample, lay.sampleFormat);
  const { z, y, x } = pageRegion(crop);
  const nx = x[1] - x[0];
  const data = GREY_DTYPES[dtype].make((z[1] - z[0]) * (y[1] - y[0]) * nx);
  tiffRegionRows(f, lay, source, crop, (values, from, k) => data.set((values as GreyArray).subarray(from, from + nx), k * nx), onPage);
  return { data, dtype };
}

/** A region of a label stack as uint8 phase codes (samples that are not integers 0-255 are refused: io/labels.ts). */
export function readTiffLabelsRegion(
  f: ByteSource,
  lay: TiffLayout,
  source: string,
  crop: Crop,
  onPage?: (done: number, total: number) => void,
): Uint8Array {
  const { z, y, x } = pageRegion(crop);
  const nx = x[1] - x[0];
  const data = new Uint8Array((z[1] - z[0]) * (y[1] - y[0]) * nx);
  const what = `a ${sampleKind(lay.bitsPerSample, lay.sampleFormat)} grey-value stack`;
  tiffRegionRows(
    f,
    lay,
    source,
    crop,
    (values, from, k, page, r) =>
      toLabels(values, `volume: ${source}`, what, {
        n: nx,
        from,
        into: data,
        at: k * nx,
        where: (i) => `page ${page}, row ${r}, column ${x[0] + i}`,
      }),
    onPage,
  );
  return data;
}
