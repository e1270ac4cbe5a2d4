/** Zod helpers for physical quantities: accept numbers (SI) or strings with units, say the unit on error. */
import { z } from "zod";
import { parseQuantity } from "./units.js";

export interface Range { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }

function rangeText(r: Range): string {
  const lo = r.min === undefined ? "(-inf" : `${r.minExclusive ? "(" : "["}${r.min}`;
  const hi = r.max === undefined ? "inf)" : `${r.max}${r.maxExclusive ? ")" : "]"}`;
  return `${lo}, ${hi}`;
}

/** A real number in SI `unit` within `range`; strings like "10 um" are converted. */
export function quantity(unit: string, range: Range = {}, what = "value") {
  return z.preprocess(
    (v) => (typeof v === "string" ? parseQuantity(v, unit) : v),
    z.number({ error: (iss) => (iss.input === undefined ? `required: ${what} [${unit}]` : `expected ${what} as a number in ${unit} (or a string with a unit, e.g. "10 um")`) })
      .refine((x) => Number.isFinite(x), { message: `expected a finite ${what} [${unit}]` })
      .refine((x) => (r => (r.min === undefined || (r.minExclusive ? x > r.min : x >= r.min)) && (r.max === undefined || (r.maxExclusive ? x < r.max : x <= r.max)))(range), {
        message: `${what} must lie in ${rangeText(range)} ${unit}`,
      }),
  );
}

export const vec3 = (unit: string, what: string) => z.tuple([quantity(unit, {}, what), quantity(unit, {}, what), quantity(unit, {}, what)]);
