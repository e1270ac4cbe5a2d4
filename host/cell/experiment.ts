/**
 * PyBaMM-style experiment strings -> steps. Accepted grammar (case-insensitive): EXPERIMENT_GRAMMAR.
 * Steps are separated by ";" or new lines (or given as an array). Cycles, as in PyBaMM: every top-level
 * step is a cycle of its own, `N x (a; b)` is N cycles of (a; b), and an inner array of an array input
 * is one cycle; repeats nested inside a cycle stay inside that cycle.
 */
import { ConfigError } from "../config/errors.js";

/** Most steps an experiment may expand to (repeats multiplied out); checked before expanding. */
export const MAX_EXPANDED_STEPS = 100_000;

export const DURATION_UNITS = [
  "s",
  "sec",
  "secs",
  "second",
  "seconds",
  "m",
  "min",
  "mins",
  "minute",
  "minutes",
  "h",
  "hr",
  "hrs",
  "hour",
  "hours",
] as const;

export const EXPERIMENT_GRAMMAR = [
  "Discharge at <rate> [for <duration>] [[or] until <V>] [(<duration> period)]",
  "Charge at <rate> [for <duration>] [[or] until <V>] [(<duration> period)]",
  "Hold at <V> [for <duration>] [[or] until <rate>] [(<duration> period)]",
  "Rest for <duration> [(<duration> period)]",
  "<N> x (<step>; <step>; ...)  or  (<step>; ...) x <N>  ('*' for 'x'): N cycles",
  "<rate> = 1C | 2 C | 0.5C | C/2 | 3C/2 (C-rate); <x> A/m2 | <x> A/m^2 | <x> mA/cm2 | <x> mA/cm^2 (current density);",
  "         <x> A | <x> mA (absolute current: needs an electrode area, --area or 'Electrode area [m2]')",
  "<V> = <x> V | <x> mV;  <duration> = <x> " + DURATION_UNITS.join("|"),
  "case-insensitive, except A and mA; steps separated by ';' or new lines",
].join("\n  ");

/** A current as a C-rate (x 1C current of the parameter set), a current density [A/m^2], or an absolute current [A] (needs an electrode area). */
export type Rate = { cRate: number } | { current_A_m2: number } | { current_A: number };

interface StepCommon {
  text: string;
  /** output period [s] of this step (`(1 minute period)`): output points at the step start + k period and at its end */
  period_s?: number;
  /** cycle index (0-based) for experiment-level terminations */
  cycle?: number;
}

export type ExperimentStep = StepCommon &
  (
    | { kind: "discharge" | "charge"; rate: Rate; until_V?: number; duration_s?: number }
    | { kind: "hold"; voltage_V: number; untilRate?: Rate; duration_s?: number }
    | { kind: "rest"; duration_s: number }
  );

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
    if (!(x > 0) || !Number.isFinite(x)) throw bad(text, `current ${s} must be positive`);
    return { current_A_m2: x };
  }
  // absolute current (PyBaMM's "1 A", "50 mA"): case-sensitive unit, 'mA' is milli
  m = new RegExp(`^${NUM}(A|mA)$`).exec(t);
  if (m) {
    const x = m[2] === "mA" ? Number(m[1]) / 1000 : Number(m[1]);
    if (!(x > 0) || !Number.isFinite(x)) throw bad(text, `current ${s} must be positive`);
    return { current_A: x };
  }
  if (new RegExp(`^${NUM}(m?W|m?Ohm)$`, "i").test(t))
    throw bad(text, `'${s}': power and resistance steps are not supported (give a C-rate or a current)`);
  throw bad(text, `'${s}' is not a rate`);
}

export function parseDuration(s: string, text: string): number {
  const m = new RegExp(`^${NUM}\\s*(${DURATION_UNITS.join("|")})$`, "i").exec(s.trim());
  if (!m) throw bad(text, `'${s}' is not a duration`);
  const u = m[2].toLowerCase();
  const x = Number(m[1]) * (u.startsWith("h") ? 3600 : u.startsWith("m") ? 60 : 1);
  if (!(x > 0) || !Number.isFinite(x)) throw bad(text, `duration ${s} must be positive`);
  return x;
}

