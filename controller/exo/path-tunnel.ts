// Path control (Lokomat, Duschau-Wicke et al.): a virtual tunnel around the reference path in the hip–knee plane
// of one leg, with free timing. Inside the tunnel the robot applies no corrective torque; at its wall a spring
// pushes the leg back towards the path. A supportive torque along the path's tangent helps the leg along it. The
// phase is where the leg is on the path, not where the clock says it should be.
//
// The path is sampled once at set-up (N points of the normative tables); per tick only a window of points around
// the last match is searched, so the cost is fixed and small.
import type { ReferenceGait } from './normative-gait.ts';

const N = 200;
const WINDOW = 12;

export class PathTunnel {
  private readonly hip = new Float64Array(N);
  private readonly knee = new Float64Array(N);
  /** Unit tangent (direction of progress), per point. */
  private readonly th = new Float64Array(N);
  private readonly tk = new Float64Array(N);
  private last: number;
  /** Phase found on the path (0 … 1) and the torques (N·m) of the last `step`. */
  phase = 0;
  tauHip = 0;
  tauKnee = 0;

  constructor(gait: ReferenceGait, startPhase: number, private readonly halfWidth: number, private readonly wall: number, private readonly wallDamping: number) {
    const q = new Float64Array(3), qd = new Float64Array(3);
    for (let k = 0; k < N; k++) {
      gait.leg(k / N, q, qd);
      this.hip[k] = q[0];
      this.knee[k] = q[1];
      const n = Math.hypot(qd[0], qd[1]) || 1;
      this.th[k] = qd[0] / n;
      this.tk[k] = qd[1] / n;
    }
    this.last = Math.round((startPhase - Math.floor(startPhase)) * N) % N;
  }

  /**
   * The leg at (hip, knee) moving at (hipRate, kneeRate): finds it on the path and computes the tunnel and support
   * torques. Motion across the path is damped outside the tunnel (a wall without damping makes the leg bounce).
   */
  step(hip: number, knee: number, hipRate: number, kneeRate: number, support: number): void {
    let best = this.last, bestD = Infinity;
    for (let o = -WINDOW; o <= WINDOW; o++) {
      const k = (this.last + o + N) % N;
      const dh = hip - this.hip[k], dk = knee - this.knee[k];
      const d = dh * dh + dk * dk;
      if (d < bestD) { bestD = d; best = k; }
    }
    this.last = best;
    this.phase = best / N;
    // Deviation normal to the path.
    const th = this.th[best], tk = this.tk[best];
    let dh = hip - this.hip[best], dk = knee - this.knee[best];
    const along = dh * th + dk * tk;
    dh -= along * th;
    dk -= along * tk;
    const dist = Math.sqrt(dh * dh + dk * dk);
    let h = support * th, k = support * tk;
    if (dist > this.halfWidth) {
      const push = (this.wall * (dist - this.halfWidth)) / dist;
      h -= push * dh;
      k -= push * dk;
      const vAlong = hipRate * th + kneeRate * tk;
      h -= this.wallDamping * (hipRate - vAlong * th);
      k -= this.wallDamping * (kneeRate - vAlong * tk);
    }
    this.tauHip = h;
    this.tauKnee = k;
  }
}
