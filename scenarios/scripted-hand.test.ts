// The scripted hand's tremor: a single frequency and amplitude as before, or drifting between two values.
import { describe, expect, it } from 'vitest';
import { ScriptedHand, TremorModel } from './scripted-hand.ts';
import { operatorInput } from '../controller/frame.ts';

const still = [{ t: 0, p: [0, 0, 0] as [number, number, number] }];

/** x of the hand, tick by tick, for `seconds` at 1 kHz. */
function handX(tremor: ConstructorParameters<typeof TremorModel>[0], seconds: number): Float64Array {
  const hand = new ScriptedHand({ script: still, tremor }, 0.001, 3, 'psm1');
  const out = operatorInput();
  const x = new Float64Array(seconds * 1000);
  for (let k = 0; k < x.length; k++) {
    hand.sample(k, out);
    x[k] = out.p[0];
  }
  return x;
}

/** Frequency (Hz) from each pair of successive upward zero crossings, with the time between them. */
function crossingFrequencies(x: Float64Array, dt: number): { t: number; f: number }[] {
  const up: number[] = [];
  for (let k = 1; k < x.length; k++) {
    if (x[k - 1] < 0 && x[k] >= 0) up.push((k - 1 + x[k - 1] / (x[k - 1] - x[k])) * dt);
  }
  return up.slice(1).map((t, i) => ({ t: (t + up[i]) / 2, f: 1 / (t - up[i]) }));
}

describe('tremor', () => {
  it('a single frequency and amplitude: a · sin(2πft + φ), as before', () => {
    const x = handX({ frequency_hz: 9, amplitude_mm: 0.3 }, 2);
    const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeCloseTo(0.0003, 6);
    for (const { f } of crossingFrequencies(x, 0.001)) expect(f).toBeCloseTo(9, 1);
  });

  it('a drifting frequency moves between its bounds, sinusoidally over the drift period, and stays continuous', () => {
    const tremor = { frequency_hz: [8, 11] as [number, number], amplitude_mm: 0.3, drift_period_s: 20 };
    const x = handX(tremor, 40);
    const measured = crossingFrequencies(x, 0.001);
    const model = new TremorModel(tremor);
    const fs = measured.map((m) => m.f);
    // Every cycle inside the bounds, and both ends reached.
    expect(Math.min(...fs)).toBeGreaterThan(8 - 0.05);
    expect(Math.max(...fs)).toBeLessThan(11 + 0.05);
    expect(Math.min(...fs)).toBeLessThan(8.05);
    expect(Math.max(...fs)).toBeGreaterThan(10.95);
    // And it follows the model: f0 at t = 0, f1 at half the period, f0 again after a period.
    const worst = measured.reduce((w, m) => Math.max(w, Math.abs(m.f - model.frequency(m.t))), 0);
    expect(worst).toBeLessThan(0.02);
    expect(model.frequency(0)).toBeCloseTo(8, 12);
    expect(model.frequency(10)).toBeCloseTo(11, 12);
    expect(model.frequency(20)).toBeCloseTo(8, 12);
    // Continuous: no step larger than the steepest slope of the signal allows (2π·f1·a per second).
    const maxStep = 2 * Math.PI * 11 * 0.0003 * 0.001 * 1.01;
    let step = 0;
    for (let k = 1; k < x.length; k++) step = Math.max(step, Math.abs(x[k] - x[k - 1]));
    expect(step).toBeLessThanOrEqual(maxStep);
  });

  it('a drifting amplitude moves between its two values the same way', () => {
    const x = handX({ frequency_hz: 10, amplitude_mm: [0.1, 0.4], drift_period_s: 10 }, 10);
    const peakAround = (t: number): number => {
      let m = 0;
      for (let k = Math.round((t - 0.1) * 1000); k < Math.round((t + 0.1) * 1000); k++) m = Math.max(m, Math.abs(x[k]));
      return m;
    };
    expect(peakAround(0.15)).toBeCloseTo(0.0001, 5);
    expect(peakAround(5)).toBeCloseTo(0.0004, 5);
    expect(peakAround(9.85)).toBeCloseTo(0.0001, 5);
  });
});
