// Digital Butterworth filters (low-pass and high-pass, order 1–4) for the tremor-filter stage.
//
// Why this design: the classic tremor baseline is a fixed low-pass (REFERENCE.md, "Tremor and scaling": a 2nd-order
// Butterworth at 6 Hz takes about 7.8 dB off 9 Hz tremor and delays slow motion by about 37 ms; the adaptive canceller
// of Riviere et al. 1998 / BMFLC has to beat it on both counts). The filter is designed the textbook way, by the
// bilinear transform of the analog Butterworth prototype with the cutoff prewarped (so the −3 dB point lands exactly
// on `cutoffHz`), and it runs as cascaded second-order sections (one first-order section for an odd order) in Direct
// Form II transposed, which is well conditioned at the low cutoff / high sample-rate ratios of a 1 kHz control loop.
// `step` is allocation-free; the state lives in preallocated Float64Arrays.

/** One second-order section, normalised so that a0 = 1: H(z) = (b0 + b1 z⁻¹ + b2 z⁻²) / (1 + a1 z⁻¹ + a2 z⁻²). */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

export type ButterworthKind = 'lowpass' | 'highpass';

/** Complex frequency response as magnitude and phase (radians, the sum of the sections' phases, so not wrapped to ±π). */
export interface FrequencyResponse {
  magnitude: number;
  phase: number;
}

function checkDesign(order: number, cutoffHz: number, fs: number): void {
  if (!Number.isInteger(order) || order < 1 || order > 4) {
    throw new RangeError(`Butterworth order must be an integer 1–4, got ${order}`);
  }
  if (!Number.isFinite(fs) || fs <= 0) throw new RangeError(`sample rate must be a positive number of Hz, got ${fs}`);
  if (!Number.isFinite(cutoffHz) || cutoffHz <= 0 || cutoffHz >= fs / 2) {
    throw new RangeError(`cutoff must be between 0 and fs/2 = ${fs / 2} Hz (exclusive), got ${cutoffHz}`);
  }
}

/**
 * Second-order sections of a digital Butterworth filter, by the bilinear transform with prewarping.
 * Sections are ordered from the least to the most resonant (the first-order section, if any, first).
 */
export function butterworthSections(kind: ButterworthKind, order: number, cutoffHz: number, fs: number): BiquadCoefficients[] {
  checkDesign(order, cutoffHz, fs);
  // Prewarped analog cutoff, normalised by 2·fs: K = tan(π fc / fs).
  const K = Math.tan((Math.PI * cutoffHz) / fs);
  const K2 = K * K;
  const sections: BiquadCoefficients[] = [];
  if (order % 2 === 1) {
    // Analog 1/(s/Ωc + 1) (low-pass) or (s/Ωc)/(s/Ωc + 1) (high-pass).
    const n = 1 / (1 + K);
    const a1 = (K - 1) * n;
    // low-pass numerator K·n, taken as (1 + a1)/2 so that the DC gain of the stored coefficients is 1 to the last bit
    // (at low cutoffs K·n and the pole are tiny differences and would otherwise disagree by ~1e-11)
    const b = (1 + a1) / 2;
    sections.push(kind === 'lowpass'
      ? { b0: b, b1: b, b2: 0, a1, a2: 0 }
      : { b0: n, b1: -n, b2: 0, a1, a2: 0 });
  }
  const pairs = Math.floor(order / 2);
  // Pole pairs of the analog prototype: Q_k = 1 / (2 sin((2k − 1) π / (2N))), k = 1…⌊N/2⌋.
  // Emit the low-Q sections first (better headroom inside the cascade).
  for (let k = pairs; k >= 1; k--) {
    const q = 1 / (2 * Math.sin(((2 * k - 1) * Math.PI) / (2 * order)));
    const n = 1 / (1 + K / q + K2);
    const a1 = 2 * (K2 - 1) * n;
    const a2 = (1 - K / q + K2) * n;
    if (kind === 'lowpass') {
      // K²·n, taken as (1 + a1 + a2)/4 (exact in floating point) so that the DC gain is exactly 1, as above
      const b0 = (1 + a1 + a2) / 4;
      sections.push({ b0, b1: 2 * b0, b2: b0, a1, a2 });
    } else {
      sections.push({ b0: n, b1: -2 * n, b2: n, a1, a2 });
    }
  }
  return sections;
}

/** Response of one section at frequency f (Hz), sample rate fs. Phase in (−π, π]. */
export function biquadResponse(c: BiquadCoefficients, f: number, fs: number): FrequencyResponse {
  const w = (2 * Math.PI * f) / fs;
  const c1 = Math.cos(w), s1 = Math.sin(w), c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
  // z⁻¹ = e^{−jw}
  const nr = c.b0 + c.b1 * c1 + c.b2 * c2;
  const ni = -(c.b1 * s1 + c.b2 * s2);
  const dr = 1 + c.a1 * c1 + c.a2 * c2;
  const di = -(c.a1 * s1 + c.a2 * s2);
  return {
    magnitude: Math.hypot(nr, ni) / Math.hypot(dr, di),
    phase: Math.atan2(ni, nr) - Math.atan2(di, dr),
  };
}

