/** Loading config files (Node): YAML or JSON by extension, with errors that name the file. */
import { readFileSync } from "node:fs";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { ConfigError } from "./errors.js";

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message.split("\n")[0]}`);
  }
}

export { toYaml, parseYaml };
