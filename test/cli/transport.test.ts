/** `assb voxelize`, `assb transport`, `assb transport-images` end to end, and their errors. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, truncateSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, fixture, relErr } from "../helpers.js";

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });
const out = mkdtempSync(join(tmpdir(), "assb-tp-"));

test("voxelize a packing, then transport of its AM network along z (JSON result; the TIFF carries transport_axis and periodicXY)", () => {
  const v = assb(
    "voxelize",
    fixture("dem/pack2k_init.csv"),
    "--voxel",
    "1.5um",
    "--lxy",
    "90um",
    "--height",
    "187.5um",
    "-o",
    join(out, "p.tif"),
  );
  assert.is(v.status, 0, v.stderr);
  assert.match(v.stdout, /D_SCA = 6 V_AM \/ S_AM-SE = /);
  assert.equal(readdirSync(out).sort(), ["p.tif", "p_surface.json"]);
  const surf = JSON.parse(readFileSync(join(out, "p_surface.json"), "utf8"));
  assert.equal(surf.shape_zyx, [125, 60, 60]);
  const t = assb("transport", join(out, "p.tif"), "--phase", "AM", "-o", join(out, "am.json"));
  assert.is(t.status, 0, t.stderr + t.stdout);
  const r = JSON.parse(readFileSync(join(out, "am.json"), "utf8"));
  assert.is(r.phase, "AM");
  assert.is(r.axis, 0);
  assert.is(r.axisSource, "the volume's transport_axis");
  assert.is(r.periodicLateral, true);
  assert.is(r.periodicSource, "the volume's periodicXY");
  assert.ok(r.version && r.solve.status);
  assert.ok(r.deffRel === 0 ? r.tauFactor === "Infinity" : r.tauFactor > 1, JSON.stringify(r.tauFactor));
});

test("transport on a fixture volume matches the reference; SOR method selectable", () => {
  const t = assb(
    "transport",
    fixture("transport/sph_s80_64.json"),
    "--phase",
    "SE",
    "--axis",
    "0",
    "--method",
    "sor",
    "--rtol",
    "1e-9",
    "-o",
    join(out, "se.json"),
  );
  assert.is(t.status, 0, t.stderr);
  const r = JSON.parse(readFileSync(join(out, "se.json"), "utf8"));
  assert.ok(relErr(r.tauFactor, 6.433523981433335) < 1e-6);
  assert.is(r.solve.method, "sor");
});

test("transport-images writes a CSV of currents", () => {
  const t = assb("transport-images", fixture("transport/img64_batch100.json"), "--axis", "0", "-o", join(out, "cur.csv"));
  assert.is(t.status, 0, t.stderr);
  const rows = readFileSync(join(out, "cur.csv"), "utf8").trim().split("\n");
  assert.is(rows.length, 101);
  const ref = readFileSync(fixture("transport/img64_batch100_reference.csv"), "utf8").trim().split("\n");
  assert.ok(relErr(Number(rows[1].split(",")[4]), Number(ref[1].split(",")[3])) < 1e-6);
});

test("bad input: unknown phase, bad axis name, bad method exit 2 with the field named", () => {
  const f = fixture("transport/sph_s80_64.json");
  let r = assb("transport", f, "--phase", "CB");
  assert.is(r.status, 2);
  assert.match(r.stderr, /phase = "CB": unknown phase/);
  r = assb("transport", f, "--axis", "w");
  assert.is(r.status, 2);
  assert.match(r.stderr, /--axis = "w": expected an index 0-2 or one of z, y, x/);
  r = assb("transport", f, "--method", "gmres");
  assert.is(r.status, 2);
  assert.match(r.stderr, /--method = "gmres": expected pcg/);
});

/** A sparse file of `bytes` (no data blocks written: instant, no disk used). */
function sparse(path: string, bytes: number): void {
  writeFileSync(path, "");
  truncateSync(path, bytes);
}