/** Response of a cascade of sections: magnitudes multiply, phases add. */
export function sosResponse(sections: readonly BiquadCoefficients[], f: number, fs: number): FrequencyResponse {
  let magnitude = 1;
  let phase = 0;
  for (const s of sections) {
    const r = biquadResponse(s, f, fs);
    magnitude *= r.magnitude;
    phase += r.phase;
  }
  return { magnitude, phase };
}

/** Digital Butterworth low-pass response at frequency f (Hz): the exact transfer function of `ButterworthLowpass`. */
export function butterworthResponse(order: number, cutoffHz: number, fs: number, f: number): FrequencyResponse {
  return sosResponse(butterworthSections('lowpass', order, cutoffHz, fs), f, fs);
}

/** Digital Butterworth high-pass response at frequency f (Hz): the exact transfer function of `ButterworthHighpass`. */
export function butterworthHighpassResponse(order: number, cutoffHz: number, fs: number, f: number): FrequencyResponse {
  return sosResponse(butterworthSections('highpass', order, cutoffHz, fs), f, fs);
}

/**
 * A cascade of second-order sections in Direct Form II transposed. Coefficients and state are flat Float64Arrays
 * (5 coefficients and 2 state values per section), so `step` allocates nothing.
 */
export class SosCascade {
  readonly sections: readonly BiquadCoefficients[];
  private readonly coef: Float64Array;
  private readonly state: Float64Array;
  private readonly n: number;

  constructor(sections: readonly BiquadCoefficients[]) {
    if (sections.length === 0) throw new RangeError('a cascade needs at least one section');
    this.sections = sections.map((s) => ({ ...s }));
    this.n = sections.length;
    this.coef = new Float64Array(5 * this.n);
    this.state = new Float64Array(2 * this.n);
    for (let i = 0; i < this.n; i++) {
      const s = sections[i];
      this.coef.set([s.b0, s.b1, s.b2, s.a1, s.a2], 5 * i);
    }
  }

  /** Gain at DC (z = 1) of the whole cascade. */
  dcGain(): number {
    let g = 1;
    const c = this.coef;
    for (let i = 0; i < this.n; i++) {
      const o = 5 * i;
      g *= (c[o] + c[o + 1] + c[o + 2]) / (1 + c[o + 3] + c[o + 4]);
    }
    return g;
  }

  /**
   * Set the state to the steady state for a constant input x0, so that feeding x0 from now on gives a constant output
   * (x0 times the DC gain: x0 for a low-pass, 0 for a high-pass) with no start-up transient.
   */
  reset(x0: number): void {
    const c = this.coef, st = this.state;
    let x = x0;
    for (let i = 0; i < this.n; i++) {
      const o = 5 * i;
      const b0 = c[o], b1 = c[o + 1], b2 = c[o + 2], a1 = c[o + 3], a2 = c[o + 4];
      const g = (b0 + b1 + b2) / (1 + a1 + a2);
      const y = g * x;
      // DF2T fixed point: y = b0 x + s1, s1 = b1 x − a1 y + s2, s2 = b2 x − a2 y.
      const s2 = b2 * x - a2 * y;
      st[2 * i + 1] = s2;
      st[2 * i] = b1 * x - a1 * y + s2;
      x = y;
    }
  }

  /** Filter one sample. */
  step(x: number): number {
    const c = this.coef, st = this.state;
    let v = x;
    for (let i = 0, o = 0, so = 0; i < this.n; i++, o += 5, so += 2) {
      const y = c[o] * v + st[so];
      st[so] = c[o + 1] * v - c[o + 3] * y + st[so + 1];
      st[so + 1] = c[o + 2] * v - c[o + 4] * y;
      v = y;
    }
    return v;
  }
}

/** Digital Butterworth low-pass, order 1–4, cutoff (−3 dB) at `cutoffHz`, sample rate `fs`. */
export class ButterworthLowpass extends SosCascade {
  readonly order: number;
  readonly cutoffHz: number;
  readonly fs: number;

  constructor(order: number, cutoffHz: number, fs: number) {
    super(butterworthSections('lowpass', order, cutoffHz, fs));
    this.order = order;
    this.cutoffHz = cutoffHz;
    this.fs = fs;
  }
}

/** Digital Butterworth high-pass, order 1–4, cutoff (−3 dB) at `cutoffHz`, sample rate `fs`. */
export class ButterworthHighpass extends SosCascade {
  readonly order: number;
  readonly cutoffHz: number;
  readonly fs: number;

  constructor(order: number, cutoffHz: number, fs: number) {
    super(butterworthSections('highpass', order, cutoffHz, fs));
    this.order = order;
    this.cutoffHz = cutoffHz;
    this.fs = fs;
  }
}
