/**
 * LIGGGHTS 3.8.0 (Debian's `liggghts`) as the same-run baseline of the DEM benches: writes its data file
 * (and the top-wall STL of compaction.in) from the state the bench uses itself, runs it in this process
 * tree (1 process, or `mpirun -np 2`), and reads its loop time. When it is not installed the benches say
 * so and fall back to the figures recorded in fixtures/dem, labelled "recorded".
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The LIGGGHTS banner's version line, or null when `liggghts` is not on the PATH. */
export function liggghtsVersion(): string | null {
  // (`-h` prints the banner and exits 1; run elsewhere: it leaves a log.liggghts in its folder)
  const r = spawnSync("liggghts", ["-h"], { encoding: "utf8", cwd: tmpdir() });
  if (r.error) return null;
  return /LIGGGHTS \(Version ([^,)]+)/.exec(r.stdout)?.[1] ?? null;
}

/** True when `mpirun` can start 2 LIGGGHTS ranks here (Open MPI refuses root without the override). */
export function mpirunAvailable(): boolean {
  const r = spawnSync("mpirun", ["--version"], { encoding: "utf8" });
  return !r.error && r.status === 0;
}

/** A particle as a LIGGGHTS `atom_style granular` data line needs it (type 1 = AM, 2 = SE). */
export interface DataParticle {
  id: number;
  type: number;
  x: number;
  y: number;
  z: number;
  radius_m: number;
  density_kg_m3: number;
}

/** The particles of a bench CSV (id,type,x_m,y_m,z_m,radius_m,density_kg_m3: the dense-state cache and the fixtures). */
export function particlesFromCsv(csv: string): DataParticle[] {
  const lines = csv.trim().split("\n");
  const head = lines[0].split(",");
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`liggghts: the particle CSV has no column ${name} (columns: ${head.join(", ")})`);
    return i;
  };
  const [ci, ct, cx, cy, cz, cr, cd] = ["id", "type", "x_m", "y_m", "z_m", "radius_m", "density_kg_m3"].map(col);
  return lines.slice(1).map((l) => {
    const f = l.split(",").map(Number);
    return { id: f[ci], type: f[ct], x: f[cx], y: f[cy], z: f[cz], radius_m: f[cr], density_kg_m3: f[cd] };
  });
}

/** A LIGGGHTS data file: periodic x, y over [0, Lxy], z over [0, zHi]; 3 atom types (the third: the wall's steel). */
export function dataFile(ps: DataParticle[], Lxy_m: number, zHi_m: number): string {
  const out = [
    "LIGGGHTS data file written by assbkit's DEM bench",
    "",
    `${ps.length} atoms`,
    "3 atom types",
    "",
    `0 ${Lxy_m} xlo xhi`,
    `0 ${Lxy_m} ylo yhi`,
    `0 ${zHi_m} zlo zhi`,
    "",
    "Atoms",
    "",
  ];
  for (const p of ps) out.push(`${p.id} ${p.type} ${2 * p.radius_m} ${p.density_kg_m3} ${p.x} ${p.y} ${p.z}`);
  return `${out.join("\n")}\n`;
}

/** compaction.in's top wall: a square of side Lxy at z = 0 (the deck moves it to H0), as two facets of an ASCII STL. */
export function topWallStl(Lxy_m: number): string {
  const v = (x: number, y: number) => `      vertex ${x} ${y} 0`;
  const facet = (a: string, b: string, c: string) =>
    ["  facet normal 0 0 -1", "    outer loop", a, b, c, "    endloop", "  endfacet"].join("\n");
  const L = Lxy_m;
  return `solid top\n${facet(v(0, 0), v(0, L), v(L, L))}\n${facet(v(0, 0), v(L, L), v(L, 0))}\nendsolid top\n`;
}

export interface LiggghtsRun {
  /** Sum of the "Loop time" lines (the timed steps, set-up excluded as in our benches). */
  loop_s: number;
  /** Steps over all runs of the deck. */
  steps: number;
  atoms: number;
  ranks: number;
  /** Wall-clock seconds of the whole process (start-up and set-up included). */
  wall_s: number;
  /** What the deck printed (thermo and `print` lines). */
  stdout: string;
}

/**
 * Runs deck `inputPath` (copied into a fresh folder with `files`, name -> text) with `-var` pairs; `ranks` 2 runs it
 * under mpirun. Throws with the tail of LIGGGHTS's output when it fails.
 */
export function runLiggghts(
  inputPath: string,
  files: Record<string, string>,
  vars: Record<string, string | number>,
  ranks = 1,
): LiggghtsRun {
  const dir = mkdtempSync(join(tmpdir(), "assb-liggghts-"));
  try {
    copyFileSync(inputPath, join(dir, "in.deck"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const args = ["-in", "in.deck", "-log", "none", "-echo", "none", ...Object.entries(vars).flatMap(([k, v]) => ["-var", k, String(v)])];
    const [cmd, argv] =
      ranks > 1 ? ["mpirun", ["--allow-run-as-root", "--oversubscribe", "-np", String(ranks), "liggghts", ...args]] : ["liggghts", args];
    const t0 = performance.now();
    const r = spawnSync(cmd, argv, { cwd: dir, encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
    const wall_s = (performance.now() - t0) / 1000;
    const loops = [...r.stdout.matchAll(/Loop time of ([\d.eE+-]+) on (\d+) procs for (\d+) steps with (\d+) atoms/g)];
    if (r.status !== 0 || loops.length === 0) {
      const tail = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-5).join(" | ");
      throw new Error(`liggghts ${inputPath} (${ranks} rank${ranks > 1 ? "s" : ""}) failed, exit ${r.status}: ${tail}`);
    }
    return {
      loop_s: loops.reduce((a, m) => a + Number(m[1]), 0),
      steps: loops.reduce((a, m) => a + Number(m[3]), 0),
      atoms: Number(loops[loops.length - 1][4]),
      ranks,
      wall_s,
      stdout: r.stdout,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median, min and max. */
export function spread(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return { median: s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]), min: s[0], max: s[s.length - 1] };
}

/** "4.12e6 (3.90-4.30)" */
export function fmtRate(xs: number[]): string {
  const s = spread(xs);
  return `${(s.median / 1e6).toFixed(2)}e6 (${(s.min / 1e6).toFixed(2)}-${(s.max / 1e6).toFixed(2)})`;
}
