// Generates the plain-TypeScript twins of the AssemblyScript kernels (host/dem/twin.ts from
// assembly/dem, host/transport/twin.ts from assembly/transport) by a purely textual translation (types
// dropped, builtins mapped to Math.* and to typed-array helpers). The arithmetic stays in the same
// order, so wasm and twin agree bit for bit; tests compare them. Integer division in kernels is written
// `(a / b) | 0` so it means the same in both languages. Usage: node scripts/gen-twin.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";

const COMMON =
  "\n// Whole-buffer views, re-bound whenever the heap's buffer changes (growth).\nlet F64 = new Float64Array(0);\nlet I32 = new Int32Array(0);\nlet U32 = new Uint32Array(0);\nlet U8 = new Uint8Array(0);\nlet F32 = new Float32Array(0);\nfunction bind(buf: ArrayBuffer): void {\n  if (U8.buffer !== buf || U8.byteLength !== buf.byteLength) {\n    F64 = new Float64Array(buf, 0, buf.byteLength >>> 3);\n    I32 = new Int32Array(buf, 0, buf.byteLength >>> 2);\n    U32 = new Uint32Array(buf, 0, buf.byteLength >>> 2);\n    U8 = new Uint8Array(buf);\n    F32 = new Float32Array(buf, 0, buf.byteLength >>> 2);\n  }\n}\n// the AssemblyScript builtins used by the kernels, over the bound buffer\nconst memory = {\n  copy(dst: number, src: number, bytes: number): void { U8.copyWithin(dst, src, src + bytes); },\n  fill(dst: number, value: number, bytes: number): void { U8.fill(value, dst, dst + bytes); },\n};\nfunction gI(sys: number, slot: number): number { return I32[(sys >>> 2) + slot * 2]; }\nfunction sI(sys: number, slot: number, v: number): void { I32[(sys >>> 2) + slot * 2] = v; }\nfunction gF(sys: number, slot: number): number { return F64[(sys >>> 3) + slot]; }\nfunction sF(sys: number, slot: number, v: number): void { F64[(sys >>> 3) + slot] = v; }\nfunction gP(sys: number, slot: number): number { return U32[(sys >>> 2) + slot * 2]; }\nfunction sP(sys: number, slot: number, p: number): void { U32[(sys >>> 2) + slot * 2] = p; }\nfunction ldF(p: number, i: number): number { return F64[(p >>> 3) + i]; }\nfunction stF(p: number, i: number, v: number): void { F64[(p >>> 3) + i] = v; }\nfunction ldI(p: number, i: number): number { return I32[(p >>> 2) + i]; }\nfunction select(a: number, b: number, cond: boolean): number { return cond ? a : b; }\nfunction stI(p: number, i: number, v: number): void { I32[(p >>> 2) + i] = v; }\nfunction ldB(p: number, i: number): number { return U8[p + i]; }\nfunction stB(p: number, i: number, v: number): void { U8[p + i] = v; }\nfunction ldS(p: number, i: number): number { return F32[(p >>> 2) + i]; }\nfunction stS(p: number, i: number, v: number): void { F32[(p >>> 2) + i] = v; }\n\n";

// one file per kernel family (scripts/twin-targets/<family>.mjs), so each family's sources are listed beside nothing else
const TARGETS = await Promise.all(["dem", "transport", "cell"].map(async (f) => (await import(`./twin-targets/${f}.mjs`)).default));

// A kernel file may hold a scalar form and its SIMD form side by side: functions that take or return v128
// (with the doc comment just above them) have no plain-TS equivalent, and the twin keeps the scalar forms.
function dropSimdForms(src) {
  const head = /^(?:\/\*\*(?:(?!\*\/)[\s\S])*\*\/\n)?(?:@inline )?(?:export )?function \w+\(([^)]*)\)\s*:\s*(\w+)\s*\{/gm;
  let out = "";
  let from = 0;
  for (const m of src.matchAll(head)) {
    if (!/\bv128\b/.test(m[1]) && m[2] !== "v128") continue;
    let depth = 0;
    let k = m.index + m[0].length - 1;
    for (; k < src.length; k++)
      if (src[k] === "{") depth++;
      else if (src[k] === "}" && --depth === 0) break;
    out += src.slice(from, m.index);
    from = src[k + 1] === "\n" ? k + 2 : k + 1;
  }
  return out + src.slice(from);
}

function translate(src) {
  let s = dropSimdForms(src).replace(/^import[\s\S]*?;\n/gm, "");
  s = s.replaceAll("@inline ", "");
  s = s.replace(/(sqrt|floor|min|max|abs)<f64>\(/g, (_, f) => `Math.${f}(`);
  s = s.replace(/select<f64>\(/g, "select(");
  s = s.replace(/<(f64|i32|i64|usize|u32|bool)>/g, "");
  s = s.replace(/:\s*(f64|i32|usize|bool|void)\b/g, (_, t) => (t === "void" ? ": void" : t === "bool" ? ": boolean" : ": number"));
  s = s.replaceAll("export function", "function");
  return s;
}

let stale = false;
for (const t of TARGETS) {
  let body = t.sources.map((f) => `// ---- twin of ${f} ----\n` + translate(readFileSync(f, "utf8"))).join("\n");
  // a target may rewrite its translated kernels further (dem: inlines its contact law as asc does)
  if (t.rewrite) body = t.rewrite(body);
  // import exactly the layout constants the kernels use
  const names = [...readFileSync(t.layout, "utf8").matchAll(/^export const (\w+)/gm)]
    .map((m) => m[1])
    .filter((n) => new RegExp(`\\b${n}\\b`).test(body));
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
  const imports = `import {\n${lines.join("\n")}\n} from "../../${t.layout.replace(/\.ts$/, ".js")}";\n`;
  const out = t.head + imports + COMMON + body + t.tail;
  if (process.argv.includes("--check")) {
    if (readFileSync(t.out, "utf8") !== out) {
      console.error(`${t.out} is out of date: run node scripts/gen-twin.mjs`);
      stale = true;
    } else console.log(`${t.out} is current`);
  } else {
    writeFileSync(t.out, out);
    console.log(`wrote ${t.out}`);
  }
}
if (stale) process.exit(1);
