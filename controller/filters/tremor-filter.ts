// The tremor-filter stage of the control loop: filters the operator's hand pose (position and orientation) at each
// tick, built from the `tremor_filter` object of a scenario (TremorFilterConfig, part of the public scenario format).
//
// Why the design: the loop needs one filter for a whole pose, and the two candidates of REFERENCE.md, "Tremor and
// scaling": a fixed Butterworth low-pass (the classic baseline: 7.8 dB off 9 Hz tremor for 37 ms of lag at 6 Hz) and an
// adaptive canceller after Riviere et al. 1998 / BMFLC that removes tremor with no lag (see adaptive-canceller.ts).
// Positions are filtered per axis. An orientation cannot be filtered per quaternion component (the result would not be
// a rotation, and the sign of q is arbitrary), so it is filtered as a rotation vector relative to the orientation
// captured at reset: q_rel = q_ref⁻¹ ⊗ q, r = rotvec(q_rel), r filtered per component, q_out = q_ref ⊗ exp(r_f). Near
// q_ref this is a linear space, so a tremor about an axis is attenuated exactly like a position tremor. The rotation
// vector is kept continuous (of the equivalent vectors r + 2πk·r̂, the one nearest the previous sample is used), so a
// wrist roll past 180° from the reference does not jump.
// `step` is allocation-free (preallocated Float64Arrays) and deterministic.

import { AdaptiveCanceller } from './adaptive-canceller.ts';
import { ButterworthLowpass } from './butterworth.ts';
import { quatConj, quatFromRotvec, quatMul, quatNormalize, quatToRotvec } from '../../sim/math/quat.ts';

/** The `tremor_filter` field of a scenario. */
export type TremorFilterConfig =
  | { readonly type: 'none' }
  | { readonly type: 'lowpass'; readonly cutoff_hz: number; readonly order: 1 | 2 | 3 | 4 }
  | { readonly type: 'adaptive'; readonly band_hz?: readonly [number, number]; readonly mu?: number };

/** A pose filter: position [x, y, z] (m) and orientation quaternion [x, y, z, w]. */
export interface PoseTremorFilter {
  readonly config: TremorFilterConfig;
  /** Start at rest at pose (p, q): no transient, and q becomes the reference orientation. */
  reset(p: ArrayLike<number>, q: ArrayLike<number>): void;
  /** Filter one sample. The outputs may be the input arrays themselves. */
  step(pIn: ArrayLike<number>, qIn: ArrayLike<number>, pOut: Float64Array, qOut: Float64Array): void;
}

const TWO_PI = 2 * Math.PI;

/** One line for summaries and logs. */
export function describeTremorFilter(config: TremorFilterConfig): string {
  switch (config.type) {
    case 'none':
      return 'no tremor filter';
    case 'lowpass':
      return `Butterworth low-pass, order ${config.order}, cutoff ${config.cutoff_hz} Hz`;
    case 'adaptive': {
      const [lo, hi] = config.band_hz ?? [6, 14];
      return `adaptive tremor canceller, ${lo}–${hi} Hz${config.mu === undefined ? '' : `, mu ${config.mu}`}`;
    }
  }
}

/**
 * Rotation-vector parameterisation of orientation relative to a reference, continuous from sample to sample, plus its
 * inverse. Shared by the low-pass and adaptive pose filters.
 */
class RelativeRotation {
  private readonly qRef = new Float64Array([0, 0, 0, 1]);
  private readonly qRefInv = new Float64Array([0, 0, 0, 1]);
  private readonly q = new Float64Array(4);
  private readonly qRel = new Float64Array(4);
  private readonly prev = new Float64Array(3);

  reset(q: ArrayLike<number>): void {
    quatNormalize(this.qRef, q);
    quatConj(this.qRefInv, this.qRef);
    this.prev.fill(0);
  }

  /** r = rotvec(q_ref⁻¹ ⊗ q), the equivalent nearest the previous r, written into `r`. */
  toVector(q: ArrayLike<number>, r: Float64Array): void {
    quatNormalize(this.q, q);
    quatMul(this.qRel, this.qRefInv, this.q);
    quatToRotvec(r, this.qRel); // angle in [0, π]
    const px = this.prev[0], py = this.prev[1], pz = this.prev[2];
    const theta = Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]); // not Math.hypot: it allocates, and this runs every tick
    if (theta > 1e-9) {
      const ux = r[0] / theta, uy = r[1] / theta, uz = r[2] / theta;
      // minimise |(θ + 2πk)·u − prev|: k = round((u·prev − θ) / 2π)
      const k = Math.round((ux * px + uy * py + uz * pz - theta) / TWO_PI);
      if (k !== 0) {
        const a = theta + TWO_PI * k;
        r[0] = a * ux; r[1] = a * uy; r[2] = a * uz;
      }
    } else {
      // (near) identity: any multiple of 2π about any axis; take the one along prev
      const pn = Math.sqrt(px * px + py * py + pz * pz);
      const k = Math.round(pn / TWO_PI);
      if (k !== 0) {
        const a = (TWO_PI * k) / pn;
        r[0] += a * px; r[1] += a * py; r[2] += a * pz;
      }
    }
    this.prev[0] = r[0]; this.prev[1] = r[1]; this.prev[2] = r[2];
  }

  /** qOut = q_ref ⊗ exp(r). */
  fromVector(r: ArrayLike<number>, qOut: Float64Array): void {
    quatFromRotvec(this.qRel, r);
    quatMul(qOut, this.qRef, this.qRel);
  }
}

