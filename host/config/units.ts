/** Quantities with units at the boundary: "10 um", "375 MPa", "2.5e-10 s" -> SI numbers. */

const PREFIX: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, m: 1e-3, u: 1e-6, "µ": 1e-6, n: 1e-9, p: 1e-12 };
const BASE: Record<string, { dim: string; factor: number }> = {
  m: { dim: "m", factor: 1 }, s: { dim: "s", factor: 1 }, Pa: { dim: "Pa", factor: 1 }, N: { dim: "N", factor: 1 },
  g: { dim: "kg", factor: 1e-3 }, J: { dim: "J", factor: 1 }, K: { dim: "K", factor: 1 },
  bar: { dim: "Pa", factor: 1e5 }, min: { dim: "s", factor: 60 }, h: { dim: "s", factor: 3600 },
};

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
  for (const [p, pf] of Object.entries(PREFIX)) {
    if (!u.startsWith(p)) continue;
    const b = BASE[u.slice(p.length)];
    if (b && b.dim === unit) return x * pf * b.factor;
  }
  return NaN;
}
