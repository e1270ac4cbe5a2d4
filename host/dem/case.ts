/**
 * A DEM case file (YAML or JSON): materials, pair properties, contact model, particles, box, walls,
 * time step, stages and what to record. `DemCaseSchema.parse` fills the defaults; the resolved case
 * goes into every result file and round-trips through YAML.
 */
import { z } from "zod";
import { quantity, vec3 } from "../config/schema.js";
import { ConfigError, configErrorFrom } from "../config/errors.js";
import { type CoefficientSpec, type ContactChoice, DEFAULT_CONTACT, checkContact, coefficientSpec, coefficientsOf } from "./materials.js";

const AXES = ["x", "y", "z"] as const;

/** A coefficient field, its unit, range and label from the contact-model registry (host/dem/materials.ts). */
function coefficient(name: string) {
  const spec: CoefficientSpec = coefficientSpec(name);
  return quantity(spec.unit, spec, spec.label);
}

/** `contact`: a sub-model name per slot and, optional here, every case-level coefficient a registered model takes
 *  (which of them a choice needs is checkContact's business). */
const ContactSchema = z
  .object({
    normal: z.string().default(DEFAULT_CONTACT.normal),
    damping: z.string().default(DEFAULT_CONTACT.damping),
    tangential: z.string().default(DEFAULT_CONTACT.tangential),
    ...Object.fromEntries(
      Object.entries(coefficientsOf("contact")).map(([k, spec]) => [k, quantity(spec.unit, spec, spec.label).optional()]),
    ),
  })
  .strict() as unknown as z.ZodType<ContactChoice, Partial<ContactChoice>>;

export const MaterialSchema = z
  .object({
    youngsModulus_Pa: coefficient("youngsModulus_Pa"),
    poissonRatio: coefficient("poissonRatio"),
    density_kg_m3: quantity("kg/m^3", { min: 0, minExclusive: true }, "density"),
    /** the electrode phase this material belongs to, for voxels and images (materials named AM or SE need none) */
    phase: z.enum(["AM", "SE"], { error: () => "expected AM (active material) or SE (solid electrolyte)" }).optional(),
  })
  .strict();

export const PairSchema = z
  .object({
    materials: z.tuple([z.string(), z.string()]),
    restitution: coefficient("restitution"),
    friction: coefficient("friction"),
  })
  .strict();

const ParticleSchema = z
  .object({
    id: z.number().int().optional(),
    material: z.string(),
    radius_m: quantity("m", { min: 0, minExclusive: true }, "radius"),
    position_m: vec3("m", "position"),
    velocity_m_s: vec3("m/s", "velocity").default([0, 0, 0]),
    angularVelocity_rad_s: vec3("rad/s", "angular velocity").default([0, 0, 0]),
    density_kg_m3: quantity("kg/m^3", { min: 0, minExclusive: true }, "density").optional(),
  })
  .strict();

const ParticleCsvSchema = z
  .object({
    /** CSV with columns id,type,x_m,y_m,z_m,radius_m[,density_kg_m3][,vx_m_s,vy_m_s,vz_m_s] (path relative to the case file) */
    csv: z.string(),
    /** CSV `type` column value -> material name */
    materials: z.record(z.string(), z.string()),
  })
  .strict();

/**
 * One of two schemas, chosen by the input's shape instead of trying both (z.union reports "Invalid input"
 * when both fail): the errors are those of the intended form, with their field paths and units.
 */
function eitherOf<A extends z.ZodType, B extends z.ZodType>(
  isA: (v: unknown) => boolean,
  a: A,
  b: B,
  expected: string,
  isForm: (v: unknown) => boolean = () => true,
): z.ZodType<z.output<A> | z.output<B>, z.input<A> | z.input<B>> {
  return z.any().transform((v, ctx) => {
    if (v === undefined) {
      ctx.addIssue({ code: "custom", message: `required: ${expected}` });
      return z.NEVER;
    }
    if (!isA(v) && !isForm(v)) {
      ctx.addIssue({ code: "custom", message: `expected ${expected}` });
      return z.NEVER;
    }
    const r = (isA(v) ? a : b).safeParse(v);
    if (r.success) return r.data as z.output<A> | z.output<B>;
    for (const iss of r.error.issues)
      ctx.addIssue({ ...(iss as object), code: "custom", message: iss.message, path: iss.path } as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }) as unknown as z.ZodType<z.output<A> | z.output<B>, z.input<A> | z.input<B>>;
}

const MotionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("fixed") }).strict(),
  z.object({ type: z.literal("velocity"), velocity_m_s: vec3("m/s", "wall velocity") }).strict(),
  z
    .object({
      type: z.literal("servo"),
      targetForce_N: quantity("N", { min: 0, minExclusive: true }, "target normal force").optional(),
      targetPressure_Pa: quantity("Pa", { min: 0, minExclusive: true }, "target pressure").optional(),
      maxSpeed_m_s: quantity("m/s", { min: 0, minExclusive: true }, "servo speed limit"),
      /** speed per newton of load error; default maxSpeed / target (full speed at zero load) */
      gain_m_per_s_N: quantity("m/(s N)", { min: 0, minExclusive: true }, "servo gain").optional(),
      /**
       * LIGGGHTS fix mesh/surface/stress/servo `kp` (with `vel_max` = maxSpeed_m_s): speed = maxSpeed_m_s x kp x
       * (1 - F / F_target), clipped at +-maxSpeed_m_s; instead of gain_m_per_s_N
       */
      kp: quantity("-", { min: 0, minExclusive: true }, "servo proportional constant").optional(),
    })
    .strict()
    .refine((m) => (m.targetForce_N === undefined) !== (m.targetPressure_Pa === undefined), {
      message: "a servo wall needs exactly one of targetForce_N [N] or targetPressure_Pa [Pa]",
    })
    .refine((m) => m.kp === undefined || m.gain_m_per_s_N === undefined, {
      message: "a servo wall takes kp [-] (LIGGGHTS's law) or gain_m_per_s_N [m/(s N)], not both",
    }),
]);

