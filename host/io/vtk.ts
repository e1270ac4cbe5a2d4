/**
 * Legacy VTK (ASCII POLYDATA) of particles for ParaView: points at the particle centres with every
 * numeric column as point data (scalars; x/y/z triples such as vx_m_s, vy_m_s, vz_m_s as vectors).
 * Render with the Glyph filter (Sphere, scale by radius_m, factor 2).
 */
export function particlesVtk(cols: Record<string, ArrayLike<number> | (number | string)[]>, title = "assbkit particles"): string {
  const x = cols.x_m as ArrayLike<number>,
    y = cols.y_m as ArrayLike<number>,
    z = cols.z_m as ArrayLike<number>;
  if (!x || !y || !z) throw new Error("vtk: particle columns x_m, y_m, z_m are required");
  const n = x.length;
  const out: string[] = [
    "# vtk DataFile Version 3.0",
    title.replace(/\n/g, " ").slice(0, 255),
    "ASCII",
    "DATASET POLYDATA",
    `POINTS ${n} double`,
  ];
  for (let i = 0; i < n; i++) out.push(`${x[i]} ${y[i]} ${z[i]}`);
  out.push(`VERTICES ${n} ${2 * n}`);
  for (let i = 0; i < n; i++) out.push(`1 ${i}`);
  out.push(`POINT_DATA ${n}`);
  const names = Object.keys(cols);
  const used = new Set(["x_m", "y_m", "z_m"]);
  // vectors: columns <p>x_<unit>, <p>y_<unit>, <p>z_<unit>
  for (const name of names) {
    const m = /^(\w*?)x(_.+)$/.exec(name);
    if (!m || used.has(name)) continue;
    const [ny, nz] = [`${m[1]}y${m[2]}`, `${m[1]}z${m[2]}`];
    if (!(ny in cols) || !(nz in cols) || typeof (cols[name] as ArrayLike<unknown>)[0] !== "number") continue;
    const a = cols[name] as ArrayLike<number>,
      b = cols[ny] as ArrayLike<number>,
      c = cols[nz] as ArrayLike<number>;
    out.push(`VECTORS ${`${m[1]}${m[2]}`.replace(/^_/, "") || "vector"} double`);
    for (let i = 0; i < n; i++) out.push(`${a[i]} ${b[i]} ${c[i]}`);
    used.add(name).add(ny).add(nz);
  }
  for (const name of names) {
    if (used.has(name)) continue;
    const col = cols[name];
    if (typeof (col as ArrayLike<unknown>)[0] === "string") {
      // categorical (material names): integer codes in first-seen order
      const codes = new Map<string, number>();
      const v = Array.from(col as ArrayLike<string>, (s) => {
        if (!codes.has(s)) codes.set(s, codes.size);
        return codes.get(s)!;
      });
      out.push(`SCALARS ${name}_code int 1`, "LOOKUP_TABLE default", ...v.map(String));
      continue;
    }
    out.push(`SCALARS ${name} double 1`, "LOOKUP_TABLE default");
    const a = col as ArrayLike<number>;
    for (let i = 0; i < n; i++) out.push(Number.isFinite(a[i]) ? String(a[i]) : "0");
  }
  return out.join("\n") + "\n";
}
