import { describe, expect, it } from 'vitest';
import { dft } from './fft.ts';
import {
  MAX_ATTENUATION_DB,
  bandRms,
  tremorAttenuationDb,
  voluntaryDistortionMm,
  voluntaryLagMs,
  zeroPhaseLowpass,
} from './tremor-metrics.ts';
import { gaussian, mulberry32, reachingMotion, tremorSignal } from '../../controller/filters/test-signals.ts';

const DT = 0.001;
const N = 10_000;

/** x delayed by `ms` milliseconds (linear interpolation; the first value held before the start). */
function delayed(x: Float64Array, ms: number): Float64Array {
  const sh = ms / 1000 / DT;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const t = Math.max(0, i - sh), i0 = Math.floor(t), fr = t - i0;
    out[i] = i0 + 1 < x.length ? x[i0] * (1 - fr) + x[i0 + 1] * fr : x[i0];
  }
  return out;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}

describe('dft', () => {
  it('matches the textbook DFT for power-of-two and other lengths', () => {
    const rng = mulberry32(1);
    for (const n of [1, 2, 7, 12, 16, 100]) {
      const re = Float64Array.from({ length: n }, () => rng() - 0.5), im = Float64Array.from({ length: n }, () => rng() - 0.5);
      const got = dft(re, im);
      for (let k = 0; k < n; k++) {
        let sr = 0, si = 0;
        for (let t = 0; t < n; t++) {
          const a = (-2 * Math.PI * k * t) / n;
          sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
          si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
        }
        expect(got.re[k]).toBeCloseTo(sr, 10);
        expect(got.im[k]).toBeCloseTo(si, 10);
      }
      const back = dft(got.re, got.im, true);
      for (let t = 0; t < n; t++) expect(back.re[t] / n).toBeCloseTo(re[t], 12);
    }
  });
});

describe('bandRms', () => {
  it('reads a sinusoid of amplitude A inside the band as A/√2 (within 2%)', () => {
    for (const f of [6.5, 7.3, 9, 10.37, 12.8, 13.5]) {
      for (const phase of [0, 1, 2.5]) {
        const x = tremorSignal(N, DT, 3e-4, f, phase);
        expect(Math.abs(bandRms(x, DT, 6, 14) / (3e-4 / Math.SQRT2) - 1)).toBeLessThan(0.02);
      }
    }
  });

  it('is honest on a hand record: tens of mm of reaches add nothing to the tremor band, even cut mid-reach', () => {
    for (const seed of [1, 2, 3]) {
      const reach = reachingMotion(mulberry32(seed), N, DT);
      for (let a = 0; a < 3; a++) {
        // reaches alone: under 2 µm (a plain FFT of the detrended record reads several hundred µm here)
        expect(bandRms(reach[a], DT, 6, 14)).toBeLessThan(2e-6);
        // reaches + tremor reads the tremor
        const x = add(reach[a], tremorSignal(N, DT, 3e-4, 9, seed + a));
        expect(Math.abs(bandRms(x, DT, 6, 14) / (3e-4 / Math.SQRT2) - 1)).toBeLessThan(0.02);
      }
    }
  });

  it('leaves out what is outside the band, and weights every sample the same', () => {
    // without a window a spectral line has skirts: a line at 3 or 30 Hz leaks under 2% of its RMS (0.04% of its
    // power) into 6–14 Hz; a plain rectangular-window FFT leaks about 7%
    for (const f of [3, 30]) {
      expect(bandRms(tremorSignal(N, DT, 1e-3, f, 0.3), DT, 6, 14)).toBeLessThan(0.02 * (1e-3 / Math.SQRT2));
    }
    // a tremor only in the first second of ten counts with a tenth of its power (a window would hide it)
    const burst = tremorSignal(N, DT, 3e-4, 9, 0).map((v, i) => (i < 1000 ? v : 0));
    expect(bandRms(burst, DT, 6, 14) / (3e-4 / Math.SQRT2)).toBeCloseTo(Math.sqrt(0.1), 1);
  });

  it('follows Parseval on white noise', () => {
    const rng = mulberry32(9);
    const x = Float64Array.from({ length: N }, () => 5e-6 * gaussian(rng));
    // a white sequence spreads its power evenly up to fs/2 = 500 Hz
    const want = 5e-6 * Math.sqrt((14 - 6) / 500);
    expect(Math.abs(bandRms(x, DT, 6, 14) / want - 1)).toBeLessThan(0.15);
    // (the band must stay clear of the slowest few Hz, which go with the trend)
    expect(Math.abs(bandRms(x, DT, 20, 500) / (5e-6 * Math.sqrt(480 / 500)) - 1)).toBeLessThan(0.02);
  });
});

