/**
 * TensorFlow.js for the ML modules, loaded by a dynamic import when the first of them loads (a
 * top-level await), so that a missing @tensorflow/tfjs is a one-line ConfigError naming the package
 * and its install command rather than a module-resolution stack trace. The core library (assbkit)
 * never imports this module; types come from `import type * as TF from "@tensorflow/tfjs"`.
 */
import type * as TF from "@tensorflow/tfjs";
import { importOptional } from "../core/optional.js";

export type Tf = typeof TF;

export const tf: Tf = await importOptional("ml", "@tensorflow/tfjs", () => import("@tensorflow/tfjs"));
