/**
 * The layering of the house, and what the core library loads.
 *
 * How the rules are checked: every .ts file under host/ and assembly/ is parsed with the TypeScript
 * compiler (host: the syntax tree; assembly, whose decorators TypeScript does not parse as such:
 * ts.preProcessFile, which lists a file's module names). Each import is an edge from its file to a
 * file (relative specifiers, "./x.js" -> x.ts) or to a package (bare specifiers). An edge is
 *   - "type" for `import type` / `export type` and imports whose every name is `type` (erased),
 *   - "lazy" for a dynamic import() (loaded when the code runs, not with the module),
 *   - "load" otherwise (loaded with the module).
 * Layering rules hold for every edge but "type"; "loaded at module load" follows "load" edges only.
 * Then, at run time, a child Node process with a resolve hook that hides the optional packages (as
 * if they were not installed) imports the core entry, draws a plot and imports the ML entry; and the
 * browser bundle of the core entry is built (esbuild metafile) and searched for them.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { build } from "esbuild";
import { OPTIONAL_PACKAGES } from "../host/core/optional.js";
import { ROOT } from "./helpers.js";

type Kind = "load" | "lazy" | "type";
interface Edge {
  from: string;
  /** a repository path (host/io/png.ts) or a package name (@tensorflow/tfjs) */
  to: string;
  kind: Kind;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const rel = (p: string) => relative(ROOT, p).split("\\").join("/");

/** The target of a specifier written in `file`: a repository path or a package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith(".")) {
    const parts = spec.split("/");
    return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  }
  const p = resolve(dirname(file), spec);
  for (const c of [p.replace(/\.js$/, ".ts"), `${p}.ts`, join(p, "index.ts"), p]) if (existsSync(c) && statSync(c).isFile()) return rel(c);
  return rel(p);
}

/** The imports of a host file, from its syntax tree. */
function hostEdges(file: string): Edge[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const out: Edge[] = [];
  const add = (spec: ts.Expression | undefined, kind: Kind) => {
    if (spec && ts.isStringLiteral(spec)) out.push({ from: rel(file), to: target(file, spec.text), kind });
  };
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier, typeOnly ? "type" : "load");
    } else if (ts.isExportDeclaration(n)) {
      const named = n.exportClause && ts.isNamedExports(n.exportClause) ? n.exportClause.elements : undefined;
      const typeOnly = n.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly));
      add(n.moduleSpecifier, typeOnly ? "type" : "load");
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) add(n.arguments[0], "lazy");
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal, "type");
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The imports of an AssemblyScript file (its module names; kernels import nothing lazily or as types). */
function assemblyEdges(file: string): Edge[] {
  return ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((f) => ({
    from: rel(file),
    to: target(file, f.fileName),
    kind: "load" as const,
  }));
}

const hostFiles = walk(join(ROOT, "host"));
const edges = [...hostFiles.flatMap(hostEdges), ...walk(join(ROOT, "assembly")).flatMap(assemblyEdges)];
const runtime = edges.filter((e) => e.kind !== "type");
const under = (p: string, dir: string) => p.startsWith(`${dir}/`);
const STAGES = ["host/dem", "host/cell", "host/transport", "host/pack", "host/ml", "host/image"];
const show = (es: Edge[]) => es.map((e) => `${e.from} -> ${e.to}`).join("\n");

test("the parser sees the imports (a sanity check of the checker itself)", () => {
  assert.ok(hostFiles.length > 50, `${hostFiles.length} host files`);
  assert.ok(edges.some((e) => e.from === "host/cli/train.ts" && e.to === "host/ml/index.ts" && e.kind === "lazy"));
  assert.ok(edges.some((e) => e.from === "host/ml/tf.ts" && e.to === "@tensorflow/tfjs" && e.kind === "type"));
  assert.ok(edges.some((e) => e.from === "host/ml/tf.ts" && e.to === "@tensorflow/tfjs" && e.kind === "lazy"));
  assert.ok(edges.some((e) => e.from === "assembly/ml/kernels.ts" && e.to === "assembly/ml/pool.ts"));
});

test("library code never imports the CLI: nothing outside host/cli imports host/cli", () => {
  const bad = runtime.filter((e) => under(e.to, "host/cli") && !under(e.from, "host/cli"));
  assert.equal(bad, [], show(bad));
});

test("kernels import no plotting and no I/O: nothing under assembly/ imports host/plot or host/io", () => {
  const bad = edges.filter((e) => under(e.from, "assembly") && (under(e.to, "host/plot") || under(e.to, "host/io")));
  assert.equal(bad, [], show(bad));
});

test("plotting takes plain series: host/plot imports no stage (dem, cell, transport, pack, ml, image)", () => {
  const bad = edges.filter((e) => under(e.from, "host/plot") && STAGES.some((s) => under(e.to, s)));
  assert.equal(bad, [], show(bad));
});

test("I/O sits below the stages: host/io imports no stage and no CLI", () => {
  const bad = edges.filter((e) => under(e.from, "host/io") && [...STAGES, "host/cli", "host/plot"].some((s) => under(e.to, s)));
  assert.equal(bad, [], show(bad));
});

/** The modules the library entries (host/browser.ts, host/index.ts) export from: a stage's public surface. */
const PUBLIC = new Set(edges.filter((e) => e.from === "host/browser.ts" || e.from === "host/index.ts").map((e) => e.to));

