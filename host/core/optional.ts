/**
 * Optional peer packages. TensorFlow.js serves only the ML entries (assbkit/ml, assbkit/ml/browser);
 * vega, vega-lite, resvg and the DejaVu font serve only plots. The core library never loads them at
 * module load: code that needs one imports it through `importOptional`, which turns a missing package
 * into a one-line ConfigError naming the package and the command that installs its group.
 * The versions here are package.json's peerDependencies (test/architecture.test.ts checks they agree).
 */
import { ConfigError } from "../config/errors.js";

export const OPTIONAL_PACKAGES = {
  ml: {
    what: "machine learning (assbkit/ml)",
    packages: { "@tensorflow/tfjs": "4.22.0", "@tensorflow/tfjs-backend-wasm": "4.22.0" },
  },
  plot: {
    what: "plots (PNG and SVG charts)",
    packages: { vega: "^6.4.0", "vega-lite": "^6.4.3", "@resvg/resvg-js": "^2.6.2", "dejavu-fonts-ttf": "^2.37.3" },
  },
} as const;

export type OptionalGroup = keyof typeof OPTIONAL_PACKAGES;

/** `npm install <every package of the group>@<version>`. */
export function installCommand(group: OptionalGroup): string {
  return `npm install ${Object.entries(OPTIONAL_PACKAGES[group].packages)
    .map(([name, version]) => `${name}@${version}`)
    .join(" ")}`;
}

/** The error for a package of `group` that is not installed. */
export function missingPackage(group: OptionalGroup, pkg: string): ConfigError {
  return new ConfigError(
    `${pkg} is not installed (an optional package, used by ${OPTIONAL_PACKAGES[group].what}); install it with: ${installCommand(group)}`,
  );
}

/** True when `e` says that `pkg` (or a file inside it) could not be found, from import() or require. */
export function isMissingPackage(e: unknown, pkg: string): boolean {
  const code = (e as { code?: string } | null)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && msg.includes(pkg);
}

/** Runs `load` (a dynamic import of `pkg`); a missing package becomes `missingPackage(group, pkg)`. */
export async function importOptional<T>(group: OptionalGroup, pkg: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, pkg)) throw missingPackage(group, pkg);
    throw e;
  }
}
