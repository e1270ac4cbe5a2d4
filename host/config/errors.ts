/** Configuration errors that name the field, the value, the expectation and the unit. */
import type { z } from "zod";

export class ConfigError extends Error {
  constructor(message: string, readonly issues: string[] = [message]) { super(message); this.name = "ConfigError"; }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (v == null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return "missing";
  const s = JSON.stringify(v);
  return s && s.length > 60 ? s.slice(0, 57) + "..." : String(s);
}

/** One line per issue: `<prefix>.<path> = <value>: <message>`. */
export function formatIssues(err: z.ZodError, input: unknown, prefix = ""): string[] {
  return err.issues.map((iss) => {
    const path = [prefix, ...iss.path.map(String)].filter(Boolean).join(".");
    const v = valueAt(input, iss.path);
    return `${path || "(root)"} = ${show(v)}: ${iss.message}`;
  });
}

export function configErrorFrom(err: z.ZodError, input: unknown, what: string, prefix = ""): ConfigError {
  const lines = formatIssues(err, input, prefix);
  return new ConfigError(`${what}: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more: ${lines.slice(1).join("; ")})` : ""}`, lines);
}