test("a stage uses another stage only through its public surface (what the library entries export from it)", () => {
  const stageOf = (p: string) => STAGES.find((s) => under(p, s));
  const bad = edges.filter((e) => {
    const a = stageOf(e.from),
      b = stageOf(e.to);
    return a && b && a !== b && !PUBLIC.has(e.to);
  });
  assert.equal(bad, [], `into another stage's internals:\n${show(bad)}`);
  // and it does see the cross-stage edges there are (cell -> transport result types, dem -> the Packing, ...)
  assert.ok(edges.some((e) => e.from === "host/cell/microstructure.ts" && e.to === "host/transport/tortuosity.ts"));
  assert.ok(edges.some((e) => stageOf(e.from) === "host/dem" && e.to === "host/pack/packing.ts"));
});

/** The optional packages (and every file in them): a package name or an import specifier. */
const OPTIONAL = /^(@tensorflow\/|@resvg\/|vega(-[\w.-]+)?(\/|$)|dejavu-fonts-ttf(\/|$))/;

/** Every file and package `entry` loads with it (following "load" edges). */
function loadedWith(entry: string): Set<string> {
  const seen = new Set([entry]);
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    for (const e of runtime)
      if (e.from === f && e.kind === "load" && !seen.has(e.to)) {
        seen.add(e.to);
        if (e.to.startsWith("host/") || e.to.startsWith("assembly/")) todo.push(e.to);
      }
  }
  return seen;
}

test("the core entries load no optional package with the module: host/index.ts and host/browser.ts, transitively", () => {
  for (const entry of ["host/index.ts", "host/browser.ts"]) {
    const bad = [...loadedWith(entry)].filter((m) => OPTIONAL.test(m) || m === "host/ml/tf.ts");
    assert.equal(bad, [], `${entry} loads ${bad.join(", ")}`);
  }
  // and the ML entries do (so the check above would see it)
  assert.ok(loadedWith("host/ml/index.ts").has("host/ml/tf.ts"));
});

test("at run time, with the optional packages hidden: the core loads, a plot and the ML entry say what to install", () => {
  const hook = `export async function resolve(s, c, next) {
    if (${OPTIONAL}.test(s)) { const e = new Error("Cannot find package '" + s + "' (hidden by the test)"); e.code = "ERR_MODULE_NOT_FOUND"; throw e; }
    return next(s, c);
  }`;
  const setup = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const script = `
    const out = {};
    const core = await import("./host/index.ts");
    out.core = typeof core.loadCore === "function" && typeof core.readVolume === "function";
    const err = (e) => ({ name: e.name, message: e.message });
    try { await (await import("./host/plot/render.ts")).renderPng({ mark: "point" }); out.plot = "drew"; } catch (e) { out.plot = err(e); }
    try { await import("./host/ml/index.ts"); out.ml = "loaded"; } catch (e) { out.ml = err(e); }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(setup)}`, "--input-type=module", "-e", script],
    { cwd: ROOT, encoding: "utf8" },
  );
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.is(out.core, true);
  assert.is(out.plot.name, "ConfigError", JSON.stringify(out.plot));
  assert.match(out.plot.message, /^dejavu-fonts-ttf is not installed \(an optional package, used by plots/);
  assert.ok(
    out.plot.message.endsWith(`install it with: npm install vega@^6.4.0 vega-lite@^6.4.3 @resvg/resvg-js@^2.6.2 dejavu-fonts-ttf@^2.37.3`),
  );
  assert.is(out.ml.name, "ConfigError", JSON.stringify(out.ml));
  assert.is(
    out.ml.message,
    "@tensorflow/tfjs is not installed (an optional package, used by machine learning (assbkit/ml)); install it with: npm install @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0",
  );
});

test("the browser bundle of the core (host/browser.ts) holds no TensorFlow.js and no vega; the ML bundle does", async () => {
  const inputs = async (entry: string) =>
    Object.keys(
      (
        await build({
          entryPoints: [join(ROOT, entry)],
          bundle: true,
          format: "esm",
          platform: "browser",
          target: "es2022",
          write: false,
          metafile: true,
          logLevel: "silent",
        })
      ).metafile.inputs,
    );
  const pkg = (p: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? "";
  const core = await inputs("host/browser.ts");
  const bad = [...new Set(core.map(pkg).filter((p) => OPTIONAL.test(p)))];
  assert.equal(bad, [], `the core bundle holds ${bad.join(", ")}`);
  // the plain-TS twins are references for tests, the CLI is Node's: neither ships to a page
  assert.equal(
    core.filter((f) => /host\/\w+\/twin\.ts$|host\/cli\//.test(f)),
    [],
    "twins or CLI code in the core bundle",
  );
  const ml = await inputs("host/ml/browser.ts");
  assert.ok(ml.some((p) => pkg(p) === "@tensorflow/tfjs-core"));
});

test("package.json: the optional packages are optional peers (and dev dependencies here); the package ships data/, not fixtures/", () => {
  const p = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  for (const group of Object.values(OPTIONAL_PACKAGES))
    for (const [name, version] of Object.entries(group.packages)) {
      assert.is(p.peerDependencies[name], version, `peerDependencies.${name}`);
      assert.is(p.peerDependenciesMeta[name]?.optional, true, `peerDependenciesMeta.${name}`);
      assert.is(p.devDependencies[name], version, `devDependencies.${name} (npm ci installs it for the tests)`);
      assert.not.ok(p.dependencies[name], `dependencies.${name}`);
    }
  for (const name of Object.keys(p.dependencies)) assert.not.match(name, OPTIONAL, name);
  assert.not.ok(
    p.files.some((f: string) => f.startsWith("fixtures")),
    "files ships fixtures/",
  );
  assert.ok(p.files.includes("data"));
  assert.is(p.exports["./ml/browser"].browser, "./dist/browser/assbkit-ml.js");
  assert.match(p.scripts.browserbuild, /host\/ml\/browser\.ts .*--outfile=dist\/browser\/assbkit-ml\.js/);
});

test.run();