function parseVoltage(s: string, text: string): number {
  const m = new RegExp(`^${NUM}\\s*(V|mV)$`, "i").exec(s.trim());
  if (!m) throw bad(text, `'${s}' is not a voltage (e.g. 3.0 V)`);
  const v = Number(m[1]) * (m[2].toLowerCase() === "mv" ? 1e-3 : 1);
  if (!(v > 0) || !Number.isFinite(v)) throw bad(text, `voltage ${s} must be positive`);
  return v;
}

export function parseStep(text: string): ExperimentStep {
  let t = text.trim().replace(/\s+/g, " ");
  const full = t;
  // PyBaMM's output-period suffix: "<step> (<duration> period)"
  let period_s: number | undefined;
  const pm = /^(.*?) ?\(([^()]*?) period\)$/i.exec(t);
  if (pm) {
    period_s = parseDuration(pm[2], text);
    t = pm[1].trim();
  }
  const withPeriod = <S extends ExperimentStep>(s: S): S => (period_s !== undefined ? { ...s, period_s } : s);
  const clauses = (rest: string) => {
    const forM = /\bfor ([^]*?)(?= (?:or )?until |$)/i.exec(rest);
    const untilM = /\buntil ([^]*)$/i.exec(rest);
    const leftover = rest
      .replace(/\bfor [^]*?(?= (?:or )?until |$)/i, "")
      .replace(/ ?(?:or )?until [^]*$/i, "")
      .trim();
    if (leftover) throw bad(text, `unexpected '${leftover}'`);
    return { forS: forM?.[1]?.trim(), until: untilM?.[1]?.trim() };
  };
  let m = /^(discharge|charge) at (.+?)(?= for | until | or until |$)(.*)$/i.exec(t);
  if (m) {
    const kind = m[1].toLowerCase() as "discharge" | "charge";
    const c = clauses(m[3]);
    if (!c.forS && !c.until) throw bad(text, `a ${kind} needs 'until <V> V' or 'for <duration>'`);
    return withPeriod({
      kind,
      text: full,
      rate: parseRate(m[2], text),
      until_V: c.until ? parseVoltage(c.until, text) : undefined,
      duration_s: c.forS ? parseDuration(c.forS, text) : undefined,
    });
  }
  m = /^hold at (.+? ?m?V)(?= for | until | or until |$)(.*)$/i.exec(t);
  if (m) {
    const c = clauses(m[2]);
    if (!c.forS && !c.until) throw bad(text, `a hold needs 'until <rate>' or 'for <duration>'`);
    return withPeriod({
      kind: "hold",
      text: full,
      voltage_V: parseVoltage(m[1], text),
      untilRate: c.until ? parseRate(c.until, text) : undefined,
      duration_s: c.forS ? parseDuration(c.forS, text) : undefined,
    });
  }
  m = /^rest for (.+)$/i.exec(t);
  if (m) return withPeriod({ kind: "rest", text: full, duration_s: parseDuration(m[1], text) });
  throw bad(text, "unknown phrase");
}