export const WallSchema = z
  .object({
    name: z.string().min(1),
    axis: z.enum(AXES),
    position_m: quantity("m", {}, "wall position"),
    /** where the particles are: "+" above the plane (normal +axis) or "-" below it */
    side: z.enum(["+", "-"]),
    material: z.string(),
    motion: MotionSchema.default({ type: "fixed" }),
  })
  .strict();

export const StageSchema = z
  .object({
    name: z.string().default("run"),
    steps: z.number().int().positive().optional(),
    duration_s: quantity("s", { min: 0, minExclusive: true }, "stage duration").optional(),
    /** set velocity components of every particle at the start of the stage (LIGGGHTS `velocity all set`) */
    setVelocity_m_s: z
      .object({ x: quantity("m/s").optional(), y: quantity("m/s").optional(), z: quantity("m/s").optional() })
      .strict()
      .optional(),
    setAngularVelocity_rad_s: z
      .object({ x: quantity("rad/s").optional(), y: quantity("rad/s").optional(), z: quantity("rad/s").optional() })
      .strict()
      .optional(),
    /** change wall motions for this stage, by wall name */
    walls: z.record(z.string(), MotionSchema).optional(),
  })
  .strict()
  .refine((s) => (s.steps === undefined) !== (s.duration_s === undefined), {
    message: "a stage needs exactly one of steps or duration_s [s]",
  });

export const PARTICLE_FIELDS = [
  "x_m",
  "y_m",
  "z_m",
  "vx_m_s",
  "vy_m_s",
  "vz_m_s",
  "wx_rad_s",
  "wy_rad_s",
  "wz_rad_s",
  "fx_N",
  "fy_N",
  "fz_N",
  "tx_N_m",
  "ty_N_m",
  "tz_N_m",
] as const;
export const GLOBAL_FIELDS = ["kineticEnergy_J", "rotationalEnergy_J", "contacts", "meanCoordination", "maxOverlap_m"] as const;

export const RecordSchema = z
  .object({
    every: z.number().int().positive().default(100),
    /** particle ids whose fields go into the time series */
    particles: z.array(z.number().int()).default([]),
    fields: z.array(z.enum(PARTICLE_FIELDS)).default(["x_m", "y_m", "z_m", "vx_m_s", "vy_m_s", "vz_m_s"]),
    walls: z.boolean().default(true),
    global: z.array(z.enum(GLOBAL_FIELDS)).default(["kineticEnergy_J"]),
  })
  .strict();

