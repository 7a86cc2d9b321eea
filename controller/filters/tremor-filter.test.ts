import { describe, expect, it } from 'vitest';
import { butterworthResponse } from './butterworth.ts';
import { createPoseTremorFilter, describeTremorFilter, type TremorFilterConfig } from './tremor-filter.ts';
import { quatAngle, quatFromRotvec, quatMul, quatNormalize, quatToRotvec } from '../../sim/math/quat.ts';
import { tremorSignal } from './test-signals.ts';

const FS = 1000;
const CONFIGS: TremorFilterConfig[] = [
  { type: 'none' },
  { type: 'lowpass', cutoff_hz: 6, order: 2 },
  { type: 'adaptive' },
];

const qRef = quatNormalize(new Float64Array(4), [0.2, -0.4, 0.1, 0.85]);
const axis = (() => {
  const a = [0.3, 0.5, -0.8], n = Math.hypot(...a);
  return a.map((v) => v / n);
})();

/** Amplitude of the sinusoid at f in x[from, to) by least squares. */
function amplitudeAt(x: ArrayLike<number>, f: number, from: number, to: number): number {
  let ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
  for (let n = from; n < to; n++) {
    const s = Math.sin((2 * Math.PI * f * n) / FS), c = Math.cos((2 * Math.PI * f * n) / FS);
    ss += s * s; cc += c * c; sc += s * c; ys += x[n] * s; yc += x[n] * c;
  }
  const det = ss * cc - sc * sc;
  return Math.hypot((ys * cc - yc * sc) / det, (yc * ss - ys * sc) / det);
}

/**
 * Runs a pose through a filter: position = p0 + tremor along x; orientation = qRef rotated about a fixed axis by the
 * same tremor in radians (scaled). Returns the x position and the rotation angle about the axis, in and out.
 */
function runTremorPose(config: TremorFilterConfig, f: number, n: number) {
  const filter = createPoseTremorFilter(config, FS);
  const posAmp = 3e-4, rotAmp = 5e-3;
  const tr = tremorSignal(n, 1 / FS, 1, f, 0.4);
  const p = new Float64Array(3), q = new Float64Array(4), pOut = new Float64Array(3), qOut = new Float64Array(4);
  const rel = new Float64Array(4), rv = new Float64Array(3), dq = new Float64Array(4);
  const inv = Float64Array.of(-qRef[0], -qRef[1], -qRef[2], qRef[3]);
  const xOut = new Float64Array(n), angOut = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    p[0] = 0.1 + posAmp * tr[k]; p[1] = -0.05; p[2] = 0.2;
    quatFromRotvec(dq, axis.map((a) => a * rotAmp * tr[k]));
    quatMul(q, qRef, dq);
    if (k === 0) filter.reset(Float64Array.of(0.1, -0.05, 0.2), qRef);
    filter.step(p, q, pOut, qOut);
    xOut[k] = (pOut[0] - 0.1) / posAmp;
    quatMul(rel, inv, qOut);
    quatToRotvec(rv, rel);
    angOut[k] = (rv[0] * axis[0] + rv[1] * axis[1] + rv[2] * axis[2]) / rotAmp;
  }
  return { xOut, angOut };
}

