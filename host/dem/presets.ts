/** Named material sets (SI), one place for the numbers the demo, the benches and the packing bridge use. */

/** LIGGGHTS compaction reference / paper 003 analogue (fixtures/dem/compaction.in): NMC-like AM,
 *  argyrodite-like SE, steel die; every pair e = 0.5, mu = 0.3. */
export const MATERIALS_COMPACTION = {
  AM: { youngsModulus_Pa: 199e9, poissonRatio: 0.3, density_kg_m3: 4750 },
  SE: { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 1990 },
  wall: { youngsModulus_Pa: 210e9, poissonRatio: 0.3, density_kg_m3: 7850 },
};

/** Paper 000 Table 1: LCO AM and LGPS-like SE (density assumed), steel walls. */
export const MATERIALS_PAPER000 = {
  AM: { youngsModulus_Pa: 264e9, poissonRatio: 0.32, density_kg_m3: 5050 },
  SE: { youngsModulus_Pa: 26.7e9, poissonRatio: 0.37, density_kg_m3: 2000 },
  wall: { youngsModulus_Pa: 210e9, poissonRatio: 0.3, density_kg_m3: 7850 },
};

export const PAIRS_COMPACTION = { restitution: 0.5, friction: 0.3 };
