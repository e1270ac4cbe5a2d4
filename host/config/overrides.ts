/** `--set key.path=value` overrides onto a config object as read (before its schema validates it). */
import { inputError } from "./errors.js";

/**
 * Applies `key.path=value` strings to a copy of `input`. A path walks mappings (missing ones are created)
 * and existing lists by index (`stages.0.targetPressure_Pa` or `stages[0].targetPressure_Pa`). The value is
 * JSON when it parses as JSON (`2.5e-4`, `[0.5, 1]`, `true`), else the plain string (`"10 um"`, `bonded`).
 */
export function applyOverrides(input: unknown, sets: string[], option = "--set"): Record<string, unknown> {
  const out = structuredClone((input ?? {}) as Record<string, unknown>);
  if (typeof out !== "object" || Array.isArray(out)) throw inputError("config", input, "a mapping of keys to values");
  for (const s of sets) {
    const i = s.indexOf("=");
    if (i < 1) throw inputError(option, s, "key=value, e.g. --set flux_mol_m2_s=2.61e-4 or --set am.poissonRatio=0.25");
    const path = s
      .slice(0, i)
      .trim()
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".");
    const raw = s.slice(i + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string ("cohesive", "10 um")
    }
    let o = out as Record<string, unknown> | unknown[];
    for (const [d, key] of path.entries()) {
      const last = d === path.length - 1;
      if (Array.isArray(o)) {
        const k = Number(key);
        if (!(/^\d+$/.test(key) && k < o.length))
          throw inputError(option, s, `an index in [0, ${o.length - 1}] of the list ${path.slice(0, d).join(".")}`);
        if (last) o[k] = value;
        else o = step(o[k], s, key, option);
      } else if (last) o[key] = value;
      else {
        if (o[key] === undefined) o[key] = {};
        o = step(o[key], s, key, option);
      }
    }
  }
  return out;
}

function step(v: unknown, s: string, key: string, option: string): Record<string, unknown> | unknown[] {
  if (typeof v !== "object" || v === null) throw inputError(option, s, `a path through mappings and lists (${key} is a value)`);
  return v as Record<string, unknown> | unknown[];
}