test("transport refuses a volume too large for the machine (in slabs) or for wasm32 (sor) from its sidecar or TIFF header, before reading it (1000^3; over 2 GiB)", () => {
  writeFileSync(
    join(out, "k1000.json"),
    JSON.stringify({ shape: [1000, 1000, 1000], phases: { "0": "pore", "1": "AM", "2": "SE" }, file: "k1000.raw" }),
  );
  sparse(join(out, "k1000.raw"), 1e9);
  const t0 = performance.now();
  let r = assb("transport", join(out, "k1000.json"));
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /^assb: error: transport: .*k1000\.json: 1000 x 1000 x 1000 voxels need about [\d.]+ GiB for the pcg solver, more than the 4 GiB one wasm32 instance can address, and in slabs: the 1000x1000x1000 grid needs about [\d.]+ GiB in \d+ slabs; this machine has [\d.]+ GiB free: .*; refused before reading the data/,
  );
  assert.is(r.stderr.trim().split("\n").length, 1);
  assert.ok(performance.now() - t0 < 15000);
  // over 2 GiB: no ERR_FS_FILE_TOO_LARGE crash (exit 1), the same refusal
  writeFileSync(join(out, "k2g.json"), JSON.stringify({ shape: [1200, 1200, 1500], phases: { "0": "pore", "2": "SE" }, file: "k2g.raw" }));
  sparse(join(out, "k2g.raw"), 1200 * 1200 * 1500);
  r = assb("transport", join(out, "k2g.json"), "--method", "sor");
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /k2g\.json: 1200 x 1200 x 1500 voxels need about [\d.]+ GiB for the sor solver, more than the 4 GiB .* refused before reading the data \(2\.0 GiB\)/,
  );
  // a TIFF stack: the shape comes from its page directory (pixels never read)
  const pages = 3,
    w = 20000,
    h = 20000,
    ifd = 2 + 8 * 12 + 4;
  const tif = new Uint8Array(8 + pages * ifd),
    d = new DataView(tif.buffer);
  tif.set([0x49, 0x49, 42, 0]);
  d.setUint32(4, 8, true);
  for (let p = 0; p < pages; p++) {
    let q = 8 + p * ifd;
    d.setUint16(q, 8, true);
    q += 2;
    for (const [id, type, v] of [
      [256, 4, w],
      [257, 4, h],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, 4096 + p * w * h],
      [277, 3, 1],
      [279, 4, w * h],
    ]) {
      d.setUint16(q, id, true);
      d.setUint16(q + 2, type, true);
      d.setUint32(q + 4, 1, true);
      d.setUint32(q + 8, v, true);
      q += 12;
    }
    d.setUint32(q, p + 1 < pages ? 8 + (p + 1) * ifd : 0, true);
  }
  writeFileSync(join(out, "big.tif"), tif);
  truncateSync(join(out, "big.tif"), 4096 + pages * w * h);
  r = assb("transport", join(out, "big.tif"), "--phase", "1");
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /big\.tif: 3 x 20000 x 20000 voxels need about [\d.]+ GiB .* refused before reading the data/);
});

test("transport refuses an image batch (sidecar with batch) and points to transport-images", () => {
  const r = assb("transport", fixture("transport/img64_batch100.json"));
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /^assb: error: transport: .*img64_batch100\.json is a batch of 100 2D images \(its sidecar has "batch"\), not one volume: use assb transport-images /,
  );
});

