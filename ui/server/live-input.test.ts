// The live input source: a sample is fresh at the tick its arrival maps to and only then, the latest of a tick
// wins, order is kept, and a full queue drops the oldest.
import { describe, expect, it } from 'vitest';
import { operatorInput } from '../../controller/frame.ts';
import { LiveInputSource } from './live-input.ts';
import { recordedScenarioText } from './live-events.ts';
import { parseScenario } from '../../scenarios/loader.ts';

const q = [0, 0, 0, 1];

describe('LiveInputSource', () => {
  it('hands a sample out once, at its tick or later; nothing new is false', () => {
    const src = new LiveInputSource();
    const out = operatorInput();
    expect(src.sample(0, out)).toBe(false);
    expect(src.push([0.01, 0, 0], q, 0.5, true, 3)).toBe(3);
    expect(src.sample(2, out)).toBe(false);
    expect(src.sample(3, out)).toBe(true);
    expect(Array.from(out.p)).toEqual([0.01, 0, 0]);
    expect(out.grip).toBe(0.5);
    expect(out.clutch).toBe(true);
    expect(src.sample(4, out)).toBe(false);
  });

  it('keeps the device cadence when the loop catches up: each sample at its own tick, the latest of a tick wins', () => {
    const src = new LiveInputSource();
    const out = operatorInput();
    // Four samples 4 ms apart arrived while the loop was 15 ms late, and two for tick 12.
    for (const [x, tick] of [[1, 4], [2, 8], [3, 12], [4, 12], [5, 16]]) src.push([x / 1000, 0, 0], q, 0, false, tick);
    const got: [number, number][] = [];
    for (let tick = 1; tick <= 20; tick++) if (src.sample(tick, out)) got.push([tick, out.p[0] * 1000]);
    expect(got.map(([t, x]) => [t, Math.round(x)])).toEqual([[4, 1], [8, 2], [12, 4], [16, 5]]);
    expect(src.consumed).toBe(4);
    expect(src.received).toBe(5);
  });

  it('never reorders: a sample queued for an earlier tick than the one before it waits for that one', () => {
    const src = new LiveInputSource();
    const out = operatorInput();
    src.push([0.001, 0, 0], q, 0, false, 10);
    expect(src.push([0.002, 0, 0], q, 0, false, 5)).toBe(10);
    expect(src.sample(9, out)).toBe(false);
    expect(src.sample(10, out)).toBe(true);
    expect(out.p[0]).toBe(0.002);
  });

  it('drops the oldest samples when more wait than it holds', () => {
    const src = new LiveInputSource();
    const out = operatorInput();
    for (let i = 0; i < 1000; i++) src.push([i / 1e6, 0, 0], q, 0, false, 100 + i);
    expect(src.sample(100, out)).toBe(false); // those went
    expect(src.sample(2000, out)).toBe(true);
    expect(out.p[0]).toBe(999 / 1e6);
  });
});

describe('recordedScenarioText', () => {
  it('puts the live events first, sets the duration, keeps the scene and stays a valid scenario', () => {
    const text = `# a comment that stays
name: rec
duration: 600
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
input:
  psm1:
    script: [{ t: 0, p: [0, 0, 0] }]
events:
  - { t: 1, kind: clutch, robot: psm1, on: true }
`;
    const out = recordedScenarioText(text, [
      { t: 0.5, kind: 'enable', robot: 'psm1' },
      { t: 1, kind: 'set', robot: 'psm1', scale: 0.4 },
      { t: 1.25, kind: 'estop' },
    ], 2.5);
    expect(out).toContain('# a comment that stays');
    const s = parseScenario(out);
    expect(s.duration).toBe(2.5);
    expect(s.events.map((e) => `${e.t} ${e.kind}`)).toEqual(['0.5 enable', '1 set', '1.25 estop', '1 clutch']);
  });
});
