// npm test: lint, type-check and the twins-current check, then as-pect kernel tests (test/assembly) and
// uvu host tests (test/**/*.test.ts, each file in its own Node process as ESM through tsx), then one
// combined line "N passed, N failed".
// Usage: npm test [-- <substring filter on test file paths>]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const filter = process.argv[2] ?? "";
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour codes (ESC [ ... m) of tool output
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");
let passed = 0,
  failed = 0;
const failures = [];
const t0 = Date.now();

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// 0) checks that need no build of their own: format + lint (Biome), type-check of host, test, bench and
// examples (tsc), and the generated twins being current; each counts as one test
if (!filter || filter === "checks") {
  const checks = [
    ["lint (biome check)", join("node_modules", ".bin", "biome"), ["check"]],
    ["lint (AssemblyScript line length)", process.execPath, ["scripts/check-lines.mjs"]],
    [
      "typecheck (tsc -p tsconfig.check.json)",
      process.execPath,
      [join("node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.check.json"],
    ],
    ["twins current (gen-twin --check)", process.execPath, ["scripts/gen-twin.mjs", "--check"]],
  ];
  for (const [name, cmd, args] of checks) {
    const t1 = Date.now();
    const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
    const ok = r.status === 0;
    if (ok) passed += 1;
    else {
      failed += 1;
      failures.push(name);
      console.log(strip((r.stdout ?? "") + (r.stderr ?? "") + (r.error ? String(r.error) : "")));
    }
    console.log(`${name.padEnd(40)} ${ok ? "passed" : "FAILED"}  ${((Date.now() - t1) / 1000).toFixed(1)}s`);
  }
}

// 1) kernel tests (AssemblyScript, as-pect)
if (!filter || "test/assembly".includes(filter) || filter === "kernels") {
  const r = spawnSync("npx", ["asp", "--config", "as-pect.config.js"], { encoding: "utf8" });
  const out = strip((r.stdout ?? "") + (r.stderr ?? ""));
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(out);
  if (m) {
    const p = Number(m[1]),
      t = Number(m[2]);
    passed += p;
    failed += t - p;
    if (t - p > 0 || r.status !== 0) {
      failures.push("as-pect kernel tests");
      console.log(out);
    }
    console.log(`kernels (as-pect)                        ${p}/${t} passed`);
  } else {
    failed += 1;
    failures.push("as-pect did not run");
    console.log(out);
  }
}

// 2) host tests (uvu)
const files = walk("test")
  .filter((f) => f.endsWith(".test.ts") && f.includes(filter))
  .sort();
for (const f of files) {
  const t1 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", f], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  const out = strip((r.stdout ?? "") + (r.stderr ?? ""));
  const total = /Total:\s+(\d+)/.exec(out),
    ok = /Passed:\s+(\d+)/.exec(out),
    sk = /Skipped:\s+(\d+)/.exec(out);
  if (total && ok) {
    const T = Number(total[1]),
      P = Number(ok[1]),
      S = sk ? Number(sk[1]) : 0;
    passed += P;
    failed += T - P - S;
    if (S > 0) {
      failed += S;
      failures.push(`${f}: ${S} skipped (not allowed)`);
    }
    if (T - P > 0 || r.status !== 0) {
      failures.push(f);
      console.log(out);
      if (T - P === 0) failed += 1;
      // uvu reports a failing before/after hook as "0/N" with no FAIL block: say so instead of staying silent
      if (!/FAIL/.test(out))
        console.log(
          `${f}: failed without a test failure message (a test.before/after hook threw, or the process exited ${r.status}${r.signal ? ` on ${r.signal}` : ""})`,
        );
    }
    console.log(`${f.padEnd(40)} ${P}/${T} passed  ${((Date.now() - t1) / 1000).toFixed(1)}s`);
  } else {
    failed += 1;
    failures.push(`${f} (crashed)`);
    console.log(out);
  }
}
if (failures.length) console.log(`\nfailing: ${failures.join(", ")}`);
console.log(`\n${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
