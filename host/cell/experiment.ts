/**
 * PyBaMM-style experiment strings -> steps. Accepted grammar (case-insensitive):
 *   Discharge at <rate> [for <duration>] [until <V> V]
 *   Charge at <rate> [for <duration>] [until <V> V]
 *   Hold at <V> V [for <duration>] [until <rate>]
 *   Rest for <duration>
 *   <N> x (<step>; <step>; ...)        repeated cycle ("(...) x N" also accepted)
 * <rate>: 1C, C/2, 0.5C, 2 C, or a current density: 5 A/m2, 0.5 mA/cm2
 * <duration>: number with s, seconds, min, minutes, h, hours
 * Steps are separated by ";" or new lines (or given as an array).
 */
import { ConfigError } from "../config/errors.js";

export const EXPERIMENT_GRAMMAR = [
  "Discharge at <rate> [for <duration>] [until <V> V]",
  "Charge at <rate> [for <duration>] [until <V> V]",
  "Hold at <V> V [for <duration>] [until <rate>]",
  "Rest for <duration>",
  "<N> x (<step>; <step>; ...)  (repeated cycle)",
  "<rate> = 1C | C/2 | 0.5C | <x> A/m2 | <x> mA/cm2;  <duration> = <x> s|seconds|min|minutes|h|hours",
].join("\n  ");

/** A current as a C-rate (x 1C current of the parameter set) or as A/m^2. */
export type Rate = { cRate: number } | { current_A_m2: number };

export type ExperimentStep =
  | { kind: "discharge" | "charge"; text: string; rate: Rate; until_V?: number; duration_s?: number }
  | { kind: "hold"; text: string; voltage_V: number; untilRate?: Rate; duration_s?: number }
  | { kind: "rest"; text: string; duration_s: number };

const NUM = String.raw`([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)`;

function bad(text: string, why: string): ConfigError {
  return new ConfigError(`experiment: cannot read "${text}" (${why}); accepted grammar:\n  ${EXPERIMENT_GRAMMAR}`);
}

export function parseRate(s: string, text: string): Rate {
  const t = s.trim().replace(/\s+/g, "");
  let m = new RegExp(`^${NUM}?C(?:/${NUM})?$`, "i").exec(t);
  if (m && (m[1] !== undefined || m[2] !== undefined)) {
    const r = (m[1] !== undefined ? Number(m[1]) : 1) / (m[2] !== undefined ? Number(m[2]) : 1);
    if (!(r > 0) || !Number.isFinite(r)) throw bad(text, `C-rate ${s} must be positive`);
    return { cRate: r };
  }
  if (/^C$/i.test(t)) return { cRate: 1 };
  m = new RegExp(`^${NUM}(A/m2|A/m\\^2|mA/cm2|mA/cm\\^2)$`, "i").exec(t);
  if (m) {
    const x = Number(m[1]) * (m[2].toLowerCase().startsWith("ma") ? 10 : 1);
    if (!(x > 0)) throw bad(text, `current ${s} must be positive`);
    return { current_A_m2: x };
  }
  throw bad(text, `'${s}' is not a rate`);
}

function parseDuration(s: string, text: string): number {
  const m = new RegExp(`^${NUM}\\s*(s|sec|secs|seconds?|min|mins|minutes?|h|hr|hrs|hours?)$`, "i").exec(s.trim());
  if (!m) throw bad(text, `'${s}' is not a duration`);
  const u = m[2].toLowerCase();
  const x = Number(m[1]) * (u.startsWith("h") ? 3600 : u.startsWith("m") ? 60 : 1);
  if (!(x > 0)) throw bad(text, `duration ${s} must be positive`);
  return x;
}

function parseVoltage(s: string, text: string): number {
  const m = new RegExp(`^${NUM}\\s*(V|mV)$`, "i").exec(s.trim());
  if (!m) throw bad(text, `'${s}' is not a voltage (e.g. 3.0 V)`);
  return Number(m[1]) * (m[2].toLowerCase() === "mv" ? 1e-3 : 1);
}

export function parseStep(text: string): ExperimentStep {
  const t = text.trim().replace(/\s+/g, " ");
  const clauses = (rest: string) => {
    const forM = /\bfor ([^]*?)(?= (?:or )?until |$)/i.exec(rest);
    const untilM = /\buntil ([^]*)$/i.exec(rest);
    const leftover = rest.replace(/\bfor [^]*?(?= (?:or )?until |$)/i, "").replace(/ ?(?:or )?until [^]*$/i, "").trim();
    if (leftover) throw bad(text, `unexpected '${leftover}'`);
    return { forS: forM?.[1]?.trim(), until: untilM?.[1]?.trim() };
  };
  let m = /^(discharge|charge) at (.+?)(?= for | until | or until |$)(.*)$/i.exec(t);
  if (m) {
    const kind = m[1].toLowerCase() as "discharge" | "charge";
    const c = clauses(m[3]);
    if (!c.forS && !c.until) throw bad(text, `a ${kind} needs 'until <V> V' or 'for <duration>'`);
    return { kind, text: t, rate: parseRate(m[2], text), until_V: c.until ? parseVoltage(c.until, text) : undefined, duration_s: c.forS ? parseDuration(c.forS, text) : undefined };
  }
  m = /^hold at (.+? ?m?V)(?= for | until | or until |$)(.*)$/i.exec(t);
  if (m) {
    const c = clauses(m[2]);
    if (!c.forS && !c.until) throw bad(text, `a hold needs 'until <rate>' or 'for <duration>'`);
    return { kind: "hold", text: t, voltage_V: parseVoltage(m[1], text), untilRate: c.until ? parseRate(c.until, text) : undefined, duration_s: c.forS ? parseDuration(c.forS, text) : undefined };
  }
  m = /^rest for (.+)$/i.exec(t);
  if (m) return { kind: "rest", text: t, duration_s: parseDuration(m[1], text) };
  throw bad(text, "unknown phrase");
}

/** Splits on ';' / new lines outside parentheses. */
function split(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if ((ch === ";" || ch === "\n") && depth === 0) { out.push(cur); cur = ""; } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** Parses an experiment (string with ';'-separated steps, or an array of step strings / cycles). */
export function parseExperiment(input: string | (string | string[])[]): ExperimentStep[] {
  const items = typeof input === "string" ? split(input) : input.flatMap((x) => (Array.isArray(x) ? [`1 x (${x.join("; ")})`] : split(x)));
  const steps: ExperimentStep[] = [];
  for (const it of items) {
    const rep = /^(\d+)\s*x\s*\((.*)\)$/is.exec(it) ?? (/^\((.*)\)\s*x\s*(\d+)$/is.exec(it) ? ((m) => [m[0], m[2], m[1]])(/^\((.*)\)\s*x\s*(\d+)$/is.exec(it)!) : null);
    if (rep) {
      const n = Number(rep[1]);
      if (!(n >= 1 && n <= 100000)) throw bad(it, `repeat count ${rep[1]} must be 1..100000`);
      const inner = parseExperiment(rep[2]);
      for (let k = 0; k < n; k++) steps.push(...inner);
    } else steps.push(parseStep(it));
  }
  if (steps.length === 0) throw bad(String(input), "no steps");
  return steps;
}
