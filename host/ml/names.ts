/**
 * Names that come from configs, data or model files and end up in file names (Grad-CAM maps, weight
 * files): one rule for all of them (browser-safe: no Node imports).
 */
import { ConfigError } from "../config/errors.js";

/** The tfjs backends a command can ask for. */
export const ML_BACKENDS = ["auto", "tensorflow", "wasm", "cpu"] as const;
export type MlBackendChoice = (typeof ML_BACKENDS)[number];

/** `--backend` (or a config's backend): one of ML_BACKENDS, else a one-line error listing them. */
export function parseBackend(v: string | undefined, where = "--backend"): MlBackendChoice | undefined {
  if (v === undefined) return undefined;
  if (!(ML_BACKENDS as readonly string[]).includes(v))
    throw new ConfigError(`${where} = ${JSON.stringify(v)}: expected one of ${ML_BACKENDS.join(", ")}`);
  return v as MlBackendChoice;
}

/**
 * A string as one file-name component. Refused (one-line ConfigError naming `where`) when it would
 * leave the folder it is joined to: an absolute path, a drive letter, a `..` segment, NUL. Otherwise
 * path separators and every character outside [A-Za-z0-9_.-] become "_" (a sample id "sub/a.png"
 * becomes "sub_a.png"); an empty result or one of only dots is refused too.
 */
export function safeFileName(name: string, where: string): string {
  const s = String(name);
  const escapes = s.includes("\0") || /^[\\/]/.test(s) || /^[A-Za-z]:/.test(s) || s.split(/[\\/]/).some((seg) => seg === "..");
  const out = s.replace(/[^\w.-]/g, "_");
  if (escapes || /^\.*$/.test(out)) {
    throw new ConfigError(
      `${where} = ${JSON.stringify(s)}: cannot be used in a file name (it would leave the output folder or is empty); expected a plain name, e.g. letters, digits, _ . -`,
    );
  }
  return out;
}
