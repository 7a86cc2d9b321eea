// A simulated physiological tremor added to what the page sends (keyboard and mouse hands do not shake), so
// the tremor filter has something to remove and the plots show it: a sinusoid per axis, phases apart.
export interface TremorSettings {
  readonly on: boolean;
  readonly frequencyHz: number;
  readonly amplitudeMm: number;
}

const PHASES = [0, 2.1, 4.2];

/** Adds the tremor at time `tSec` to position `p` (m), in place. */
export function addTremor(p: [number, number, number], tSec: number, s: TremorSettings): void {
  if (!s.on || !(s.frequencyHz > 0) || !(s.amplitudeMm > 0)) return;
  const a = s.amplitudeMm / 1000;
  for (let i = 0; i < 3; i++) p[i] += a * Math.sin(2 * Math.PI * s.frequencyHz * tSec + PHASES[i]);
}