class NoPoseFilter implements PoseTremorFilter {
  constructor(readonly config: TremorFilterConfig) {}
  reset(): void {}
  step(pIn: ArrayLike<number>, qIn: ArrayLike<number>, pOut: Float64Array, qOut: Float64Array): void {
    pOut[0] = pIn[0]; pOut[1] = pIn[1]; pOut[2] = pIn[2];
    qOut[0] = qIn[0]; qOut[1] = qIn[1]; qOut[2] = qIn[2]; qOut[3] = qIn[3];
  }
}

class LowpassPoseFilter implements PoseTremorFilter {
  private readonly pos: ButterworthLowpass[] = [];
  private readonly rot: ButterworthLowpass[] = [];
  private readonly rel = new RelativeRotation();
  private readonly r = new Float64Array(3);

  constructor(readonly config: Extract<TremorFilterConfig, { type: 'lowpass' }>, fs: number) {
    for (let i = 0; i < 3; i++) {
      this.pos.push(new ButterworthLowpass(config.order, config.cutoff_hz, fs));
      this.rot.push(new ButterworthLowpass(config.order, config.cutoff_hz, fs));
    }
  }

  reset(p: ArrayLike<number>, q: ArrayLike<number>): void {
    this.rel.reset(q);
    for (let i = 0; i < 3; i++) {
      this.pos[i].reset(p[i]);
      this.rot[i].reset(0);
    }
  }

  step(pIn: ArrayLike<number>, qIn: ArrayLike<number>, pOut: Float64Array, qOut: Float64Array): void {
    const r = this.r;
    this.rel.toVector(qIn, r);
    for (let i = 0; i < 3; i++) {
      pOut[i] = this.pos[i].step(pIn[i]);
      r[i] = this.rot[i].step(r[i]);
    }
    this.rel.fromVector(r, qOut);
  }
}

class AdaptivePoseFilter implements PoseTremorFilter {
  // Position and orientation each get their own canceller (own tremor frequency, own units: m and rad).
  private readonly pos: AdaptiveCanceller;
  private readonly rot: AdaptiveCanceller;
  private readonly rel = new RelativeRotation();
  private readonly r = new Float64Array(3);
  private readonly zero = new Float64Array(3);

  constructor(readonly config: Extract<TremorFilterConfig, { type: 'adaptive' }>, fs: number) {
    const common = { fs, channels: 3, bandHz: config.band_hz, mu: config.mu };
    // amplitudes below which the frequency loop slows (see AdaptiveCanceller): 1 µm, and 10 µrad (10 µm at 1 m)
    this.pos = new AdaptiveCanceller({ ...common, minAmplitude: 1e-6 });
    this.rot = new AdaptiveCanceller({ ...common, minAmplitude: 1e-5 });
  }

  reset(p: ArrayLike<number>, q: ArrayLike<number>): void {
    this.rel.reset(q);
    this.pos.reset(p);
    this.rot.reset(this.zero);
  }

  step(pIn: ArrayLike<number>, qIn: ArrayLike<number>, pOut: Float64Array, qOut: Float64Array): void {
    const r = this.r;
    this.rel.toVector(qIn, r);
    this.pos.step(pIn, pOut);
    this.rot.step(r, r);
    this.rel.fromVector(r, qOut);
  }
}

/**
 * The pose filter for a config at sample rate fs (Hz). Throws a RangeError naming the problem for an invalid config
 * (order not 1–4, cutoff not in (0, fs/2), band not inside (0, fs/2), mu not in (0, 1), unknown type).
 */
export function createPoseTremorFilter(config: TremorFilterConfig, fs: number): PoseTremorFilter {
  switch (config.type) {
    case 'none':
      return new NoPoseFilter(config);
    case 'lowpass':
      return new LowpassPoseFilter(config, fs);
    case 'adaptive':
      return new AdaptivePoseFilter(config, fs);
    default: {
      const unknown: never = config;
      throw new RangeError(`unknown tremor filter type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}

/**
 * Runs a whole recorded hand trace (one array per position axis, constant orientation) through a fresh filter
 * started at rest at the first sample: for offline comparisons (benchmark, tests), not the loop.
 */
export function filterPositionTrace(config: TremorFilterConfig, fs: number, input: readonly ArrayLike<number>[]): Float64Array[] {
  const n = input[0].length;
  const filter = createPoseTremorFilter(config, fs);
  const out = [0, 1, 2].map(() => new Float64Array(n));
  const p = new Float64Array(3), q = Float64Array.of(0, 0, 0, 1), pOut = new Float64Array(3), qOut = new Float64Array(4);
  for (let k = 0; k < n; k++) {
    for (let a = 0; a < 3; a++) p[a] = input[a][k];
    if (k === 0) filter.reset(p, q);
    filter.step(p, q, pOut, qOut);
    for (let a = 0; a < 3; a++) out[a][k] = pOut[a];
  }
  return out;
}
