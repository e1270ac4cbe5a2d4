// The AssemblyScript -> plain TypeScript translation of the twin generator (scripts/gen-twin.mjs): textual,
// statement for statement, refusing what it cannot translate faithfully (test/twin_translate.test.ts).

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

/** Index just past the operand of a cast that ends before `from`... (the operand starts at `from`). */
function operandEnd(s, from, file) {
  let k = from;
  while (s[k] === " ") k++;
  const close = (o) => {
    const c = o === "(" ? ")" : "]";
    let depth = 0;
    for (let j = k; j < s.length; j++) {
      if (s[j] === o) depth++;
      else if (s[j] === c && --depth === 0) return j + 1;
    }
    throw new Error(`gen-twin: ${file}: unbalanced ${o} after a cast`);
  };
  if (s[k] === "(") k = close("(");
  else {
    const m = /^[A-Za-z_$][\w$]*(?:<\w+>)?|^\d[\w.]*/.exec(s.slice(k));
    if (!m) throw new Error(`gen-twin: ${file}: a cast of '${s.slice(k, k + 20)}': write the operand in parentheses`);
    k += m[0].length;
  }
  // calls, indexing and member access bind tighter than the cast
  for (;;) {
    if (s[k] === "(") k = close("(");
    else if (s[k] === "[") k = close("[");
    else if (s[k] === "." && /[A-Za-z_$]/.test(s[k + 1] ?? "")) {
      k++;
      while (/[\w$]/.test(s[k] ?? "")) k++;
    } else return k;
  }
}

const lineOf = (s, at) => s.slice(0, at).split("\n").length;

/** Writes out the casts: each has a plain-TS form that gives the same value for the values wasm gives one. */
export function casts(s, file) {
  const cast = /(?<![\w$>])<(f64|f32|i32|u32|usize|i64|bool|u8|i8|u16|i16|u64|isize)>/g;
  for (;;) {
    const m = cast.exec(s);
    if (!m) return s;
    const t = m[1],
      start = m.index,
      from = start + m[0].length;
    const end = operandEnd(s, from, file);
    const x = s.slice(from, end).trim();
    const lineEnd = s.indexOf("\n", start);
    const line = s.slice(s.lastIndexOf("\n", start) + 1, lineEnd < 0 ? s.length : lineEnd);
    let r;
    const p = /^\(.*\)$/s.test(x) && operandEnd(x, 0, file) === x.length ? x : `(${x})`; // parenthesised once
    if (t === "f64")
      r = x; // every JS number is an f64; integers convert exactly
    else if (t === "i32")
      r = `(${p} | 0)`; // i32.trunc_f64_s / wrap: the same for the values that do not trap
    else if (t === "u32" || t === "usize")
      r = `(${p} >>> 0)`; // wasm32: usize is u32
    else if (t === "f32") r = `Math.fround(${x})`;
    else if (t === "bool") r = `(${p} !== 0)`;
    else if (t === "i64" && /\/\/.*exact in f64/.test(line))
      r = x; // declared: the values stay below 2^53
    else
      throw new Error(
        `gen-twin: ${file}:${lineOf(s, start)}: <${t}> has no faithful plain-TS form (an <i64> whose values stay below 2^53 may say so with an '// exact in f64' comment)`,
      );
    s = s.slice(0, start) + r + s.slice(end);
    cast.lastIndex = start; // casts inside the operand are written out next
  }
}

/** Refuses what would compile in TS but mean something else than in AssemblyScript. */
function refuseUntranslatable(s, file) {
  const bad = [
    [
      /\bv128\b|\b[fi](32|64)x[24]\.|\bi8x16\.|\bi16x8\./,
      "SIMD outside a function the twin drops as a SIMD form (one taking or returning v128)",
    ],
    [/\b(load|store)<\w+>\(/, "raw load/store (use the ldF/stF/... helpers, which the twin maps to typed arrays)"],
    [
      /\bunchecked\(|\bchangetype<|\bchangetype\(|\binstantiate<|\bidof<|\bsizeof<|\boffsetof</,
      "an AssemblyScript builtin without a plain-TS form",
    ],
    [/:\s*(i64|u64|f32|i8|u8|i16|u16|isize)\b/, "a variable or parameter of a type the twin cannot represent exactly"],
  ];
  const lines = s.split("\n");
  lines.forEach((l, k) => {
    const code = l.replace(/\/\/.*$/, "");
    for (const [re, why] of bad) if (re.test(code)) throw new Error(`gen-twin: ${file}:${k + 1}: ${why}: ${l.trim()}`);
  });
}

export function translate(src, file) {
  let s = dropSimdForms(src).replace(/^import[\s\S]*?;\n/gm, "");
  s = s.replaceAll("@inline ", "");
  s = s.replace(/\b(sqrt|floor|ceil|min|max|abs)<(f64|i32)>\(/g, (_, f) => `Math.${f}(`);
  // type arguments of the remaining generic calls (select<i32>, ...) say nothing a JS number needs
  s = s.replace(/\b(select)<(f64|i32|u32|usize|bool)>\(/g, "$1(");
  s = casts(s, file);
  refuseUntranslatable(s, file);
  s = s.replace(/:\s*(f64|i32|u32|usize|bool|void)\b/g, (_, t) => (t === "void" ? ": void" : t === "bool" ? ": boolean" : ": number"));
  s = s.replaceAll("export function", "function");
  s = s.replace(/^export const /gm, "const ");
  return s;
}
