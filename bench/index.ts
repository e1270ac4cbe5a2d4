/**
 * npm run bench -- <domain> [options]: one file per domain, each prints ratios against baselines measured in
 * the same run. Everything a bench prints is also written to bench/results/<date>-<domain>.md with the
 * machine, Node and git revision, so figures quoted in notes and docs point at a dated file.
 */
import { execSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { writeFileAtomic } from "../host/io/atomic.js";

const domains: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  dem: () => import("./dem.js"),
  compaction: () => import("./compaction.js"),
  paper003: () => import("./paper003.js"),
  paper004: () => import("./paper004.js"),
  transport: () => import("./transport.js"),
  ml: () => import("./ml.js"),
  cell: () => import("./cell.js"),
  micro: () => import("./micro.js"),
  study: () => import("./study.js"),
  multiscale: () => import("./multiscale.js"),
  cnn000: () => import("./cnn000.js"),
  cnn002: () => import("./cnn002.js"),
};
const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in domains)) {
  console.error(`usage: npm run bench -- <domain> [options]; domains: ${Object.keys(domains).join(", ")}`);
  process.exit(2);
}

// tee stdout into the results file (progress on stderr stays out of it)
const lines: string[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...a: unknown[]) => {
  lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
  return (write as (c: string | Uint8Array, ...b: unknown[]) => boolean)(chunk, ...a);
}) as typeof process.stdout.write;

const started = new Date();
await (await domains[name]()).main(rest);

const rev = (() => {
  try {
    const r = execSync("git rev-parse --short HEAD", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execSync("git status --porcelain", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return dirty ? `${r} + uncommitted changes` : r;
  } catch {
    return "unknown";
  }
})();
const day = started.toISOString().slice(0, 10);
const args = rest
  .join(" ")
  .replace(/(^|\s)--?/g, "$1")
  .trim()
  .replace(/[^\w.=]+/g, "_");
const file = `bench/results/${day}-${name}${args ? `-${args}` : ""}.md`;
const head = [
  `# npm run bench -- ${[name, ...rest].join(" ")}`,
  "",
  `- date: ${started.toISOString()}`,
  `- machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`,
  `- git: ${rev}`,
  "",
  "```",
];
writeFileAtomic(file, `${head.join("\n")}\n${lines.join("").trimEnd()}\n\`\`\`\n`);
process.stderr.write(`bench: wrote ${file}\n`);
