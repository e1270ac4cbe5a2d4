/**
 * Parameter paths into a config as written (before validation): `rate`, `compact.stages[0].targetPressure_Pa`,
 * `parameters["Active material volume fraction"]`. Dots separate keys, `[i]` indexes arrays, `["..."]` quotes
 * keys that hold dots or brackets (cell parameter names do: "SE conductivity [S.m-1]").
 */
import type { z } from "zod";
import { ConfigError } from "../config/errors.js";

export type PathSegment = string | number;

/** Splits a path into keys and indices; a malformed one is refused naming `field`. */
export function parsePath(path: string, field = "path"): PathSegment[] {
  const segs: PathSegment[] = [];
  const bad = (why: string) =>
    new ConfigError(`${field} = ${JSON.stringify(path)}: ${why}; expected keys separated by dots, [i] indices, ["quoted key"]`);
  let i = 0;
  let expectKey = true;
  while (i < path.length) {
    const ch = path[i];
    if (ch === "[") {
      const close = path.indexOf("]", i);
      if (path[i + 1] === '"') {
        const end = path.indexOf('"]', i + 2);
        if (end < 0) throw bad("an unterminated quoted key");
        segs.push(path.slice(i + 2, end));
        i = end + 2;
      } else {
        if (close < 0) throw bad("an unterminated [");
        const n = path.slice(i + 1, close);
        if (!/^\d+$/.test(n)) throw bad(`[${n}] is not an array index`);
        segs.push(Number(n));
        i = close + 1;
      }
      expectKey = false;
    } else if (ch === ".") {
      if (expectKey) throw bad("an empty key");
      expectKey = true;
      i += 1;
    } else {
      if (!expectKey) throw bad(`a key must follow a dot at character ${i + 1}`);
      let j = i;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j += 1;
      segs.push(path.slice(i, j).trim());
      i = j;
      expectKey = false;
    }
  }
  if (segs.length === 0 || expectKey) throw bad(segs.length ? "a trailing dot" : "an empty path");
  return segs;
}

/** The value at `segs` in `obj`, or undefined when a step is missing. */
export function getAt(obj: unknown, segs: readonly PathSegment[]): unknown {
  let v = obj;
  for (const s of segs) {
    if (v == null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

/** Whether the value at `segs` exists (a present key or index, whatever its value). */
export function hasAt(obj: unknown, segs: readonly PathSegment[]): boolean {
  let v = obj;
  for (const s of segs) {
    if (v == null || typeof v !== "object" || !(s in (v as object))) return false;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return true;
}

/** A deep copy of `obj` with `value` at `segs` (missing objects and arrays created on the way). */
export function setAt<T>(obj: T, segs: readonly PathSegment[], value: unknown): T {
  const root = structuredClone(obj) as unknown;
  let v = root as Record<PropertyKey, unknown>;
  segs.forEach((s, k) => {
    if (k === segs.length - 1) {
      v[s] = structuredClone(value);
      return;
    }
    if (v[s] == null || typeof v[s] !== "object") v[s] = typeof segs[k + 1] === "number" ? [] : {};
    v = v[s] as Record<PropertyKey, unknown>;
  });
  return root as T;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Whether the zod schema `schema` has a place at `segs` (an object key it declares, an index of an array
 * or tuple, any key of a record), looking through optional, default, preprocess and union wrappers.
 */
export function schemaAccepts(schema: z.ZodType, segs: readonly PathSegment[], depth = 0): boolean {
  if (segs.length === 0) return true;
  if (depth > 64) return false;
  const d = defOf(schema);
  const [head, ...rest] = segs;
  const next = (s: z.ZodType | undefined | null) => !!s && schemaAccepts(s, rest, depth + 1);
  switch (d.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return schemaAccepts(d.innerType!, segs, depth + 1);
    case "pipe":
      return schemaAccepts(d.in!, segs, depth + 1) || schemaAccepts(d.out!, segs, depth + 1);
    case "lazy":
      return schemaAccepts(d.getter!(), segs, depth + 1);
    case "union":
      return d.options!.some((o) => schemaAccepts(o, segs, depth + 1));
    case "intersection":
      return schemaAccepts(d.left!, segs, depth + 1) || schemaAccepts(d.right!, segs, depth + 1);
    case "object":
      if (typeof head !== "string") return false;
      if (Object.hasOwn(d.shape!, head)) return next(d.shape![head]);
      return !!d.catchall && defOf(d.catchall).type !== "never" && next(d.catchall);
    case "record":
      return typeof head === "string" && next(d.valueType);
    case "array":
      return typeof head === "number" && next(d.element);
    case "tuple":
      return typeof head === "number" && (head < d.items!.length ? next(d.items![head]) : next(d.rest));
    case "any":
    case "unknown":
      // a field of several forms (checked by a transform): the schema cannot say which keys it has, so only
      // the whole value (or a key already in the base config) can be an axis
      return false;
    default:
      return false;
  }
}