export const DemCaseSchema = z
  .object({
    name: z.string().default("dem"),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().default(1),
    dimension: z.union([z.literal(2), z.literal(3)]).default(3),
    materials: z
      .record(z.string(), MaterialSchema)
      .refine((m) => Object.keys(m).length > 0, { message: "at least one material is needed" }),
    pairs: z.array(PairSchema).default([]),
    /** restitution/friction for material pairs not listed in `pairs` */
    pairDefaults: z
      .object({ restitution: coefficient("restitution"), friction: coefficient("friction") })
      .strict()
      .optional(),
    /** contact sub-models by name (registry: CONTACT_MODELS in host/dem/materials.ts) and case-level coefficients */
    contact: ContactSchema.default({ ...DEFAULT_CONTACT }),
    particles: eitherOf(
      Array.isArray,
      z.array(ParticleSchema).min(1),
      ParticleCsvSchema,
      "the particles, inline as a list [{material, radius_m [m], position_m [m]}, ...] or {csv, materials}",
      (v) => v !== null && typeof v === "object",
    ),
    box: z
      .object({
        lo_m: vec3("m", "box lower corner"),
        hi_m: vec3("m", "box upper corner"),
        periodic: z.tuple([z.boolean(), z.boolean()]).default([false, false]),
      })
      .strict(),
    walls: z.array(WallSchema).default([]),
    timestep: eitherOf(
      (v) => v !== null && typeof v === "object" && "dt_s" in v,
      z.object({ dt_s: quantity("s", { min: 0, minExclusive: true }, "time step") }).strict(),
      z.object({ rayleighFraction: quantity("-", { min: 0, minExclusive: true, max: 1 }, "fraction of the Rayleigh time") }).strict(),
      "{dt_s: <time step> [s]} or {rayleighFraction: <fraction of the Rayleigh time> [-]}",
      (v) => v !== null && typeof v === "object" && "rayleighFraction" in v,
    ).default({ rayleighFraction: 0.2 }),
    neighbor: z
      .object({ skin_m: quantity("m", { min: 0, minExclusive: true }, "neighbour skin").optional() })
      .strict()
      .default({}),
    externalForce_N: vec3("N", "external force per particle").default([0, 0, 0]),
    gravity_m_s2: vec3("m/s^2", "gravity").default([0, 0, 0]),
    inertiaFactor: quantity("-", { min: 0, minExclusive: true, max: 1 }, "moment-of-inertia factor").default(0.4),
    limits: z
      .object({
        maxOverlapFraction: quantity("-", { min: 0, minExclusive: true }, "overlap limit / smaller radius").default(0.75),
        maxStepDisplacementFraction: quantity("-", { min: 0, minExclusive: true }, "displacement limit per step / radius").default(0.1),
      })
      .strict()
      .default({ maxOverlapFraction: 0.75, maxStepDisplacementFraction: 0.1 }),
    stages: z.array(StageSchema).min(1),
    record: RecordSchema.default({
      every: 100,
      particles: [],
      fields: ["x_m", "y_m", "z_m", "vx_m_s", "vy_m_s", "vz_m_s"],
      walls: true,
      global: ["kineticEnergy_J"],
    }),
  })
  .strict()
  .superRefine((c, ctx) => {
    const mats = Object.keys(c.materials);
    const known = (m: string) => mats.includes(m);
    const list = mats.join(", ");
    for (const iss of checkContact(c.contact)) ctx.addIssue({ code: "custom", path: ["contact", ...iss.path], message: iss.message });
    c.pairs.forEach((p, k) =>
      p.materials.forEach((m, a) => {
        if (!known(m))
          ctx.addIssue({ code: "custom", path: ["pairs", k, "materials", a], message: `unknown material; defined materials: ${list}` });
      }),
    );
    if (Array.isArray(c.particles)) {
      c.particles.forEach((p, k) => {
        if (!known(p.material))
          ctx.addIssue({ code: "custom", path: ["particles", k, "material"], message: `unknown material; defined materials: ${list}` });
      });
    } else {
      for (const [t, m] of Object.entries(c.particles.materials))
        if (!known(m))
          ctx.addIssue({ code: "custom", path: ["particles", "materials", t], message: `unknown material; defined materials: ${list}` });
    }
    c.walls.forEach((w, k) => {
      if (!known(w.material))
        ctx.addIssue({ code: "custom", path: ["walls", k, "material"], message: `unknown material; defined materials: ${list}` });
    });
    c.box.lo_m.forEach((lo, a) => {
      if (!(c.box.hi_m[a] > lo))
        ctx.addIssue({ code: "custom", path: ["box", "hi_m", a], message: `box upper bound must exceed the lower bound ${lo} m` });
    });
    if (c.dimension === 2)
      c.walls.forEach((w, k) => {
        if (w.axis === "z")
          ctx.addIssue({
            code: "custom",
            path: ["walls", k, "axis"],
            message: "a 2D case (discs in the xy plane) takes walls along x or y only",
          });
      });
    const names = new Set<string>();
    c.walls.forEach((w, k) => {
      if (names.has(w.name)) ctx.addIssue({ code: "custom", path: ["walls", k, "name"], message: "wall names must be unique" });
      names.add(w.name);
    });
    c.stages.forEach((s, k) =>
      Object.keys(s.walls ?? {}).forEach((n) => {
        if (!names.has(n))
          ctx.addIssue({
            code: "custom",
            path: ["stages", k, "walls", n],
            message: `unknown wall; walls: ${[...names].join(", ") || "none"}`,
          });
      }),
    );
  });

export type DemCase = z.output<typeof DemCaseSchema>;
export type DemCaseInput = z.input<typeof DemCaseSchema>;

/** Validates and fills defaults; throws ConfigError naming the field, value, expectation and unit. */
export function parseDemCase(input: unknown, source = "case"): DemCase {
  const r = DemCaseSchema.safeParse(input);
  if (!r.success) throw configErrorFrom(r.error, input, source);
  return r.data;
}

export function axisIndex(a: (typeof AXES)[number]): 0 | 1 | 2 {
  return AXES.indexOf(a) as 0 | 1 | 2;
}

export { ConfigError };
