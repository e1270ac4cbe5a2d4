/**
 * What every macro node of the multiscale cell carries, whichever micro model advances it (the surrogate,
 * host/multiscale/particles.ts, or the micro FE model, concurrent.ts): the accepted state's mean surface and
 * bulk concentrations c~_s, c~_b (over c_max) and the interface damage <d> (paper 001 eq 29, 33), and how the
 * P2D's particle seam (host/cell/particle.ts) reads them.
 */
export abstract class NodeMicroState {
  protected s: Float64Array;
  protected b: Float64Array;
  protected d: Float64Array;

  constructor(nx: number) {
    this.s = new Float64Array(nx);
    this.b = new Float64Array(nx);
    this.d = new Float64Array(nx);
  }

  /** the cell's lithium: the bulk mean */
  meanStoichiometry(): Float64Array {
    return this.b.slice();
  }

  /** the snapshots' profile: the surface value (at r = R, the model's one radial position) */
  theta(): number[][] {
    return Array.from(this.s, (x) => [x]);
  }

  /** recorded at every output point (CellResult.fields, fields.csv) */
  fields(): Record<string, Float64Array> {
    return { c_surf_norm: this.s.slice(), c_bulk_norm: this.b.slice(), damage_avg: this.d.slice() };
  }
}
