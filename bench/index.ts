/** npm run bench -- <domain> [options]: one file per domain, each prints ratios against baselines measured in the same run. */
const domains: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  dem: () => import("./dem.js"),
  compaction: () => import("./compaction.js"),
  paper003: () => import("./paper003.js"),
  transport: () => import("./transport.js"),
  ml: () => import("./ml.js"),
  cell: () => import("./cell.js"),
};
const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in domains)) {
  console.error(`usage: npm run bench -- <domain> [options]; domains: ${Object.keys(domains).join(", ")}`);
  process.exit(2);
}
await (await domains[name]()).main(rest);
