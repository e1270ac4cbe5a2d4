/** How the CLI fails: one line `assb: error: ...` with exit 2 (input) or 3 (not converged); internal errors exit 1 with the stack only behind --debug. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reportError } from "../../host/cli/fail.js";
import { ConfigError, NotConvergedError } from "../../host/config/errors.js";
import { DemUnstableError } from "../../host/dem/system.js";
import { ROOT } from "../helpers.js";

const capture = (e: unknown, debug = false) => {
  let text = "";
  const code = reportError(e, debug, {
    write: (s: string) => {
      text += s;
      return true;
    },
  } as unknown as NodeJS.WritableStream);
  return { code, text };
};

test("typed errors: one line and their exit code (2 input, 3 not converged)", () => {
  assert.equal(capture(new ConfigError("x.yaml: a = 1: expected b")), { code: 2, text: "assb: error: x.yaml: a = 1: expected b\n" });
  assert.equal(capture(new NotConvergedError("uniaxial: 10 steps")), { code: 3, text: "assb: error: uniaxial: 10 steps\n" });
  assert.is(capture(new DemUnstableError("blew up", 1, 2, 3)).code, 2);
});

test("Node file errors name the path; anything else is an internal error with the stack only behind --debug", () => {
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'a/b.csv'"), {
    code: "ENOENT",
    syscall: "open",
    path: "a/b.csv",
  });
  assert.equal(capture(enoent), { code: 2, text: "assb: error: a/b.csv: cannot read (ENOENT: no such file or folder)\n" });
  const bug = new TypeError("x is undefined");
  const plain = capture(bug);
  assert.is(plain.code, 1);
  assert.is(plain.text, "assb: internal error: x is undefined (run with --debug for the stack trace; please report it)\n");
  const dbg = capture(bug, true);
  assert.match(dbg.text, /^assb: internal error: x is undefined\nTypeError: x is undefined\n\s+at /);
});

const assb = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host/cli/main.ts"), ...args], { encoding: "utf8", cwd: ROOT });

test("usage errors: unknown subcommand or option, missing argument: one line, exit 2", () => {
  for (const [args, re] of [
    [["demx"], /^assb: error: unknown command 'demx' \(Did you mean one of dem, demo\?\) \(assb --help lists the commands and options\)$/],
    [["dem"], /^assb: error: missing required argument 'case'/],
    [["dem", "x.yaml", "--bogus"], /^assb: error: unknown option '--bogus'/],
  ] as [string[], RegExp][]) {
    const r = assb(...args);
    assert.is(r.status, 2, args.join(" "));
    assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr.trim(), re);
  }
  assert.is(assb("--version").status, 0);
  assert.is(assb("--help").status, 0);
});

test("--debug prints the stack of a user error; without it there is none", () => {
  const dir = mkdtempSync(join(tmpdir(), "assb-dbg-"));
  writeFileSync(join(dir, "bad.yaml"), "materials: [\n");
  const plain = assb("dem", join(dir, "bad.yaml"));
  assert.is(plain.status, 2);
  assert.match(plain.stderr, /^assb: error: .*bad\.yaml: not valid YAML: .*\n$/);
  const dbg = assb("dem", join(dir, "bad.yaml"), "--debug");
  assert.is(dbg.status, 2);
  assert.match(dbg.stderr, /^assb: error: .*bad\.yaml: not valid YAML: .*\nConfigError: .*\n\s+at /);
});

test.run();