test("transport-images refuses a pore/AM/SE volume unless --conductor names the conducting codes", () => {
  let r = assb("transport-images", fixture("transport/sph_s80_64.json"), "--axis", "1", "-o", join(out, "s.csv"));
  assert.is(r.status, 2, r.stderr);
  assert.match(
    r.stderr,
    /the images hold 2 non-zero codes \(1 = AM, 2 = SE\); the default conductor .* name the conducting codes \(--conductor/,
  );
  r = assb(
    "transport-images",
    fixture("transport/sph_s80_64.json"),
    "--axis",
    "1",
    "--conductor",
    "SE",
    "--workers",
    "1",
    "-o",
    join(out, "s.csv"),
  );
  assert.is(r.status, 0, r.stderr);
  const rows = readFileSync(join(out, "s.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));
  assert.is(rows.length, 64);
  // SE alone: the conductive fraction is the SE area of the slice, not AM + SE
  const se = new Uint8Array(readFileSync(fixture("transport/sph_s80_64.raw")));
  let n0 = 0;
  for (let i = 0; i < 64 * 64; i++) if (se[i] === 2) n0++;
  assert.is(Number(rows[0][2]), n0 / 4096);
});

test("the volume's transport_axis and periodicXY are the defaults (recorded in the JSON); --axis and --periodic/--no-periodic win", () => {
  // a voxelized-like volume: axes z, y, x, periodic in x and y, transport along z (file axis 0)
  const m = JSON.parse(readFileSync(fixture("transport/sph_s80_64.json"), "utf8"));
  copyFileSync(fixture("transport/sph_s80_64.raw"), join(out, "per.raw"));
  writeFileSync(
    join(out, "per.json"),
    JSON.stringify({ ...m, file: "per.raw", axes: ["z", "y", "x"], periodicXY: true, transport_axis: 0 }),
  );
  type Ref = { case: string; mode: string; periodic_lateral: boolean; tau_factor: number };
  const ref = (JSON.parse(readFileSync(fixture("transport/reference_values.json"), "utf8")) as Ref[]).filter(
    (x) => x.case === "sph_s80_64" && x.mode === "bin2",
  );
  const tauPer = ref.find((x) => x.periodic_lateral)!.tau_factor,
    tauFlux = ref.find((x) => !x.periodic_lateral)!.tau_factor;
  let r = assb("transport", join(out, "per.json"), "-o", join(out, "per_result.json"));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /along axis 0 \(z; the volume's transport_axis\), periodic lateral faces \(the volume's periodicXY\)/);
  let j = JSON.parse(readFileSync(join(out, "per_result.json"), "utf8"));
  assert.is(j.axis, 0);
  assert.is(j.periodicLateral, true);
  assert.is(j.axisSource, "the volume's transport_axis");
  assert.is(j.periodicSource, "the volume's periodicXY");
  assert.ok(relErr(j.tauFactor, tauPer) < 1e-6, `${j.tauFactor} vs ${tauPer}`);
  r = assb("transport", join(out, "per.json"), "--no-periodic", "-o", join(out, "per_result.json"));
  j = JSON.parse(readFileSync(join(out, "per_result.json"), "utf8"));
  assert.is(j.periodicLateral, false);
  assert.is(j.periodicSource, "--no-periodic");
  assert.ok(relErr(j.tauFactor, tauFlux) < 1e-6);
  // along x the periodic x/y wrap does not make the lateral faces (z, y) periodic
  r = assb("transport", join(out, "per.json"), "--axis", "x", "--rtol", "1e-6", "-o", join(out, "per_result.json"));
  j = JSON.parse(readFileSync(join(out, "per_result.json"), "utf8"));
  assert.is(j.axis, 2);
  assert.is(j.axisSource, "--axis");
  assert.is(j.periodicLateral, false);
  assert.is(j.periodicSource, "default");
  // transport-images: a batch's transport_axis 1 (rows of the file) is axis 0 of each image
  writeFileSync(
    join(out, "b.json"),
    JSON.stringify({ ...JSON.parse(readFileSync(fixture("transport/img64_batch100.json"), "utf8")), file: "b.raw", transport_axis: 2 }),
  );
  copyFileSync(fixture("transport/img64_batch100.raw"), join(out, "b.raw"));
  r = assb("transport-images", join(out, "b.json"), "--workers", "1", "-o", join(out, "b.csv"));
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /potential difference across image axis 1 \(first to last column; the volume's transport_axis 2\)/);
  r = assb("transport-images", join(out, "b.json"), "--axis", "0", "--workers", "1", "-o", join(out, "b0.csv"));
  assert.match(r.stdout, /image axis 0 \(first to last row; --axis\)/);
  const cur = (f: string) => readFileSync(join(out, f), "utf8").trim().split("\n")[1].split(",")[4];
  assert.is.not(cur("b.csv"), cur("b0.csv"));
});

test("bad option values name the option, the value and what was expected (--sigma, --axis, --workers, --conductor)", () => {
  const f = fixture("transport/sph_s80_64.json"),
    b = fixture("transport/img64_batch100.json");
  const cases: [string[], RegExp][] = [
    [["transport", f, "--sigma", "AM=abc"], /--sigma AM = "abc": expected a conductivity >= 0 for phase AM, e\.g\. AM=0\.1 .*\[S\/m\]$/],
    [["transport", f, "--sigma", "AM=0.1,SE"], /--sigma = "AM=0\.1,SE": expected name=value pairs/],
    [["transport", f, "--sigma", "AM=-1"], /--sigma AM = "-1": expected a conductivity >= 0/],
    [["transport", f, "--axis", "7"], /--axis = "7": expected an index 0-2 or one of z, y, x/],
    [["transport-images", b, "--axis", "x"], /--axis = "x": expected 0 \(across the rows\) or 1 \(across the columns\)/],
    [["transport-images", b, "--workers", "abc"], /--workers = "abc": expected a positive integer \[threads\]/],
    [["transport-images", b, "--workers", "0"], /--workers = "0": expected a positive integer/],
    [
      ["transport-images", b, "--conductor", "1,x"],
      /--conductor = "x": expected a pixel code 0-255 or a phase name \(0 = insulator, 1 = conductor\)/,
    ],
    [["transport-images", b, "--conductor", "300"], /--conductor = "300": expected a pixel code 0-255/],
  ];
  for (const [args, re] of cases) {
    const r = assb(...args, "-o", join(out, "bad.out"));
    assert.is(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr.trim(), re);
    assert.is(r.stderr.trim().split("\n").length, 1);
  }
});

test.run();
