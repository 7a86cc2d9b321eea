import { describe, expect, it } from 'vitest';
import { AdaptiveCanceller } from './adaptive-canceller.ts';
import { tremorTrial, type TremorTrial } from './test-signals.ts';

const FS = 1000;

function run(c: AdaptiveCanceller, input: Float64Array[]): Float64Array[] {
  const n = input[0].length, ch = input.length;
  const out = input.map(() => new Float64Array(n));
  const x = new Float64Array(ch), y = new Float64Array(ch);
  for (let a = 0; a < ch; a++) x[a] = input[a][0];
  c.reset(x);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < ch; a++) x[a] = input[a][i];
    c.step(x, y);
    for (let a = 0; a < ch; a++) out[a][i] = y[a];
  }
  return out;
}

/** RMS over axes of a[from, to), root of the summed mean squares. */
function rms(a: Float64Array[], from: number, to: number): number {
  let s = 0;
  for (const x of a) for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
}

/** Tremor left in the output: output − voluntary − noise (which the canceller should pass untouched). */
function residual(trial: TremorTrial, out: Float64Array[]): Float64Array[] {
  return out.map((y, a) => y.map((v, i) => v - trial.voluntary[a][i] - trial.noise[a][i]));
}

function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

describe('AdaptiveCanceller', () => {
  it('passes a constant input through unchanged, bit for bit, after reset', () => {
    const c = new AdaptiveCanceller({ fs: FS, channels: 3 });
    const x = Float64Array.of(0.01, -0.2, 0.3), y = new Float64Array(3);
    c.reset(x);
    for (let i = 0; i < 2000; i++) {
      c.step(x, y);
      expect(Array.from(y)).toEqual(Array.from(x));
    }
  });

  it('removes a stationary tremor at, between and off any grid frequency, and locks onto its frequency', () => {
    for (const f of [8, 8.25, 9.1, 10.7, 12]) {
      const trial = tremorTrial({ seed: 100 + f * 10, freqHz: f });
      const c = new AdaptiveCanceller({ fs: FS, channels: 3 });
      const out = run(c, trial.input);
      const n = out[0].length;
      const res = residual(trial, out);
      // steady state (after 2 s): well over the 20 dB target
      expect(db(rms(trial.tremor, 2000, n) / rms(res, 2000, n))).toBeGreaterThan(30);
      // converged within about half a second
      expect(db(rms(trial.tremor, 500, 1000) / rms(res, 500, 1000))).toBeGreaterThan(15);
      expect(Math.abs(c.frequencyHz - f)).toBeLessThan(0.05);
    }
  });

  it('follows a tremor whose frequency drifts 8 → 11 Hz', () => {
    const trial = tremorTrial({ seed: 7, freqHz: (t) => 8 + 3 * Math.min(1, t / 8) });
    const c = new AdaptiveCanceller({ fs: FS, channels: 3 });
    const out = run(c, trial.input);
    const res = residual(trial, out);
    for (let s = 1; s < 10; s++) {
      expect(db(rms(trial.tremor, s * 1000, (s + 1) * 1000) / rms(res, s * 1000, (s + 1) * 1000))).toBeGreaterThan(20);
    }
    expect(Math.abs(c.frequencyHz - 11)).toBeLessThan(0.05);
  });

  it('lets voluntary motion through undelayed: with no tremor the output stays within microns of the input', () => {
    for (const seed of [3, 4, 6]) {
      const trial = tremorTrial({ seed, amplitude: 0, noise: 0 });
      const out = run(new AdaptiveCanceller({ fs: FS, channels: 3 }), trial.input);
      const n = out[0].length;
      const change = out.map((y, a) => y.map((v, i) => v - trial.input[a][i]));
      // what a delay of a single sample (1 ms) would change: 20–35 µm RMS on these reaches
      const oneSample = trial.input.map((x) => x.map((v, i) => (i > 0 ? v - x[i - 1] : 0)));
      expect(rms(change, 0, n)).toBeLessThan(10e-6);
      expect(rms(change, 0, n)).toBeLessThan(0.5 * rms(oneSample, 0, n));
    }
  });

  it('is deterministic: the same input gives bit-identical output, also after reset', () => {
    const trial = tremorTrial({ seed: 11, freqHz: 9.4 });
    const c = new AdaptiveCanceller({ fs: FS, channels: 3 });
    const a = run(c, trial.input);
    const b = run(c, trial.input); // run() resets first
    const d = run(new AdaptiveCanceller({ fs: FS, channels: 3 }), trial.input);
    for (let k = 0; k < 3; k++) {
      expect(Buffer.from(b[k].buffer).equals(Buffer.from(a[k].buffer))).toBe(true);
      expect(Buffer.from(d[k].buffer).equals(Buffer.from(a[k].buffer))).toBe(true);
    }
  });

  it('keeps the tracked frequency inside the band', () => {
    const trial = tremorTrial({ seed: 5, freqHz: 4, amplitude: 3e-4 });
    const c = new AdaptiveCanceller({ fs: FS, channels: 3 });
    run(c, trial.input);
    expect(c.frequencyHz).toBeGreaterThanOrEqual(6 - 1e-9);
    expect(c.frequencyHz).toBeLessThanOrEqual(14 + 1e-9);
  });

  it('rejects options that cannot work', () => {
    expect(() => new AdaptiveCanceller({ fs: 0 })).toThrow(RangeError);
    expect(() => new AdaptiveCanceller({ fs: FS, channels: 0 })).toThrow(RangeError);
    expect(() => new AdaptiveCanceller({ fs: FS, bandHz: [14, 6] })).toThrow(RangeError);
    expect(() => new AdaptiveCanceller({ fs: FS, bandHz: [6, 600] })).toThrow(RangeError);
    expect(() => new AdaptiveCanceller({ fs: FS, mu: 0 })).toThrow(RangeError);
    expect(() => new AdaptiveCanceller({ fs: FS, mu: 1.5 })).toThrow(RangeError);
    expect(() => new AdaptiveCanceller({ fs: FS, highpassHz: 7 })).toThrow(RangeError);
    expect(() => new AdaptiveCanceller({ fs: FS, highpassOrder: 5 })).toThrow(RangeError);
  });
});
