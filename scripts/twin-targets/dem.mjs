// The dem twin: which kernel sources it translates, its header and the kernels object it exports.
import { readFileSync, readdirSync } from "node:fs";

// every contact sub-model file is translated (a new one needs no entry here); lanes.ts is SIMD only, models.ts
// (the generated ids) is imported like the layout
const CONTACT = readdirSync("assembly/dem/contact")
  .filter((f) => f.endsWith(".ts") && f !== "lanes.ts" && f !== "models.ts")
  .sort()
  .map((f) => `assembly/dem/contact/${f}`);

// The contact law's @inline functions (contact/*.ts) are inlined into the pair and wall loops of the twin, as
// asc inlines them into the wasm: called as JS functions, V8 stops inlining them once a loop has used its
// inlining budget, and every double argument of a call that is not inlined is boxed (the twin ran at 0.56x).
const INLINE = CONTACT.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^@inline export function (\w+)\(/gm)].map((m) => m[1]));

/** Index of the bracket closing the one at `open` (( or {). */
function closing(s, open) {
  const o = s[open],
    c = o === "(" ? ")" : "}";
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    if (s[k] === o) depth++;
    else if (s[k] === c && --depth === 0) return k;
  }
  throw new Error(`twin: unbalanced ${o} at ${open}`);
}
/** Top-level comma-separated arguments between the brackets at open and close. */
function splitArgs(s, open, close) {
  const args = [];
  let depth = 0,
    from = open + 1;
  for (let k = open + 1; k < close; k++) {
    if (s[k] === "(") depth++;
    else if (s[k] === ")") depth--;
    else if (s[k] === "," && depth === 0) {
      args.push(s.slice(from, k).trim());
      from = k + 1;
    }
  }
  const last = s.slice(from, close).trim();
  if (last) args.push(last);
  return args;
}

/**
 * Replaces every statement `[const |let ]x = f(args);` calling one of the INLINE functions by f's body: the
 * arguments evaluated once, in order, into fresh names, then f's parameters bound to them in an inner block (so
 * that a parameter may share its name with an argument), every `return e;` turned into an assignment to the
 * result and a labelled break. Repeated until no such call is left (the bodies call each other).
 */
function inlineCalls(body) {
  const defs = new Map();
  for (const name of INLINE) {
    const m = new RegExp(`^function ${name}\\(([^)]*)\\)\\s*:\\s*\\w+\\s*\\{`, "m").exec(body);
    if (!m) continue;
    const open = m.index + m[0].length - 1;
    const params = m[1]
      .split(",")
      .map((p) => p.split(":")[0].trim())
      .filter(Boolean);
    defs.set(name, {
      params,
      text: body
        .slice(open + 1, closing(body, open))
        .replace(/^\n/, "")
        .trimEnd(),
    });
  }
  const site = new RegExp(`^([ \\t]*)(const |let |)([\\w$]+) = (${[...defs.keys()].join("|")})\\(`, "m");
  let n = 0;
  for (let m = site.exec(body); m; m = site.exec(body)) {
    const [, ind, decl, lhs, fname] = m;
    const open = m.index + m[0].length - 1;
    const close = closing(body, open);
    if (body[close + 1] !== ";") throw new Error(`twin: ${fname}(...) is not a statement of its own`);
    const eol = body.indexOf("\n", close);
    const tail = body.slice(close + 2, eol).trim();
    const { params, text } = defs.get(fname);
    const args = splitArgs(body, open, close);
    const id = ++n;
    const res = `r$${id}`,
      label = `inl$${id}`;
    const inner = text
      .split("\n")
      .map((l) => ind + "    " + l.replace(/^ {2}/, ""))
      .join("\n")
      .replace(
        /^([ \t]*)(.*?)\breturn ([^;]*);/gm,
        (_, i2, pre, e) => `${i2}${pre}{\n${i2}  ${res} = ${e};\n${i2}  break ${label};\n${i2}}`,
      );
    const out = [
      `${ind}let ${res} = 0; // ${fname}(${args.join(", ")}), inlined`,
      `${ind}${label}: {`,
      args.length ? `${ind}  const ${args.map((a, k) => `a$${id}_${k} = ${a}`).join(", ")};` : "",
      `${ind}  {`,
      params.length ? `${ind}    let ${params.map((p, k) => `${p} = a$${id}_${k}`).join(", ")};` : "",
      inner,
      `${ind}  }`,
      `${ind}}`,
      `${ind}${decl}${lhs} = ${res};${tail ? ` ${tail}` : ""}`,
    ].filter((l) => l !== "");
    body = body.slice(0, m.index) + out.join("\n") + body.slice(eol);
  }
  return body;
}

export default {
  out: "host/dem/twin.ts",
  layout: "assembly/dem/layout.ts",
  constants: ["assembly/dem/contact/models.ts"],
  // The contact sub-models (assembly/dem/contact/) hold scalar and f64x2 forms side by side; the twin keeps
  // the scalar forms (gen-twin drops the v128 ones). contact_pairs.ts is the scalar reference of
  // contact_pairs_simd.ts (which the wasm core runs; f64x2 lanes = two contacts, same operations in the same
  // order), so the twin translates the scalar one.
  sources: [
    "assembly/dem/wall_list.ts",
    "assembly/dem/neighbor.ts",
    ...CONTACT,
    "assembly/dem/contact_pairs.ts",
    "assembly/dem/touching.ts",
    "assembly/dem/pair_forces.ts",
    "assembly/dem/contact_walls.ts",
    "assembly/dem/integrate.ts",
    "assembly/dem/step.ts",
  ],
  rewrite: inlineCalls,
  head: '/**\n * Plain-TypeScript twin of the DEM kernels in assembly/dem (wall_list.ts, neighbor.ts, the scalar forms of the contact\n * sub-models in contact/, contact_pairs.ts, touching.ts, pair_forces.ts, contact_walls.ts, integrate.ts, step.ts): the same\n * memory layout, the same operations in the same order, so the wasm core and this twin agree to round-off\n * (bit for bit where only +, -, *, /, sqrt are involved); the contact law is inlined into the loops, as asc does.\n * It is the reference in tests and the baseline in benchmarks. GENERATED by scripts/gen-twin.mjs from the\n * AssemblyScript sources: do not edit by hand; run `node scripts/gen-twin.mjs` after changing assembly/dem\n * (a test checks it is current).\n */\nimport type { Heap } from "../core/heap.js";\nimport type { Kernels } from "../core/wasm.js";\n',
  // the kernels object: every entry point of this family in assembly/index.ts, generated
  family: "dem",
  factory: "createTwin",
  kernels: "Kernels",
};
