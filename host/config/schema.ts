/** Zod helpers for physical quantities: accept numbers (SI) or strings with units, say the unit on error. */
import { z } from "zod";
import { parseQuantity, quantityProblem } from "./units.js";

export interface Range {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

function rangeText(r: Range): string {
  const lo = r.min === undefined ? "(-inf" : `${r.minExclusive ? "(" : "["}${r.min}`;
  const hi = r.max === undefined ? "inf)" : `${r.max}${r.maxExclusive ? ")" : "]"}`;
  return `${lo}, ${hi}`;
}

const EXAMPLE: Record<string, string> = {
  m: "10 um",
  Pa: "375 MPa",
  s: "10 min",
  "m/s": "0.5",
  "kg/m^3": "4.75 g/cm^3",
  N: "2 kN",
  "-": "0.3",
};

/** A real number in SI `unit` within `range`; strings like "10 um" are converted (a string in a unit of another kind says so). */
export function quantity(unit: string, range: Range = {}, what = "value") {
  const example = EXAMPLE[unit] ?? "1";
  return z.preprocess(
    (v, ctx) => {
      if (typeof v !== "string") return v;
      const x = parseQuantity(v, unit);
      if (Number.isNaN(x)) {
        ctx.addIssue({
          code: "custom",
          message: `expected ${what} in ${unit} (a number, or a string with a unit, e.g. "${example}"): ${quantityProblem(v, unit)}`,
          input: v,
        });
        return z.NEVER;
      }
      return x;
    },
    z
      .number({
        error: (iss) =>
          iss.input === undefined
            ? `required: ${what} [${unit}]`
            : `expected ${what} as a number in ${unit} (or a string with a unit, e.g. "${example}")`,
      })
      .refine((x) => Number.isFinite(x), { message: `expected a finite ${what} [${unit}]` })
      .refine(
        (x) =>
          ((r) =>
            (r.min === undefined || (r.minExclusive ? x > r.min : x >= r.min)) &&
            (r.max === undefined || (r.maxExclusive ? x < r.max : x <= r.max)))(range),
        {
          message: `${what} must lie in ${rangeText(range)} ${unit}`,
        },
      ),
  );
}

export const vec3 = (unit: string, what: string) => z.tuple([quantity(unit, {}, what), quantity(unit, {}, what), quantity(unit, {}, what)]);
