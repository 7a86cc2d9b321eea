// Normative sagittal joint angles over the gait cycle, stored as tables (no trig at run time), and the reference
// gait built on them: angles and angular velocities at a gait phase, with cadence and stride length settable.
//
// The tables follow the shape of the adult normal-cadence curves (Winter's gait data) and the landmarks of
// ../shared/REFERENCE.md: hip about +28° flexion at heel strike and −10° extension near 50% of the cycle; knee
// 15–20° at loading, about 40° at toe-off (60%), a 60–65° peak in swing; ankle about 10° dorsiflexion late in
// stance and 20° plantarflexion just after toe-off. Phase 0 is heel strike of the leg; stance ends at 0.6.

/** Samples every 5% of the cycle, 0 … 95% (the cycle closes on itself). Degrees. */
export const NORMATIVE_HIP_DEG: readonly number[] = [28, 27, 26.5, 23.5, 18, 12.5, 7, 2.5, -1.5, -4, -8, -10, -7, 0, 10, 19, 25, 29, 30, 29];
export const NORMATIVE_KNEE_DEG: readonly number[] = [3, 11, 17, 18, 15, 11, 7, 5, 5, 7, 12, 22, 38, 52, 61, 63, 58, 45, 24, 8];
export const NORMATIVE_ANKLE_DEG: readonly number[] = [0, -5, -2, 2, 4, 6, 7, 8, 9, 10, 8, 0, -14, -20, -10, 0, 6, 9, 8, 4];

export const STANCE_END = 0.6;
const N = NORMATIVE_HIP_DEG.length;
const DEG = Math.PI / 180;

/** Periodic Catmull-Rom (cubic Hermite) through the samples: value and derivative with respect to phase. */
export class PeriodicTable {
  private readonly y: Float64Array;
  private readonly m: Float64Array;
  readonly n: number;

  constructor(samples: readonly number[], scale = 1) {
    const n = samples.length;
    this.n = n;
    this.y = Float64Array.from(samples, (v) => v * scale);
    // Tangents per sample interval (d/du, u the index).
    this.m = new Float64Array(n);
    for (let i = 0; i < n; i++) this.m[i] = 0.5 * (this.y[(i + 1) % n] - this.y[(i - 1 + n) % n]);
  }

  /** Value at phase φ (any real; wrapped to [0, 1)). */
  value(phase: number): number {
    const u = wrap(phase) * this.n;
    const i = Math.floor(u), t = u - i;
    const i0 = i % this.n, i1 = (i + 1) % this.n;
    const t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * this.y[i0] + (t3 - 2 * t2 + t) * this.m[i0] + (-2 * t3 + 3 * t2) * this.y[i1] + (t3 - t2) * this.m[i1];
  }

  /** Derivative with respect to phase (per cycle). */
  slope(phase: number): number {
    const u = wrap(phase) * this.n;
    const i = Math.floor(u), t = u - i;
    const i0 = i % this.n, i1 = (i + 1) % this.n;
    const t2 = t * t;
    return this.n * ((6 * t2 - 6 * t) * this.y[i0] + (3 * t2 - 4 * t + 1) * this.m[i0] + (-6 * t2 + 6 * t) * this.y[i1] + (3 * t2 - 2 * t) * this.m[i1]);
  }
}

/** x − floor(x): the phase in [0, 1). */
export function wrap(x: number): number {
  return x - Math.floor(x);
}

/** Wrapped difference a − b of two phases, in [−0.5, 0.5). */
export function phaseDiff(a: number, b: number): number {
  return wrap(a - b + 0.5) - 0.5;
}

export interface GaitParams {
  /** Steps per minute (two steps per stride). */
  readonly cadence: number;
  /** Stride length, m; default: what the normative hip curve gives for these legs. */
  readonly strideLength?: number;
}

export interface LegLengths {
  readonly thigh: number;
  readonly shank: number;
  /** Anterior pelvic tilt, rad: the thigh's angle from vertical is the hip angle minus it. */
  readonly pelvicTilt: number;
}

