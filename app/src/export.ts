// What each panel exports: files the browser downloads (CSV, JSON, PNG, legacy VTK polydata of the particles).

export function download(name: string, data: Blob | string, type = "text/plain"): void {
  const blob = typeof data === "string" ? new Blob([data], { type }) : data;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** CSV of named columns (full precision: the numbers round-trip). */
export function csv(cols: Record<string, ArrayLike<number | string>>): string {
  const names = Object.keys(cols);
  const n = Math.max(0, ...names.map((k) => cols[k].length));
  const rows = [names.join(",")];
  for (let i = 0; i < n; i++) rows.push(names.map((k) => String(cols[k][i] ?? "")).join(","));
  return `${rows.join("\n")}\n`;
}

export function canvasPng(canvas: HTMLCanvasElement, name: string): void {
  canvas.toBlob((b) => b && download(name, b));
}

/** Legacy VTK polydata: one vertex per particle with radius and the scalar fields (ParaView: Glyph by radius). */
export function particlesVtk(x: number[], y: number[], z: number[], fields: Record<string, ArrayLike<number>>): string {
  const n = x.length;
  const out = ["# vtk DataFile Version 3.0", "assbkit particles", "ASCII", "DATASET POLYDATA", `POINTS ${n} double`];
  for (let i = 0; i < n; i++) out.push(`${x[i]} ${y[i]} ${z[i]}`);
  out.push(`VERTICES ${n} ${2 * n}`);
  for (let i = 0; i < n; i++) out.push(`1 ${i}`);
  out.push(`POINT_DATA ${n}`);
  for (const [name, v] of Object.entries(fields)) {
    out.push(`SCALARS ${name} double 1`, "LOOKUP_TABLE default");
    for (let i = 0; i < n; i++) out.push(String(v[i]));
  }
  return `${out.join("\n")}\n`;
}
