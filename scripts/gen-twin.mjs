// Generates, from the AssemblyScript sources:
//  - host/core/exports.ts: the compute core's entry points, one interface and one name list per kernel
//    family, read from assembly/index.ts (the one list of exports) and the signatures of the functions;
//  - the plain-TypeScript twins of the kernels (host/dem/twin.ts, host/transport/twin.ts,
//    host/cell/twin.ts; sources per family in scripts/twin-targets/) by a textual translation: types
//    dropped, builtins mapped to Math.* and typed-array helpers, casts written out (<i32> as `| 0`, <u32>
//    and <usize> as `>>> 0`, <f32> as Math.fround). A construct without a faithful plain-TS form (SIMD
//    outside the functions dropped as SIMD forms, raw load/store, <i64> without an `// exact in f64`
//    note, ...) stops the generator with the file and line instead of being dropped silently.
// The arithmetic stays in the same order, so wasm and twin agree to round-off (tests compare them).
// Usage: node scripts/gen-twin.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { translate } from "./twin-translate.mjs";
import { contactFiles } from "./gen-contact.mjs";

const COMMON =
  "\n// Whole-buffer views, re-bound whenever the heap's buffer changes (growth).\nlet F64 = new Float64Array(0);\nlet I32 = new Int32Array(0);\nlet U32 = new Uint32Array(0);\nlet U8 = new Uint8Array(0);\nlet F32 = new Float32Array(0);\nfunction bind(buf: ArrayBuffer): void {\n  if (U8.buffer !== buf || U8.byteLength !== buf.byteLength) {\n    F64 = new Float64Array(buf, 0, buf.byteLength >>> 3);\n    I32 = new Int32Array(buf, 0, buf.byteLength >>> 2);\n    U32 = new Uint32Array(buf, 0, buf.byteLength >>> 2);\n    U8 = new Uint8Array(buf);\n    F32 = new Float32Array(buf, 0, buf.byteLength >>> 2);\n  }\n}\n// the AssemblyScript builtins used by the kernels, over the bound buffer\nconst memory = {\n  copy(dst: number, src: number, bytes: number): void { U8.copyWithin(dst, src, src + bytes); },\n  fill(dst: number, value: number, bytes: number): void { U8.fill(value, dst, dst + bytes); },\n};\nfunction gI(sys: number, slot: number): number { return I32[(sys >>> 2) + slot * 2]; }\nfunction sI(sys: number, slot: number, v: number): void { I32[(sys >>> 2) + slot * 2] = v; }\nfunction gF(sys: number, slot: number): number { return F64[(sys >>> 3) + slot]; }\nfunction sF(sys: number, slot: number, v: number): void { F64[(sys >>> 3) + slot] = v; }\nfunction gP(sys: number, slot: number): number { return U32[(sys >>> 2) + slot * 2]; }\nfunction sP(sys: number, slot: number, p: number): void { U32[(sys >>> 2) + slot * 2] = p; }\nfunction ldF(p: number, i: number): number { return F64[(p >>> 3) + i]; }\nfunction stF(p: number, i: number, v: number): void { F64[(p >>> 3) + i] = v; }\nfunction ldI(p: number, i: number): number { return I32[(p >>> 2) + i]; }\nfunction select(a: number, b: number, cond: boolean): number { return cond ? a : b; }\nfunction stI(p: number, i: number, v: number): void { I32[(p >>> 2) + i] = v; }\nfunction ldB(p: number, i: number): number { return U8[p + i]; }\nfunction stB(p: number, i: number, v: number): void { U8[p + i] = v; }\nfunction ldS(p: number, i: number): number { return F32[(p >>> 2) + i]; }\nfunction stS(p: number, i: number, v: number): void { F32[(p >>> 2) + i] = v; }\n\n";

let stale = false;
// generated kernel sources first (the dem target lists the contact folder when it loads)
for (const [path, text] of contactFiles()) emit(path, text);

// one file per kernel family (scripts/twin-targets/<family>.mjs), so each family's sources are listed beside nothing else
const TARGETS = await Promise.all(
  ["dem", "transport", "cell", "micro", "multiscale"].map(async (f) => (await import(`./twin-targets/${f}.mjs`)).default),
);

// ---- the entry points: assembly/index.ts is the one list ----
const TS_TYPE = { i32: "number", u32: "number", usize: "number", f64: "number", f32: "number", void: "void", bool: "boolean" };