/**
 * The reference gait of both legs: the right leg half a cycle after the left. The hip curve is scaled about its
 * mean so that the stance foot travels one stride length per cycle; the belt speed follows from it.
 */
export class ReferenceGait {
  readonly cadence: number;
  /** Stride time, s. */
  readonly strideTime: number;
  readonly strideLength: number;
  /** Belt speed that matches the stance foot's travel, m/s. */
  readonly beltSpeed: number;
  readonly hipScale: number;
  private readonly hip: PeriodicTable;
  private readonly knee: PeriodicTable;
  private readonly ankle: PeriodicTable;

  constructor(p: GaitParams, legs: LegLengths) {
    if (!(p.cadence >= 20 && p.cadence <= 180)) throw new Error(`cadence ${p.cadence} steps/min is outside 20 … 180`);
    this.cadence = p.cadence;
    this.strideTime = 120 / p.cadence;
    this.knee = new PeriodicTable(NORMATIVE_KNEE_DEG, DEG);
    this.ankle = new PeriodicTable(NORMATIVE_ANKLE_DEG, DEG);
    const natural = stanceStride(1, legs, this.knee);
    let scale = 1;
    if (p.strideLength !== undefined) {
      // Stride length grows monotonically with the hip excursion: bisect the scale (at set-up, not per tick).
      let lo = 0.2, hi = 2;
      if (stanceStride(hi, legs, this.knee) < p.strideLength || stanceStride(lo, legs, this.knee) > p.strideLength) {
        throw new Error(`stride length ${p.strideLength} m is out of reach for these legs (${round3(stanceStride(lo, legs, this.knee))} … ${round3(stanceStride(hi, legs, this.knee))} m)`);
      }
      for (let k = 0; k < 50; k++) {
        const mid = 0.5 * (lo + hi);
        if (stanceStride(mid, legs, this.knee) < p.strideLength) lo = mid; else hi = mid;
      }
      scale = 0.5 * (lo + hi);
    }
    this.hipScale = scale;
    this.hip = new PeriodicTable(scaledHip(scale), DEG);
    this.strideLength = p.strideLength ?? natural;
    this.beltSpeed = this.strideLength / this.strideTime;
  }

  /**
   * Angles (rad) of hip, knee, ankle of one leg at its own phase into `q` (3), and their rates (rad/s at the
   * reference cadence) into `qd`.
   */
  leg(phase: number, q: Float64Array, qd: Float64Array, offset = 0): void {
    const f = 1 / this.strideTime;
    q[offset] = this.hip.value(phase); qd[offset] = this.hip.slope(phase) * f;
    q[offset + 1] = this.knee.value(phase); qd[offset + 1] = this.knee.slope(phase) * f;
    q[offset + 2] = this.ankle.value(phase); qd[offset + 2] = this.ankle.slope(phase) * f;
  }

  /** Both legs at the left leg's phase φ (the right leg at φ + ½): q and qd (6 each, left hip … right ankle). */
  both(phase: number, q: Float64Array, qd: Float64Array): void {
    this.leg(phase, q, qd, 0);
    this.leg(phase + 0.5, q, qd, 3);
  }
}

function scaledHip(scale: number): number[] {
  const mean = NORMATIVE_HIP_DEG.reduce((a, b) => a + b, 0) / N;
  return NORMATIVE_HIP_DEG.map((v) => mean + scale * (v - mean));
}

/**
 * Stride length the stance foot implies: the ankle's backward travel relative to the hip from 10% to 50% of the
 * cycle (single-leg support, the foot flat on the belt), divided by the share of the cycle it took.
 */
function stanceStride(hipScale: number, legs: LegLengths, knee: PeriodicTable): number {
  const hip = new PeriodicTable(scaledHip(hipScale), DEG);
  const ankleX = (phi: number) => {
    const at = legs.pelvicTilt - hip.value(phi), as = at + knee.value(phi);
    return -legs.thigh * Math.sin(at) - legs.shank * Math.sin(as);
  };
  return (ankleX(0.1) - ankleX(0.5)) / 0.4;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
