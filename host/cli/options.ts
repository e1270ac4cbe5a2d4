/** Command-line values with units, parsed once, each refusal naming the option, the value and the unit. */
import { parseQuantity } from "../config/units.js";
import { inputError } from "../config/errors.js";

/** A quantity in SI `unit` ("20 um" or a bare SI number), optionally bounded below. */
export function quantityOption(
  option: string,
  value: string,
  unit: string,
  o: { min?: number; minExclusive?: boolean; example?: string } = {},
): number {
  const x = parseQuantity(value, unit);
  const lo = o.min === undefined ? "" : ` ${o.minExclusive ? ">" : ">="} ${o.min}`;
  if (!Number.isFinite(x) || (o.min !== undefined && (o.minExclusive ? !(x > o.min) : !(x >= o.min)))) {
    throw inputError(
      option,
      value,
      `a ${unit === "m" ? "length" : "value"}${lo} in ${unit} or with a unit, e.g. ${o.example ?? (unit === "m" ? "20um" : `1 ${unit}`)}`,
      unit,
    );
  }
  return x;
}

/** A comma-separated list of `n` quantities (e.g. a frame "0,0,40um,40um"). */
export function quantityList(option: string, value: string, unit: string, n: number, example: string): number[] {
  const parts = value.split(",").map((v) => v.trim());
  const xs = parts.map((v) => parseQuantity(v, unit));
  if (parts.length !== n || xs.some((x) => !Number.isFinite(x)))
    throw inputError(option, value, `${n} comma-separated values in ${unit} or with units, e.g. ${example}`, unit);
  return xs;
}

/** An integer in [min, max]. */
export function intOption(option: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER, what = "an integer"): number {
  const x = Number(value);
  if (!Number.isInteger(x) || x < min || x > max) throw inputError(option, value, `${what} in [${min}, ${max}]`);
  return x;
}