describe('createPoseTremorFilter', () => {
  it('with no tremor and a constant orientation, the output equals the input', () => {
    for (const config of CONFIGS) {
      const filter = createPoseTremorFilter(config, FS);
      const p = Float64Array.of(0.12, -0.03, 0.25), pOut = new Float64Array(3), qOut = new Float64Array(4);
      filter.reset(p, qRef);
      let dp = 0, dq = 0;
      for (let k = 0; k < 3000; k++) {
        filter.step(p, qRef, pOut, qOut);
        for (let a = 0; a < 3; a++) dp = Math.max(dp, Math.abs(pOut[a] - p[a]));
        for (let a = 0; a < 4; a++) dq = Math.max(dq, Math.abs(qOut[a] - qRef[a]));
      }
      // to round-off (a 6 Hz low-pass at 1 kHz amplifies the last bit a few hundred times)
      expect(dp).toBeLessThan(1e-13);
      expect(dq).toBeLessThan(1e-15);
    }
  });

  it("'none' copies the pose exactly", () => {
    const filter = createPoseTremorFilter({ type: 'none' }, FS);
    const pOut = new Float64Array(3), qOut = new Float64Array(4);
    filter.reset([0, 0, 0], [0, 0, 0, 1]);
    filter.step([1, 2, 3], [0.5, 0.5, 0.5, 0.5], pOut, qOut);
    expect(Array.from(pOut)).toEqual([1, 2, 3]);
    expect(Array.from(qOut)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('attenuates a rotation tremor about a fixed axis exactly like a position tremor (low-pass)', () => {
    const f = 9, n = 4000;
    const { xOut, angOut } = runTremorPose({ type: 'lowpass', cutoff_hz: 6, order: 2 }, f, n);
    const want = butterworthResponse(2, 6, FS, f).magnitude;
    expect(amplitudeAt(xOut, f, 2000, n)).toBeCloseTo(want, 4);
    expect(amplitudeAt(angOut, f, 2000, n)).toBeCloseTo(want, 4);
  });

  it('cancels a rotation tremor like a position tremor (adaptive)', () => {
    const f = 9.3, n = 4000;
    const { xOut, angOut } = runTremorPose({ type: 'adaptive' }, f, n);
    // more than 30 dB left after the first second, on both
    expect(amplitudeAt(xOut, f, 1000, n)).toBeLessThan(0.03);
    expect(amplitudeAt(angOut, f, 1000, n)).toBeLessThan(0.03);
  });

  it('follows a wrist roll past 180° from the reference without a jump', () => {
    // roll 300° in 3 s about the tool axis through a 6 Hz low-pass: the output lags by ~37 ms (~3.7°), never jumps
    const filter = createPoseTremorFilter({ type: 'lowpass', cutoff_hz: 6, order: 2 }, FS);
    const p = new Float64Array(3), pOut = new Float64Array(3), q = new Float64Array(4), qOut = new Float64Array(4), dq = new Float64Array(4);
    filter.reset(p, qRef);
    let worst = 0;
    const rate = (300 * Math.PI) / 180 / 3;
    for (let k = 0; k < 3500; k++) {
      const angle = rate * Math.min(k, 3000) / FS;
      quatFromRotvec(dq, [0, 0, angle]);
      quatMul(q, qRef, dq);
      filter.step(p, q, pOut, qOut);
      worst = Math.max(worst, quatAngle(q, qOut));
    }
    expect((worst * 180) / Math.PI).toBeLessThan(5);
    expect((worst * 180) / Math.PI).toBeGreaterThan(3); // it is a low-pass: it does lag
  });

  it('rejects an invalid config with a RangeError', () => {
    expect(() => createPoseTremorFilter({ type: 'lowpass', cutoff_hz: 600, order: 2 }, FS)).toThrow(RangeError);
    expect(() => createPoseTremorFilter({ type: 'lowpass', cutoff_hz: 6, order: 5 as 2 }, FS)).toThrow(RangeError);
    expect(() => createPoseTremorFilter({ type: 'adaptive', mu: 2 }, FS)).toThrow(RangeError);
    expect(() => createPoseTremorFilter({ type: 'kalman' } as unknown as TremorFilterConfig, FS)).toThrow(RangeError);
  });
});

describe('describeTremorFilter', () => {
  it('names the filter and its settings', () => {
    expect(describeTremorFilter({ type: 'none' })).toBe('no tremor filter');
    expect(describeTremorFilter({ type: 'lowpass', cutoff_hz: 6, order: 2 })).toBe('Butterworth low-pass, order 2, cutoff 6 Hz');
    expect(describeTremorFilter({ type: 'adaptive' })).toBe('adaptive tremor canceller, 6–14 Hz');
    expect(describeTremorFilter({ type: 'adaptive', band_hz: [7, 13], mu: 0.05 })).toBe('adaptive tremor canceller, 7–13 Hz, mu 0.05');
  });
});
