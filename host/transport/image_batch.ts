/**
 * The image inputs of `assb transport-images` and of `assb predict` with a conductor-image model: a
 * folder of PNGs (conductor where gray >= 128: code 1, else 0, the files in name order), or one batch
 * tensor [images, rows, cols] (.json sidecar + .raw, or a .tif stack) with its codes as they are.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { ConfigError, fsError } from "../config/errors.js";
import { readVolume, decodePng } from "./volume.js";
import type { Volume } from "./volume_type.js";

export function readPngFolder(src: string, who = "transport-images"): { batch: Volume; names: string[] } {
  let names: string[];
  try {
    names = readdirSync(src)
      .filter((f) => extname(f).toLowerCase() === ".png")
      .sort();
  } catch (e) {
    throw fsError(e, src, "list");
  }
  if (names.length === 0) throw new ConfigError(`${who}: folder ${src} holds no .png images`);
  const imgs = names.map((f) => {
    const p = join(src, f);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(p);
    } catch (e) {
      throw fsError(e, p, "read");
    }
    return decodePng(bytes, p);
  });
  const [h, w] = [imgs[0].height, imgs[0].width];
  const bad = imgs.findIndex((im) => im.height !== h || im.width !== w);
  if (bad >= 0)
    throw new ConfigError(
      `${who}: ${join(src, names[bad])} is ${imgs[bad].width}x${imgs[bad].height}, ${names[0]} is ${w}x${h}; all images must have the same size`,
    );
  const data = new Uint8Array(imgs.length * h * w);
  imgs.forEach((im, i) => {
    for (let p = 0; p < h * w; p++) data[i * h * w + p] = im.gray[p] >= 128 ? 1 : 0;
  });
  return { batch: { shape: [imgs.length, h, w], data, phases: { "0": "insulator", "1": "conductor" } }, names };
}

/** A PNG folder or a batch file, as `assb transport-images` reads it; `names`: the PNG files, for a folder. */
export function readImageBatch(src: string, who = "transport-images"): { batch: Volume; names?: string[] } {
  let dir: boolean;
  try {
    dir = statSync(src).isDirectory();
  } catch (e) {
    throw fsError(e, src, "read");
  }
  return dir ? readPngFolder(src, who) : { batch: readVolume(src) };
}