/** Splits on ';' / new lines outside parentheses. */
function split(s: string): string[] {
  const out: string[] = [];
  let depth = 0,
    cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if ((ch === ";" || ch === "\n") && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** `N x (...)`, `(...) x N` (also with '*'): [N, inner] or null. */
function repeatOf(it: string): [number, string] | null {
  let m = /^(\d+)\s*[x*]\s*\((.*)\)$/is.exec(it);
  if (m) return [Number(m[1]), m[2]];
  m = /^\((.*)\)\s*[x*]\s*(\d+)$/is.exec(it);
  if (m) return [Number(m[2]), m[1]];
  return null;
}

interface Node {
  rep?: { n: number; inner: Node[]; text: string };
  step?: string;
}

/** Parses the repeat structure (no expansion) and checks each repeat count. */
function structure(s: string): Node[] {
  return split(s).map((it) => {
    const r = repeatOf(it);
    if (!r) return { step: it };
    if (!(r[0] >= 1 && r[0] <= MAX_EXPANDED_STEPS)) throw bad(it, `repeat count ${r[0]} must be 1..${MAX_EXPANDED_STEPS}`);
    return { rep: { n: r[0], inner: structure(r[1]), text: it } };
  });
}

function expandedCount(nodes: Node[]): number {
  let c = 0;
  for (const nd of nodes) c += nd.rep ? nd.rep.n * expandedCount(nd.rep.inner) : 1;
  return c;
}

function expand(nodes: Node[], out: ExperimentStep[], cycle: number | null, next: { c: number }): void {
  for (const nd of nodes) {
    if (nd.rep) {
      const inner: ExperimentStep[] = [];
      expand(nd.rep.inner, inner, 0, { c: 0 });
      if (inner.length === 0) throw bad(nd.rep.text, "no steps inside the repeat");
      for (let k = 0; k < nd.rep.n; k++) {
        const c = cycle ?? next.c++;
        for (const st of inner) out.push({ ...st, cycle: c });
      }
    } else {
      const st = parseStep(nd.step!);
      out.push({ ...st, cycle: cycle ?? next.c++ });
    }
  }
}

/** Parses an experiment (string with ';'-separated steps, or an array of step strings / cycles). The
 *  expanded size is bounded (MAX_EXPANDED_STEPS) before anything is expanded. */
export function parseExperiment(input: string | (string | string[])[]): ExperimentStep[] {
  const items: (Node[] | { cycle: Node[] })[] =
    typeof input === "string"
      ? [structure(input)]
      : input.map((x) => (Array.isArray(x) ? { cycle: x.flatMap((s) => structure(s)) } : structure(x)));
  const total = items.reduce((s, it) => s + expandedCount(Array.isArray(it) ? it : it.cycle), 0);
  if (total > MAX_EXPANDED_STEPS) {
    throw new ConfigError(`experiment: expands to ${total} steps (repeats multiplied out): expected at most ${MAX_EXPANDED_STEPS}`);
  }
  const steps: ExperimentStep[] = [];
  const next = { c: 0 };
  for (const it of items) {
    if (Array.isArray(it)) expand(it, steps, null, next);
    else {
      expand(it.cycle, steps, next.c, next);
      next.c++;
    }
  }
  if (steps.length === 0) throw bad(String(input), "no steps");
  return steps;
}

/** Numbers in messages: 6 significant digits, trailing zeros dropped (0.23399999999999999 -> 0.234). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

/** A duration in messages: seconds below 2 minutes, else minutes below 2 hours, else hours. */
export function fmtDuration(s: number): string {
  return s < 120 ? `${fmt(s)} s` : s < 7200 ? `${fmt(s / 60)} min` : `${fmt(s / 3600)} h`;
}

/** Experiment-level termination (PyBaMM's `termination=`): checked at the end of every cycle. */
export interface ExperimentTermination {
  /** stop when a cycle's discharge capacity falls below this fraction of the first cycle's */
  capacityFraction?: number;
  /** stop when a cycle's minimum voltage falls to or below this [V] */
  minVoltage_V?: number;
  text: string;
}

/** "80% capacity", "3.0 V", or both comma separated. */
export function parseTermination(s: string, where = "--termination"): ExperimentTermination {
  const out: ExperimentTermination = { text: s.trim() };
  const parts = s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new ConfigError(`${where} = "${s}": expected "<x>% capacity" and/or "<x> V" (comma separated)`);
  for (const p of parts) {
    let m = new RegExp(`^${NUM}\\s*%\\s*capacity$`, "i").exec(p);
    if (m) {
      const f = Number(m[1]) / 100;
      if (!(f > 0 && f <= 1))
        throw new ConfigError(
          `${where} = "${s}": capacity ${m[1]}%: expected a percentage in (0, 100] [% of the first discharge capacity]`,
        );
      out.capacityFraction = f;
      continue;
    }
    m = new RegExp(`^${NUM}\\s*(V|mV)$`, "i").exec(p);
    if (m) {
      const v = Number(m[1]) * (m[2].toLowerCase() === "mv" ? 1e-3 : 1);
      if (!(v > 0) || !Number.isFinite(v)) throw new ConfigError(`${where} = "${s}": voltage ${p}: expected a positive voltage [V]`);
      out.minVoltage_V = v;
      continue;
    }
    throw new ConfigError(
      `${where} = "${s}": '${p}' is not a termination; expected "<x>% capacity" (of the first discharge) and/or "<x> V" (minimum voltage of a cycle), comma separated`,
    );
  }
  return out;
}
