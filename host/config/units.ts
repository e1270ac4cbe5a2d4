/** Quantities with units at the boundary: "10 um", "375 MPa", "2.5e-10 s" -> SI numbers. */

// decimal exponents, applied by multiplying or dividing by an exact power of ten so that
// "5 um" gives exactly the double 5e-6
const PREFIX: Record<string, number> = { "": 0, k: 3, M: 6, G: 9, m: -3, u: -6, µ: -6, n: -9, p: -12 };
const BASE: Record<string, { dim: string; exp: number; mult: number }> = {
  m: { dim: "m", exp: 0, mult: 1 },
  s: { dim: "s", exp: 0, mult: 1 },
  Pa: { dim: "Pa", exp: 0, mult: 1 },
  N: { dim: "N", exp: 0, mult: 1 },
  g: { dim: "kg", exp: -3, mult: 1 },
  J: { dim: "J", exp: 0, mult: 1 },
  K: { dim: "K", exp: 0, mult: 1 },
  bar: { dim: "Pa", exp: 5, mult: 1 },
  min: { dim: "s", exp: 0, mult: 60 },
  h: { dim: "s", exp: 0, mult: 3600 },
};
const scale = (x: number, e: number) => (e >= 0 ? x * 10 ** e : x / 10 ** -e);

/** Parses "12 um" into 1.2e-5 given the expected SI unit ("m"); a bare number is taken as SI. */
export function parseQuantity(value: unknown, unit: string): number {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return NaN;
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµ/^0-9]*)\s*$/.exec(value);
  if (!m) return NaN;
  const x = Number(m[1]);
  const u = m[2];
  if (u === "" || u === unit) return x;
  if (unit === "kg/m^3" && (u === "g/cm^3" || u === "g/cc")) return x * 1000;
  for (const [p, pe] of Object.entries(PREFIX)) {
    if (!u.startsWith(p)) continue;
    const b = BASE[u.slice(p.length)];
    if (b && b.dim === unit) return scale(x * b.mult, pe + b.exp);
  }
  return NaN;
}

/** The SI unit a unit string stands for ("kPa" -> "Pa", "um" -> "m", "g/cm^3" -> "kg/m^3"), when this parser knows it. */
export function unitDimension(u: string): string | undefined {
  if (u === "g/cm^3" || u === "g/cc") return "kg/m^3";
  for (const [p] of Object.entries(PREFIX)) {
    if (!u.startsWith(p)) continue;
    const b = BASE[u.slice(p.length)];
    if (b) return b.dim;
  }
  return undefined;
}

/** Why `value` is not a quantity in `unit`: a unit of another kind, an unknown unit, or no number at all. */
export function quantityProblem(value: string, unit: string): string {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµ/^0-9]*)\s*$/.exec(value);
  if (!m) return "not a number with a unit";
  const dim = unitDimension(m[2]);
  if (dim && dim !== unit) return `${m[2]} is a unit of ${dim}, not of ${unit}`;
  return `unknown unit '${m[2]}'`;
}
