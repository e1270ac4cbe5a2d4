// Line length of the AssemblyScript sources (assembly/, test/assembly/), which Biome does not format (it
// does not parse AssemblyScript's decorators on functions): at most 140 characters, as Biome keeps the rest.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const MAX = 140;
const walk = (d) =>
  readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith(".ts") ? [join(d, f)] : []));
const long = ["assembly", "test/assembly"].flatMap(walk).flatMap((f) =>
  readFileSync(f, "utf8")
    .split("\n")
    .flatMap((l, k) => (l.length > MAX ? [`${f}:${k + 1}: ${l.length} characters (at most ${MAX})`] : [])),
);
for (const l of long) console.error(l);
process.exit(long.length ? 1 : 0);
