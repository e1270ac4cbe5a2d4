// npm's `prepare` (after npm ci, and whenever npx installs this folder into its cache): builds the wasm
// core, dist/ and the browser bundle, unless every output is newer than every source. `npx assb` in this
// repository installs the folder itself (a link) into npx's cache and runs `prepare` there; without this
// check every first call in a new cache rebuilds the project (~30 s). `npm run build` always builds.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const newest = (p) => {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, f) => Math.max(m, newest(join(p, f))), s.mtimeMs);
};
const sources = ["assembly", "host", "app", "scripts", "package.json", "package-lock.json", "asconfig.json", "tsconfig.json"].map(newest);
const outputs = [
  "build/assbkit.wasm",
  "build/assbkit.debug.wasm",
  "build/assbkit-ml.wasm",
  "build/assbkit-mt.wasm",
  "dist/host/cli/main.js",
  "dist/host/index.js",
  "dist/browser/assbkit.js",
  "dist/browser/assbkit-ml.js",
  "dist/browser/assbkit-worker.js",
  "dist/app/index.html",
  "dist/build/assbkit.wasm",
].map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0));
if (Math.min(...outputs) > Math.max(...sources)) {
  console.log("assbkit: build outputs are up to date (npm run build rebuilds)");
  process.exit(0);
}
const r = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
process.exit(r.status ?? 1);