/** Signature of `name` exported from `file` (following `export { ... } from` re-exports). */
function signature(file, name) {
  const src = readFileSync(file, "utf8");
  const f = new RegExp(`^export function ${name}\\(([^)]*)\\)\\s*:\\s*(\\w+)`, "m").exec(src);
  const ts = (t) => {
    if (!(t in TS_TYPE)) throw new Error(`gen-twin: ${file}: ${name}: type ${t} has no host-side form`);
    return TS_TYPE[t];
  };
  if (f) {
    const params = f[1]
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const [n, t] = p.split(":").map((x) => x.trim());
        return `${n}: ${ts(t)}`;
      });
    return `${name}(${params.join(", ")}): ${ts(f[2])}`;
  }
  for (const r of src.matchAll(/^export \{([^}]*)\} from "(\.[^"]+)";/gm)) {
    if (
      r[1]
        .split(",")
        .map((x) => x.trim())
        .includes(name)
    )
      return signature(join(dirname(file), `${r[2]}.ts`), name);
  }
  throw new Error(`gen-twin: ${file}: no exported function ${name}`);
}

const FAMILY_TYPE = {
  common: "CommonFns",
  dem: "DemFns",
  transport: "TransportFns",
  ml: "MlFns",
  cell: "CellFns",
  micro: "MicroFns",
  multiscale: "MultiscaleFns",
};
const ENTRIES = {};
for (const m of readFileSync("assembly/index.ts", "utf8").matchAll(/^export \{([^}]*)\} from "\.\/(\w+)\/([\w/]+)";/gm)) {
  const family = m[2];
  if (!(family in FAMILY_TYPE)) throw new Error(`gen-twin: assembly/index.ts: exports from ./${family}: add the family to FAMILY_TYPE`);
  for (const name of m[1]
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean)) {
    ENTRIES[family] ??= [];
    ENTRIES[family].push({ name, sig: signature(`assembly/${family}/${m[3]}.ts`, name) });
  }
}
const exportsTs = [
  "/**",
  " * The compute core's entry points, one interface and one name list per kernel family. GENERATED by",
  " * scripts/gen-twin.mjs from assembly/index.ts (the one list of exports) and the kernels' signatures: do",
  " * not edit by hand (npm test checks it is current). The wasm core (host/core/wasm.ts) and the plain-TS",
  " * twins (host/<family>/twin.ts) both implement them.",
  " */",
  ...Object.entries(ENTRIES).flatMap(([family, list]) => [
    "",
    `/** assembly/${family} */`,
    `export interface ${FAMILY_TYPE[family]} {`,
    ...list.map((e) => `  ${e.sig};`),
    "}",
    `export const ${family.toUpperCase()}_FNS = [${list.map((e) => `"${e.name}"`).join(", ")}] as const;`,
  ]),
  "",
].join("\n");

/** The twin's factory: the family's kernels object over a heap laid out like wasm memory. */
function factory(t) {
  const list = ENTRIES[t.family];
  if (!list) throw new Error(`gen-twin: ${t.out}: assembly/index.ts exports no entry point of family ${t.family}`);
  return [
    "",
    "",
    `/** The twin as a \`${t.kernels}\` object over a heap laid out like wasm memory (the entry points of assembly/index.ts). */`,
    `export function ${t.factory}(heap: Heap): ${t.kernels} {`,
    "  const on =",
    "    <A extends unknown[], R>(f: (...a: A) => R) =>",
    "    (...a: A): R => {",
    "      bind(heap.buffer);",
    "      return f(...a);",
    "    };",
    `  return { name: "ts", heap, ${list.map((e) => `${e.name}: on(${e.name})`).join(", ")} };`,
    "}",
    "",
  ].join("\n");
}

for (const t of TARGETS) {
  let body = t.sources.map((f) => `// ---- twin of ${f} ----\n` + translate(readFileSync(f, "utf8"), f)).join("\n");
  // a target may rewrite its translated kernels further (dem: inlines its contact law as asc does)
  if (t.rewrite) body = t.rewrite(body);
  // import exactly the constants the kernels use, from the layout and any other constants file of the family
  // (module imports, not local consts: V8 checks a local const for its temporal dead zone at every use)
  const imports = [t.layout, ...(t.constants ?? [])]
    .map((file) => {
      const names = [...readFileSync(file, "utf8").matchAll(/^export const (\w+)/gm)]
        .map((m) => m[1])
        .filter((n) => new RegExp(`\\b${n}\\b`).test(body));
      if (names.length === 0) return "";
      const lines = [];
      let line = " ";
      for (const n of names) {
        if (line.length + n.length + 2 > 110) {
          lines.push(line);
          line = " ";
        }
        line += ` ${n},`;
      }
      lines.push(line);
      return `import {\n${lines.join("\n")}\n} from "../../${file.replace(/\.ts$/, ".js")}";\n`;
    })
    .join("");
  emit(t.out, t.head + imports + COMMON + body + factory(t));
}
emit("host/core/exports.ts", exportsTs);
if (stale) process.exit(1);

function emit(path, text) {
  if (process.argv.includes("--check")) {
    let now = "";
    try {
      now = readFileSync(path, "utf8");
    } catch {}
    if (now !== text) {
      console.error(`${path} is out of date: run node scripts/gen-twin.mjs`);
      stale = true;
    } else console.log(`${path} is current`);
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
