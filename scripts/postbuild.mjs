// After tsc: make dist/ self-contained (the wasm next to where the loader looks) and the CLI executable.
import { mkdirSync, copyFileSync, chmodSync, readdirSync } from "node:fs";
mkdirSync("dist/build", { recursive: true });
for (const f of readdirSync("build")) if (f.endsWith(".wasm")) copyFileSync(`build/${f}`, `dist/build/${f}`);
chmodSync("dist/host/cli/main.js", 0o755);
