/** The per-contact outputs of a DemSystem: the listed pairs that touched in the last recorded step. */
import * as L from "../../assembly/dem/layout.js";
import type { DemSystem } from "./system.js";

/** Contacts as index pairs (i < j in the half list) with overlap, normal force and tangential force on i. */
export interface ContactList {
  i: Int32Array;
  j: Int32Array;
  overlap_m: Float64Array;
  fn_N: Float64Array;
  ft_N: [Float64Array, Float64Array, Float64Array];
}

/** Neighbour-list pairs with the data of the last recorded step (contacts: overlap > 0). */
export function readContacts(s: DemSystem): ContactList {
  const np = s.getI(L.H_NPAIRS);
  const row = s.i32(L.P_ROW, s.n + 1),
    nbr = s.i32(L.P_NBR, np);
  const dn = s.f64(L.P_CDN, np),
    fn = s.f64(L.P_CFN, np);
  const tx = s.f64(L.P_CFTX, np),
    ty = s.f64(L.P_CFTY, np),
    tz = s.f64(L.P_CFTZ, np);
  let m = 0;
  for (let k = 0; k < np; k++) if (dn[k] > 0) m++;
  const out = {
    i: new Int32Array(m),
    j: new Int32Array(m),
    overlap_m: new Float64Array(m),
    fn_N: new Float64Array(m),
    ft_N: [new Float64Array(m), new Float64Array(m), new Float64Array(m)] as [Float64Array, Float64Array, Float64Array],
  };
  let c = 0;
  for (let i = 0; i < s.n; i++) {
    for (let k = row[i]; k < row[i + 1]; k++) {
      if (!(dn[k] > 0)) continue;
      out.i[c] = i;
      out.j[c] = nbr[k];
      out.overlap_m[c] = dn[k];
      out.fn_N[c] = fn[k];
      out.ft_N[0][c] = tx[k];
      out.ft_N[1][c] = ty[k];
      out.ft_N[2][c] = tz[k];
      c++;
    }
  }
  return out;
}
