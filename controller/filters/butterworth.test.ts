import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ButterworthHighpass,
  ButterworthLowpass,
  butterworthHighpassResponse,
  butterworthResponse,
  butterworthSections,
} from './butterworth.ts';

const FS = 1000;

/** Amplitude and phase of the sinusoid at f in y[from, to), by a least-squares fit of sin and cos. */
function fitSinusoid(y: Float64Array, f: number, fs: number, from: number, to: number): { amplitude: number; phase: number } {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  for (let n = from; n < to; n++) {
    const s = Math.sin((2 * Math.PI * f * n) / fs), c = Math.cos((2 * Math.PI * f * n) / fs);
    ss += s * s; cc += c * c; sc += s * c; ys += y[n] * s; yc += y[n] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det; // coefficient of sin
  const b = (yc * ss - ys * sc) / det; // coefficient of cos
  // a sin + b cos = A sin(ωn + φ)
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a) };
}

function wrap(x: number): number {
  return Math.atan2(Math.sin(x), Math.cos(x));
}

describe('Butterworth design', () => {
  it('has unit gain at DC and 1/√2 at the cutoff, for every order', () => {
    for (const order of [1, 2, 3, 4]) {
      for (const fc of [0.5, 6, 40, 200, 450]) {
        expect(butterworthResponse(order, fc, FS, 0).magnitude).toBeCloseTo(1, 12);
        expect(butterworthResponse(order, fc, FS, fc).magnitude).toBeCloseTo(Math.SQRT1_2, 10);
        expect(new ButterworthLowpass(order, fc, FS).dcGain()).toBeCloseTo(1, 12);
        // high-pass: zero at DC, 1/√2 at the cutoff, one at Nyquist
        expect(butterworthHighpassResponse(order, fc, FS, 0).magnitude).toBeLessThan(1e-12);
        expect(butterworthHighpassResponse(order, fc, FS, fc).magnitude).toBeCloseTo(Math.SQRT1_2, 10);
        expect(butterworthHighpassResponse(order, fc, FS, FS / 2).magnitude).toBeCloseTo(1, 10);
      }
    }
  });

  it('is maximally flat: the magnitude falls monotonically, and faster for a higher order', () => {
    for (const order of [1, 2, 3, 4]) {
      let prev = Infinity;
      for (let f = 0; f <= 499; f += 0.5) {
        const m = butterworthResponse(order, 6, FS, f).magnitude;
        expect(m).toBeLessThanOrEqual(prev + 1e-15);
        prev = m;
      }
    }
    // the reference baseline: order 2 at 6 Hz takes about 7.8 dB off 9 Hz (REFERENCE.md)
    const db = -20 * Math.log10(butterworthResponse(2, 6, FS, 9).magnitude);
    expect(db).toBeGreaterThan(7.6);
    expect(db).toBeLessThan(8.0);
    expect(butterworthResponse(4, 6, FS, 9).magnitude).toBeLessThan(butterworthResponse(2, 6, FS, 9).magnitude);
  });

  it('has one section per pole pair, plus a first-order one for an odd order', () => {
    expect(butterworthSections('lowpass', 1, 6, FS)).toHaveLength(1);
    expect(butterworthSections('lowpass', 2, 6, FS)).toHaveLength(1);
    expect(butterworthSections('lowpass', 3, 6, FS)).toHaveLength(2);
    expect(butterworthSections('lowpass', 4, 6, FS)).toHaveLength(2);
  });

  it('rejects an order outside 1–4 and a cutoff outside (0, fs/2)', () => {
    expect(() => new ButterworthLowpass(5, 6, FS)).toThrow(RangeError);
    expect(() => new ButterworthLowpass(0, 6, FS)).toThrow(RangeError);
    expect(() => new ButterworthLowpass(2.5, 6, FS)).toThrow(RangeError);
    expect(() => new ButterworthLowpass(2, 0, FS)).toThrow(RangeError);
    expect(() => new ButterworthLowpass(2, 500, FS)).toThrow(RangeError);
    expect(() => new ButterworthLowpass(2, Number.NaN, FS)).toThrow(RangeError);
  });
});

describe('ButterworthLowpass', () => {
  it('settles after a step, with the overshoot of a Butterworth filter', () => {
    for (const order of [1, 2, 3, 4]) {
      const f = new ButterworthLowpass(order, 6, FS);
      f.reset(0);
      let y = 0, peak = 0;
      for (let n = 0; n < 2000; n++) {
        y = f.step(1);
        peak = Math.max(peak, y);
      }
      expect(Math.abs(y - 1)).toBeLessThan(1e-6);
      // analog Butterworth step overshoot: 0, 4.3%, 8.2%, 10.8%
      expect(peak - 1).toBeLessThan([0.001, 0.05, 0.09, 0.12][order - 1]);
    }
  });

  it('starts in steady state after reset: a constant input gives a constant output, no transient', () => {
    for (const order of [1, 2, 3, 4]) {
      const f = new ButterworthLowpass(order, 6, FS);
      const x0 = 0.123456;
      f.reset(x0);
      // round-off only: DF2T amplifies the last bit by ~1/(1 + a1 + a2) at a low cutoff
      for (let n = 0; n < 1000; n++) expect(Math.abs(f.step(x0) - x0)).toBeLessThan(1e-12 * x0);
      const hp = new ButterworthHighpass(order, 4, FS);
      hp.reset(x0);
      for (let n = 0; n < 1000; n++) expect(Math.abs(hp.step(x0))).toBeLessThan(1e-15);
    }
  });

  it('without reset a constant input does start with a transient (so the test above can fail)', () => {
    const f = new ButterworthLowpass(2, 6, FS);
    expect(Math.abs(f.step(1) - 1)).toBeGreaterThan(0.9);
  });

  it('delays slow motion by the group delay √2/(2π·fc) for order 2', () => {
    // a ramp comes out shifted by the DC group delay
    const fc = 6, f = new ButterworthLowpass(2, fc, FS);
    f.reset(0);
    let y = 0;
    const n = 3000;
    for (let k = 0; k < n; k++) y = f.step(k / FS);
    const delay = (n - 1) / FS - y;
    expect(delay * 1000).toBeCloseTo((Math.SQRT2 / (2 * Math.PI * fc)) * 1000, 1);
  });

  it('passes a sinusoid with the magnitude and phase butterworthResponse predicts (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        (order, cutoff, fRel, phase0) => {
          // test frequencies from a fifth of the cutoff to 4× the cutoff (where the response is still measurable)
          const f = Math.min(450, cutoff * (0.2 + 3.8 * fRel));
          const filter = new ButterworthLowpass(order, cutoff, FS);
          filter.reset(0);
          const n = 6000;
          const y = new Float64Array(n);
          for (let k = 0; k < n; k++) y[k] = filter.step(Math.sin((2 * Math.PI * f * k) / FS + phase0));
          // transients of the slowest case (order 4, 1 Hz) decay by e^{−2.4 t}: measure over the last 2 s
          const fit = fitSinusoid(y, f, FS, n - 2000, n);
          const want = butterworthResponse(order, cutoff, FS, f);
          expect(Math.abs(fit.amplitude - want.magnitude)).toBeLessThanOrEqual(0.01 * want.magnitude);
          expect(Math.abs(wrap(fit.phase - phase0 - want.phase))).toBeLessThan(0.01);
        },
      ),
      { numRuns: 60, seed: 20240601 },
    );
  });
});
