/**
 * A study's cases: the cartesian product of its list and grid axes (first axis slowest), crossed with
 * `samples` points drawn for its random and latin-hypercube axes from the study seed, times `repeat`
 * replicas. A case's id hashes its parameter values and replica index, and its seed hashes the study seed
 * with that id: neither depends on the order cases run in, the number of workers, or a restart.
 */
import { ConfigError } from "../config/errors.js";
import { Rng } from "../core/rng.js";
import type { KindName } from "./kinds.js";
import { setAt } from "./paths.js";
import { canonicalJson, sha256, type Study } from "./schema.js";

/** Everything one case needs, plain and serializable: a worker thread or another machine runs it from this alone. */
export interface CaseSpec {
  /** 12 hex digits of sha256(parameters, replica) */
  id: string;
  /** position in the study's expansion (display order only) */
  index: number;
  replica: number;
  /** uint32 from sha256(study seed, id) */
  seed: number;
  kind: KindName;
  /** axis path -> value */
  params: Record<string, unknown>;
  /** the base config as written with the parameter values in place */
  config: unknown;
  baseDir: string;
  /** names the case's config in error lines */
  source: string;
}

export const caseId = (params: Record<string, unknown>, replica: number) => sha256(canonicalJson({ params, replica })).slice(0, 12);
export const caseSeed = (studySeed: number, id: string) => Number.parseInt(sha256(`${studySeed}:${id}`).slice(0, 8), 16);

const scale = (u: number, r: { min: number; max: number; log: boolean }) =>
  r.log ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);

/**
 * The sampled points: one row of values per point, one column per sampled axis. Random: uniform draws.
 * Latin hypercube: for each axis, a random permutation of the `n` strata [k/n, (k+1)/n) and one uniform
 * draw inside each, so every stratum of every axis holds exactly one point.
 */
export function samplePoints(study: Pick<Study, "axes" | "seed" | "sampling">): number[][] {
  const sampled = study.axes.filter((a) => a.range);
  const n = sampled.length ? study.sampling.samples : 1;
  // its own stream, derived from the study seed (which may exceed 32 bits)
  const rng = new Rng(Number.parseInt(sha256(`${study.seed}:sampling`).slice(0, 8), 16));
  const cols = sampled.map((a) => {
    if (a.mode === "random") return Array.from({ length: n }, () => scale(rng.next(), a.range!));
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    return perm.map((k) => scale((k + rng.next()) / n, a.range!));
  });
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
}

/** Every case of the study, in expansion order (ids unique: a duplicate point is refused). */
export function expandCases(study: Study): CaseSpec[] {
  const grid = study.axes.filter((a) => a.values);
  const sampled = study.axes.filter((a) => a.range);
  let combos: unknown[][] = [[]];
  for (const a of grid) combos = combos.flatMap((c) => a.values!.map((v) => [...c, v]));
  const points = samplePoints(study);
  const out: CaseSpec[] = [];
  const seen = new Map<string, number>();
  for (const combo of combos)
    for (const point of points)
      for (let replica = 0; replica < study.repeat; replica++) {
        const params: Record<string, unknown> = {};
        grid.forEach((a, k) => (params[a.path] = combo[k]));
        sampled.forEach((a, k) => (params[a.path] = point[k]));
        // the axes' order in the file, so a case's parameters read as written
        const ordered = Object.fromEntries(study.axes.map((a) => [a.path, params[a.path]]));
        let config = study.base;
        for (const a of study.axes) config = setAt(config, a.segs, ordered[a.path]);
        const id = caseId(ordered, replica);
        const prev = seen.get(id);
        if (prev !== undefined)
          throw new ConfigError(`study ${study.name}: cases ${prev} and ${out.length} have the same parameters ${canonicalJson(ordered)}`);
        seen.set(id, out.length);
        out.push({
          id,
          index: out.length,
          replica,
          seed: caseSeed(study.seed, id),
          kind: study.kind,
          params: ordered,
          config,
          baseDir: study.baseDir,
          source: `${study.baseSource} (case ${id})`,
        });
      }
  return out;
}
