// The live input source: a sample is fresh at the tick its arrival maps to and only then, the latest of a tick
// wins, order is kept, and a full queue drops the oldest. The device clock: samples with device timestamps that a
// starved server read late, in a burst, keep their own ticks; a device that really stopped still leaves its gap.
import { describe, expect, it } from 'vitest';
import { operatorInput } from '../../controller/frame.ts';
import { LiveInputSource } from './live-input.ts';
import { DeviceClock, OFFSET_WINDOW_MS } from './device-clock.ts';
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

describe('DeviceClock with LiveInputSource', () => {
  /** Server clock, ms since the epoch, at tick 0; 1 ms ticks (as LiveRun.tickFor maps them). */
  const origin = 1_700_000_000_000;
  const tickFor = (at: number) => Math.floor(at - origin) + 1;
  /** The device's clock runs from its own origin. */
  const device0 = 81_234.5;

  /** Pushes samples sent at `sent` (ms after the server's tick 0) and read at `read`; returns the ticks a loop consumes them at. */
  function consumed(sent: number[], read: number[], mapped: boolean): number[] {
    const clock = new DeviceClock();
    const src = new LiveInputSource();
    const out = operatorInput();
    sent.forEach((s, i) => {
      const at = origin + read[i];
      src.push([0, 0, 0], q, 0, false, tickFor(mapped ? clock.map(device0 + s, at) : at));
    });
    const ticks: number[] = [];
    for (let tick = 0; tick <= read[read.length - 1] + 10; tick++) if (src.sample(tick, out)) ticks.push(tick);
    return ticks;
  }
  const maxGap = (ticks: number[]) => Math.max(...ticks.slice(1).map((t, i) => t - ticks[i]));

  it('spreads a burst the server read late over the ticks the samples were sent at', () => {
    // 250 Hz, 1 ms in transit; the server reads nothing from 200 ms to 320 ms, then everything at once.
    const sent = Array.from({ length: 125 }, (_, i) => 4 * i);
    const read = sent.map((s) => (s >= 200 && s < 320 ? 320.5 : s + 1));
    expect(maxGap(consumed(sent, read, false))).toBeGreaterThan(100); // by arrival: the watchdog trips
    const ticks = consumed(sent, read, true);
    expect(ticks).toHaveLength(125);
    expect(maxGap(ticks)).toBe(4); // by device time: the device's own cadence
    expect(ticks.slice(50, 53)).toEqual([202, 206, 210]);
  });

  it('keeps a gap the device really had', () => {
    // A 50 ms silence of the device, read late as well: the watchdog must still see it.
    const sent = Array.from({ length: 100 }, (_, i) => 4 * i + (i >= 50 ? 50 : 0));
    const read = sent.map((s) => (s >= 150 && s < 300 ? 300.5 : s + 1));
    const ticks = consumed(sent, read, true);
    expect(maxGap(ticks)).toBeGreaterThanOrEqual(54);
    expect(maxGap(ticks)).toBeGreaterThan(30);
  });

  it('never maps later than the arrival nor earlier than the sample before; the offset follows a longer transit', () => {
    const clock = new DeviceClock();
    expect(clock.map(1000, origin + 10)).toBe(origin + 10);
    expect(clock.map(1004, origin + 14)).toBe(origin + 14);
    expect(clock.map(1008, origin + 90)).toBe(origin + 18); // read late: when it was sent
    expect(clock.map(1001, origin + 91)).toBe(origin + 18); // ts went back: no time passes
    expect(clock.map(1012, origin + 20)).toBe(origin + 20); // quicker than ever: the arrival, the new offset
    // The transit grows by 40 ms for good: within the window samples map to their send time by the old offset,
    // after it the offset is the new one (no sample ever later than its arrival).
    let last = 0;
    for (let t = 100; t <= 100 + 2 * OFFSET_WINDOW_MS; t += 4) {
      const m = clock.map(1000 + t - 10, origin + t + 40);
      expect(m).toBeLessThanOrEqual(origin + t + 40);
      expect(m).toBeGreaterThanOrEqual(last);
      last = m;
    }
    expect(last).toBe(origin + 100 + 2 * OFFSET_WINDOW_MS + 40);
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
