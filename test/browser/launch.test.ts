/**
 * A browser that cannot start is a failing test that prints the launch error, never a silent "0/N":
 * the Chromium test file is run with CHROMIUM_PATH pointing at nothing and at a file that is not a
 * browser, and must fail with the reason on its output.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

const run = (chromium: string) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "test/browser/chromium.test.ts")], {
    encoding: "utf8",
    cwd: ROOT,
    env: { ...process.env, CHROMIUM_PATH: chromium, FORCE_COLOR: "0" },
  });

test("a missing Chromium fails the browser tests with the path it looked at", () => {
  const r = run("/nonexistent/chromium");
  assert.is.not(r.status, 0);
  const out = r.stdout + r.stderr;
  assert.match(out, /Chromium not found at \/nonexistent\/chromium \(CHROMIUM_PATH\)/);
  assert.match(out, /Passed:\s+0/);
});

test("a Chromium that does not start fails the browser tests with the launch error", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-nochrome-"));
  const fake = join(dir, "chromium");
  writeFileSync(fake, "#!/bin/sh\necho 'fake browser: cannot start' >&2\nexit 7\n");
  chmodSync(fake, 0o755);
  const r = run(fake);
  assert.is.not(r.status, 0);
  assert.match(r.stdout + r.stderr, /Chromium \(CHROMIUM_PATH, .*\) did not start: /);
});

test.run();
