// Muscle fatigue, three-compartment model (Xia & Frey-Law 2008): motor units are active (MA), fatigued (MF) or
// resting (MR), as fractions of the maximum voluntary contraction (MVC). A controller C(t) recruits resting units
// towards the target load TL; active units fatigue at rate F, fatigued ones recover at rate R:
//   dMA/dt = C − F·MA,   dMR/dt = −C + R·MF,   dMF/dt = F·MA − R·MF,
//   C = LD·(TL − MA) if MA < TL and MR > TL − MA;  LD·MR if MA < TL and MR ≤ TL − MA;  LR·(TL − MA) if MA ≥ TL.
// The residual capacity MA + MR = 1 − MF caps the torque the muscle can still give.
// Default rates F 0.00589/s, R 0.0182/s (ankle, ../shared/REFERENCE.md); LD = LR = 10/s.

export interface FatigueParams {
  readonly F: number;
  readonly R: number;
  readonly LD: number;
  readonly LR: number;
}

export const ANKLE_FATIGUE: FatigueParams = { F: 0.00589, R: 0.0182, LD: 10, LR: 10 };

/** One compartment set per muscle group; all state in one array (3 per group: MA, MR, MF). */
export class ThreeCompartmentFatigue {
  readonly state: Float64Array;

  constructor(private readonly p: FatigueParams, readonly groups: number) {
    this.state = new Float64Array(3 * groups);
    for (let g = 0; g < groups; g++) this.state[3 * g + 1] = 1; // all resting
  }

  /** Advances group g by dt under target load tl (fraction of MVC, 0 … 1). */
  step(g: number, tl: number, dt: number): void {
    const s = this.state, o = 3 * g, p = this.p;
    const ma = s[o], mr = s[o + 1], mf = s[o + 2];
    let c: number;
    if (ma < tl) c = mr > tl - ma ? p.LD * (tl - ma) : p.LD * mr;
    else c = p.LR * (tl - ma);
    s[o] = ma + dt * (c - p.F * ma);
    s[o + 1] = mr + dt * (-c + p.R * mf);
    s[o + 2] = mf + dt * (p.F * ma - p.R * mf);
  }

  /** Share of the MVC still available, 1 − MF. */
  capacity(g: number): number {
    return 1 - this.state[3 * g + 2];
  }
}