describe('tremorAttenuationDb', () => {
  const input = [0, 1, 2].map((a) => add(reachingMotion(mulberry32(a + 4), N, DT)[a], tremorSignal(N, DT, 3e-4, 9, a)));

  it('is 20·log10 of the ratio of band RMS, over all axes', () => {
    expect(tremorAttenuationDb(input, input, DT)).toBeCloseTo(0, 10);
    const tenth = input.map((x) => x.map((v) => 0.1 * v));
    expect(tremorAttenuationDb(input, tenth, DT)).toBeCloseTo(20, 6);
    // one axis untouched, two cleared: power drops to a third → 4.77 dB
    const oneLeft = input.map((x, a) => (a === 0 ? x : new Float64Array(N)));
    expect(tremorAttenuationDb(input, oneLeft, DT)).toBeCloseTo(10 * Math.log10(3), 1);
  });

  it('caps a perfect output at 120 dB instead of infinity', () => {
    const zero = input.map(() => new Float64Array(N));
    expect(tremorAttenuationDb(input, zero, DT)).toBe(MAX_ATTENUATION_DB);
    expect(tremorAttenuationDb(zero, zero, DT)).toBe(0);
    expect(tremorAttenuationDb(zero, input, DT)).toBe(-MAX_ATTENUATION_DB);
  });

  it('rejects mismatched inputs', () => {
    expect(() => tremorAttenuationDb(input, input.slice(0, 2), DT)).toThrow(RangeError);
    expect(() => tremorAttenuationDb(input, input.map((x) => x.subarray(1)), DT)).toThrow(RangeError);
  });
});

describe('voluntaryLagMs', () => {
  const reaches = [1, 2].map((seed) => reachingMotion(mulberry32(seed), N, DT));

  it('recovers a known pure delay of minimum-jerk motion within 0.5 ms', () => {
    for (const [i, reach] of reaches.entries()) {
      for (const ms of i === 0 ? [0, 12.3, 25, 120] : [25, 37.5]) {
        const out = reach.map((x) => delayed(x, ms));
        expect(Math.abs(voluntaryLagMs(reach, out, DT) - ms)).toBeLessThan(0.5);
      }
    }
  });

  it('is not fooled by tremor and noise on top of the motion', () => {
    const rng = mulberry32(3);
    const reach = reaches[0];
    const input = reach.map((x, a) => add(x, tremorSignal(N, DT, 3e-4, 9, a)).map((v) => v + 5e-6 * gaussian(rng)));
    const out = reach.map((x) => delayed(x, 25));
    expect(Math.abs(voluntaryLagMs(input, out, DT) - 25)).toBeLessThan(0.5);
  });

  it('returns 0 when there is no voluntary motion to measure', () => {
    const still = [0, 1, 2].map((a) => tremorSignal(N, DT, 3e-4, 9, a));
    expect(voluntaryLagMs(still, still.map((x) => delayed(x, 30)), DT)).toBe(0);
  });

  it('copes with a short record', () => {
    const short = reaches[0].map((x) => x.subarray(0, 400));
    expect(Number.isFinite(voluntaryLagMs(short, short, DT))).toBe(true);
  });
});

describe('voluntaryDistortionMm', () => {
  const reach = reachingMotion(mulberry32(2), N, DT);

  it('is zero for an unchanged signal and reads a constant offset in mm', () => {
    expect(voluntaryDistortionMm(reach, reach, DT)).toBe(0);
    const shifted = reach.map((x, a) => x.map((v) => v + (a === 0 ? 1e-3 : 0)));
    expect(voluntaryDistortionMm(reach, shifted, DT)).toBeCloseTo(1, 6);
  });

  it('reads a delay as speed × delay, and ignores tremor the filter removed', () => {
    const out = reach.map((x) => delayed(x, 20));
    let ms = 0;
    for (let a = 0; a < 3; a++) for (let i = 1; i < N; i++) ms += ((reach[a][i] - reach[a][i - 1]) / DT) ** 2;
    const speedTimesDelayMm = Math.sqrt(ms / N) * 0.02 * 1000;
    expect(voluntaryDistortionMm(reach, out, DT) / speedTimesDelayMm).toBeGreaterThan(0.9);
    expect(voluntaryDistortionMm(reach, out, DT) / speedTimesDelayMm).toBeLessThan(1.05);
    const withTremor = reach.map((x, a) => add(x, tremorSignal(N, DT, 3e-4, 9, a)));
    expect(voluntaryDistortionMm(withTremor, reach, DT)).toBeLessThan(0.001);
  });

  it('uses a zero-phase low-pass: a slow sinusoid comes out unshifted', () => {
    const x = tremorSignal(N, DT, 1, 0.5, 0.2);
    const y = zeroPhaseLowpass(x, DT, 2);
    // gain exp(−ln2·(0.5/2)²) = 0.958, no phase: y = 0.958·x away from the ends
    for (let i = 1000; i < N - 1000; i += 97) expect(y[i]).toBeCloseTo(Math.exp(-Math.LN2 / 16) * x[i], 3);
  });
});
