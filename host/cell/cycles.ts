/** Cycles of an experiment: per cycle the discharge and charge throughput and the voltage range, and the
 *  experiment-level termination (`--termination`) checked as each cycle closes. */
import { fmt, type ExperimentTermination } from "./experiment.js";
import type { CellResult, CycleSummary } from "./result.js";

export class CycleTracker {
  readonly cycles: CycleSummary[] = [];
  /** the running cycle */
  current: CycleSummary | null = null;
  /** the termination that stopped the experiment, once one has */
  stopped: CellResult["experimentTermination"] = null;
  private firstDischarge: number | null = null;

  constructor(private readonly term: ExperimentTermination | null) {}

  /** Step si (0-based) of cycle `cycleNo` (1-based) begins: closes the running cycle when this one is
   *  another; null when that close stops the experiment, else the cycle the step belongs to. */
  enter(cycleNo: number, si: number): CycleSummary | null {
    if (this.current && this.current.index !== cycleNo && this.close()) return null;
    this.current ??= {
      index: cycleNo,
      firstStep: si + 1,
      lastStep: si + 1,
      discharge_Ah_m2: 0,
      charge_Ah_m2: 0,
      minVoltage_V: Infinity,
      maxVoltage_V: -Infinity,
    };
    this.current.lastStep = si + 1;
    return this.current;
  }

  /** Counts a step's net throughput dq [Ah/m^2] (discharge positive) in the running cycle. */
  addThroughput(dq: number, oneC_A_m2: number): void {
    const c = this.current;
    if (!c) return;
    // throughput below 1e-9 of the 1C capacity is round-off (a rest), not a discharge or a charge
    if (dq > 1e-9 * oneC_A_m2) c.discharge_Ah_m2 += dq;
    else if (dq < -1e-9 * oneC_A_m2) c.charge_Ah_m2 -= dq;
  }

  /** Closes the running cycle and applies the experiment-level termination; true: stop. */
  close(): boolean {
    if (!this.current) return false;
    const c = this.current;
    this.cycles.push(c);
    this.current = null;
    const term = this.term;
    if (!term) return false;
    if (term.capacityFraction !== undefined && c.discharge_Ah_m2 > 0) {
      if (this.firstDischarge === null) this.firstDischarge = c.discharge_Ah_m2;
      else if (c.discharge_Ah_m2 < term.capacityFraction * this.firstDischarge) {
        this.stopped = {
          condition: term.text,
          cycle: c.index,
          reason: `cycle ${c.index}: discharge capacity ${fmt(c.discharge_Ah_m2)} Ah/m2 is below ${fmt(term.capacityFraction * 100)}% of the first discharge (${fmt(this.firstDischarge)} Ah/m2)`,
        };
        return true;
      }
    }
    if (term.minVoltage_V !== undefined && c.minVoltage_V <= term.minVoltage_V) {
      this.stopped = {
        condition: term.text,
        cycle: c.index,
        reason: `cycle ${c.index}: minimum voltage ${fmt(c.minVoltage_V)} V is at or below ${fmt(term.minVoltage_V)} V`,
      };
      return true;
    }
    return false;
  }

  /** A failed step ends the experiment: the running cycle is kept as it stands (no termination check). */
  abandon(): void {
    if (this.current) this.cycles.push(this.current);
  }
}
