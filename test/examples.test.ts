/**
 * The examples run as a user runs them: `import ... from "assbkit"` (the package's own exports, built
 * into dist/ by npm ci), type-checked against the published types, and executed in their smallest
 * configuration with their printed results checked.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

const example = join(ROOT, "examples/pipeline.ts");

/** Type-checks a file as a user's project would (strict, Node ESM), "assbkit" resolving to the built package. */
function typecheckAsUser(file: string): void {
  const flags = ["--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext"];
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), ...flags, "--types", "node", file], {
    encoding: "utf8",
    cwd: ROOT,
  });
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
}

test("examples/pipeline.ts: short, imports only from the package, and type-checks against its published types", () => {
  const src = readFileSync(example, "utf8");
  const code = src.split("\n").filter((l) => l.trim() && !/^\s*(\/\*\*|\*|\/\/)/.test(l));
  assert.ok(code.length <= 32, `${code.length} lines of code`);
  assert.equal(
    [...src.matchAll(/from "([^"]+)"/g)].map((m) => m[1]),
    ["assbkit"],
  );
  typecheckAsUser(example);
});

test("examples/pipeline.ts: pack -> press -> voxelize -> transport -> cell runs end to end", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", example, "160"], { encoding: "utf8", cwd: ROOT });
  assert.is(r.status, 0, r.stderr);
  const num = (re: RegExp) => {
    const m = re.exec(r.stdout);
    assert.ok(m, `${re} in\n${r.stdout}`);
    return Number(m![1]);
  };
  const loaded = num(/solid fraction ([\d.]+) loaded/),
    released = num(/([\d.]+) released/);
  assert.ok(loaded > 0.55 && loaded < 0.9 && released < loaded, `solid fraction ${loaded} loaded, ${released} released`);
  const tauSe = num(/SE eps [\d.]+ tau ([\d.]+)/),
    tauAm = num(/AM eps [\d.]+ tau ([\d.]+)/);
  assert.ok(tauSe >= 1 && Number.isFinite(tauSe) && tauAm >= 1 && Number.isFinite(tauAm), `tau SE ${tauSe}, AM ${tauAm}`);
  assert.ok(num(/D_SCA ([\d.]+) um/) > 0);
  assert.ok(num(/: ([\d.]+) Ah\/m2, cut-off 3 V/) > 0, r.stdout);
});

test("README: the 'Start here' library example type-checks against the published types and runs", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("## Start here");
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  assert.ok(block, "a ts block under Start here");
  // inside the package folder, so that "assbkit" resolves to this package (self-reference) as for a user
  mkdirSync(join(ROOT, "test-results"), { recursive: true });
  const file = join(ROOT, "test-results", "readme-start-here.ts");
  writeFileSync(
    file,
    `${block![1]}\nconsole.log(JSON.stringify({ n: packed.particles.id.length, am: section.amFraction, tau: se.tauFactor, q: cell.steps[0].capacity_Ah_m2 }));\n`,
  );
  typecheckAsUser(file);
  const r = spawnSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8", cwd: ROOT });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.is(out.n, 300);
  assert.ok(out.am > 0.1 && out.am < 0.9, `AM area fraction ${out.am}`);
  assert.ok(out.tau >= 1 && Number.isFinite(out.tau), `tau ${out.tau}`);
  assert.ok(out.q > 1, `capacity ${out.q} Ah/m2`);
});

test.run();
