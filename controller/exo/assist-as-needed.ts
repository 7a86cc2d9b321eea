// Assist-as-needed (Emken & Reinkensmeyer 2007, JNER 4:8): the robot's assistance is updated once per stride,
// F[i+1] = f·F[i] − g·e[i], with a forgetting factor f < 1 so that it relaxes when the patient needs nothing, and an
// error dead band so that a patient who tracks well is not assisted at all. Here the assisted quantity is the
// guidance (the share of the impedance the robot applies, 0 … 1) of one joint, and the error is that joint's RMS
// tracking error over the stride beyond the dead band; its sign is the sign that increases assistance, so the law
// reads G[i+1] = f·G[i] + g·max(0, e_rms[i] − dead band). With f = 0.85 an untroubled patient's assistance halves
// in 4–5 strides; a joint that keeps failing settles where g·(e − d) balances (1 − f)·G.

export interface AanParams {
  readonly forgetting: number;
  /** Guidance added per degree of RMS error beyond the dead band. */
  readonly gain: number;
  readonly deadBandDeg: number;
  readonly minGuidance: number;
}

export class AssistAsNeeded {
  readonly guidance: Float64Array;
  private readonly errSq: Float64Array;
  private readonly count: Float64Array;
  /** The last stride's RMS error per joint, deg. */
  readonly lastErrorDeg: Float64Array;

  constructor(private readonly p: AanParams, n: number, initial: number) {
    this.guidance = new Float64Array(n).fill(initial);
    this.errSq = new Float64Array(n);
    this.count = new Float64Array(n);
    this.lastErrorDeg = new Float64Array(n);
  }

  /** Accumulates one tick's tracking error (rad) of joint j. */
  sample(j: number, error: number): void {
    this.errSq[j] += error * error;
    this.count[j]++;
  }

  /** Closes joint j's stride: the update law. Returns the new guidance. */
  endStride(j: number): number {
    if (this.count[j] === 0) return this.guidance[j];
    const rmsDeg = (Math.sqrt(this.errSq[j] / this.count[j]) * 180) / Math.PI;
    const p = this.p;
    const excess = rmsDeg > p.deadBandDeg ? rmsDeg - p.deadBandDeg : 0;
    let g = p.forgetting * this.guidance[j] + p.gain * excess;
    g = g > 1 ? 1 : g < p.minGuidance ? p.minGuidance : g;
    this.guidance[j] = g;
    this.lastErrorDeg[j] = rmsDeg;
    this.errSq[j] = 0;
    this.count[j] = 0;
    return g;
  }
}
