// The three tremor filters side by side on one signal: attenuation in the 6–14 Hz band, lag of the
// voluntary motion, and how much the voluntary motion is changed (distortion).
import { operatorInput } from '../controller/frame.ts';
import { filterPositionTrace, type TremorFilterConfig } from '../controller/filters/tremor-filter.ts';
import { ScriptedHand } from '../scenarios/scripted-hand.ts';
import { tremorAttenuationDb, voluntaryDistortionMm, voluntaryLagMs } from '../scenarios/metrics/tremor-metrics.ts';
import { round } from '../scenarios/round.ts';

export interface TremorRow {
  filter: string;
  attenuation_db: number;
  lag_ms: number;
  distortion_mm: number;
}

const FILTERS: [string, TremorFilterConfig][] = [
  ['none', { type: 'none' }],
  ['lowpass 6 Hz order 2', { type: 'lowpass', cutoff_hz: 6, order: 2 }],
  ['adaptive 6–14 Hz', { type: 'adaptive' }],
];

export function tremorBench(frequencyHz = 9, amplitudeMm = 0.3): TremorRow[] {
  const fs = 1000, dt = 1 / fs, n = 10 * fs;
  const hand = new ScriptedHand({
    script: [
      { t: 0, p: [0, 0, 0] },
      { t: 2, p: [0.05, 0, 0] },
      { t: 4, p: [0.05, 0.04, -0.02] },
      { t: 6, p: [0, 0.04, 0] },
      { t: 8, p: [0, 0, 0] },
    ],
    tremor: { frequency_hz: frequencyHz, amplitude_mm: amplitudeMm },
    noise: { position_mm: 0.005 },
  }, dt, 42, 'bench');
  const input = [0, 1, 2].map(() => new Float64Array(n));
  const s = operatorInput();
  for (let k = 0; k < n; k++) {
    hand.sample(k, s);
    for (let a = 0; a < 3; a++) input[a][k] = s.p[a];
  }
  return FILTERS.map(([name, cfg]) => {
    const out = filterPositionTrace(cfg, fs, input);
    return {
      filter: name,
      attenuation_db: round(tremorAttenuationDb(input, out, dt), 2),
      lag_ms: round(voluntaryLagMs(input, out, dt), 2),
      distortion_mm: round(voluntaryDistortionMm(input, out, dt), 4),
    };
  });
}
