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

/**
 * Legacy VTK (ASCII UNSTRUCTURED_GRID) of a 2D quad mesh for ParaView: points (z = 0), VTK_QUAD cells (4 point
 * indices each, counter-clockwise), point data (scalars, or 2-vectors written as 3-vectors with z = 0) and cell
 * data (scalars). Non-finite values are written as NaN, which ParaView shows as missing.
 */
export function quadMeshVtk(
  mesh: { x: ArrayLike<number>; y: ArrayLike<number>; quads: ArrayLike<number> },
  pointData: Record<string, ArrayLike<number> | [ArrayLike<number>, ArrayLike<number>]>,
  cellData: Record<string, ArrayLike<number>>,
  title = "assbkit mesh",
): string {
  const n = mesh.x.length,
    ne = mesh.quads.length / 4;
  const num = (v: number) => (Number.isFinite(v) ? String(v) : "nan");
  const out = [
    "# vtk DataFile Version 3.0",
    title.replace(/\n/g, " ").slice(0, 255),
    "ASCII",
    "DATASET UNSTRUCTURED_GRID",
    `POINTS ${n} double`,
  ];
  for (let i = 0; i < n; i++) out.push(`${mesh.x[i]} ${mesh.y[i]} 0`);
  out.push(`CELLS ${ne} ${5 * ne}`);
  for (let e = 0; e < ne; e++)
    out.push(`4 ${mesh.quads[4 * e]} ${mesh.quads[4 * e + 1]} ${mesh.quads[4 * e + 2]} ${mesh.quads[4 * e + 3]}`);
  out.push(`CELL_TYPES ${ne}`);
  for (let e = 0; e < ne; e++) out.push("9");
  out.push(`POINT_DATA ${n}`);
  for (const [name, v] of Object.entries(pointData)) {
    if (Array.isArray(v) && v.length === 2 && typeof v[0] !== "number") {
      const [a, b] = v as [ArrayLike<number>, ArrayLike<number>];
      out.push(`VECTORS ${name} double`);
      for (let i = 0; i < n; i++) out.push(`${num(a[i])} ${num(b[i])} 0`);
    } else {
      const a = v as ArrayLike<number>;
      out.push(`SCALARS ${name} double 1`, "LOOKUP_TABLE default");
      for (let i = 0; i < n; i++) out.push(num(a[i]));
    }
  }
  out.push(`CELL_DATA ${ne}`);
  for (const [name, a] of Object.entries(cellData)) {
    out.push(`SCALARS ${name} double 1`, "LOOKUP_TABLE default");
    for (let e = 0; e < ne; e++) out.push(num(a[e]));
  }
  return `${out.join("\n")}\n`;
}

/** Legacy VTK POLYDATA points (z = 0) with scalar point data: e.g. the interface elements of a 2D mesh. */
export function points2dVtk(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  data: Record<string, ArrayLike<number>>,
  title = "assbkit points",
): string {
  const n = x.length;
  const out = ["# vtk DataFile Version 3.0", title.replace(/\n/g, " ").slice(0, 255), "ASCII", "DATASET POLYDATA", `POINTS ${n} double`];
  for (let i = 0; i < n; i++) out.push(`${x[i]} ${y[i]} 0`);
  out.push(`VERTICES ${n} ${2 * n}`);
  for (let i = 0; i < n; i++) out.push(`1 ${i}`);
  out.push(`POINT_DATA ${n}`);
  for (const [name, a] of Object.entries(data)) {
    out.push(`SCALARS ${name} double 1`, "LOOKUP_TABLE default");
    for (let i = 0; i < n; i++) out.push(Number.isFinite(a[i]) ? String(a[i]) : "nan");
  }
  return `${out.join("\n")}\n`;
}
