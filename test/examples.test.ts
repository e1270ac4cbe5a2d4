/**
 * The examples run as a user runs them: `import ... from "assbkit"` (the package's own exports, built
 * into dist/ by npm ci), type-checked against the published types, and executed in their smallest
 * configuration with their printed results checked.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

const example = join(ROOT, "examples/pipeline.ts");

test("examples/pipeline.ts: short, imports only from the package, and type-checks against its published types", () => {
  const src = readFileSync(example, "utf8");
  const code = src.split("\n").filter((l) => l.trim() && !/^\s*(\/\*\*|\*|\/\/)/.test(l));
  assert.ok(code.length <= 32, `${code.length} lines of code`);
  assert.equal(
    [...src.matchAll(/from "([^"]+)"/g)].map((m) => m[1]),
    ["assbkit"],
  );
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, "node_modules/typescript/bin/tsc"),
      "--noEmit",
      "--strict",
      "--skipLibCheck",
      "--target",
      "es2022",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--types",
      "node",
      example,
    ],
    { encoding: "utf8", cwd: ROOT },
  );
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
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

test.run();
