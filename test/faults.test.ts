// Faults on the timeline: input latency, packet loss, encoder noise, a seized joint, parameter changes, NaN input.
// Each is measured on what the arm does, and each is an event in the log.
import { describe, expect, it } from 'vitest';
import { runTraced, type TickTrace } from './helpers.ts';
import type { SimEvent } from '../controller/events.ts';

/** One PSM; the hand holds still, then strokes +x by `stroke` m between `from` and `to` s. */
function scenario(o: { duration?: number; events?: string; controller?: string; tremor?: string; stroke?: [number, number]; seed?: number }): string {
  const [from, to] = o.stroke ?? [1, 2];
  return `name: faults
seed: ${o.seed ?? 4}
duration: ${o.duration ?? 3}
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
controller:
  psm1: ${o.controller ?? '{ scale: 0.2 }'}
input:
  psm1:
    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: ${from}, p: [0, 0, 0] }
      - { t: ${to}, p: [0.04, 0, 0] }
${o.tremor ? `    tremor: ${o.tremor}\n` : ''}events:
${o.events ?? '  []'}
`;
}

/** The shift (ticks) of b's tip x that best matches a's over [from, to). */
function lagTicks(a: readonly TickTrace[], b: readonly TickTrace[], from: number, to: number, maxLag = 80): number {
  let best = 0, bestErr = Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let e = 0;
    for (let k = from; k < to; k++) e += (b[k].tip[0] - a[k - lag].tip[0]) ** 2;
    if (e < bestErr) { bestErr = e; best = lag; }
  }
  return best;
}

function kinds(events: readonly SimEvent[]): string[] {
  return events.map((e) => e.kind);
}

describe('input latency', () => {
  it('delays the tool tip by the set delay, and says so in the log', async () => {
    const clean = await runTraced(scenario({}));
    const late = await runTraced(scenario({ events: '  - { t: 0.5, kind: input_latency, robot: psm1, duration: 2.5, delay_ms: 20 }' }));
    expect(lagTicks(clean.trace, late.trace, 1000, 2900)).toBe(20);
    const e = late.result.events.find((x) => x.kind === 'input_latency')!;
    expect(e).toMatchObject({ tick: 500, robot: 'psm1', value: 0.02 });
    expect(e.detail).toMatch(/20 ms late .*\(injected\)/);
    // 20 ms without a sample when it starts is inside the 30 ms watchdog.
    expect(kinds(late.result.events)).not.toContain('watchdog');
  });

  it('with jitter: samples arrive in order (never an older one after a newer), late by delay … delay + jitter', async () => {
    const { trace, result } = await runTraced(scenario({ events: '  - { t: 0.5, kind: input_latency, robot: psm1, duration: 2.5, delay_ms: 10, jitter_ms: 10 }' }));
    const script = await runTraced(scenario({}));
    let lagMin = Infinity, lagMax = 0;
    for (let k = 1100; k < 1900; k++) {
      expect(trace[k].hand[0]).toBeGreaterThanOrEqual(trace[k - 1].hand[0]); // the stroke is monotonic in x
      if (!trace[k].fresh) continue;
      // Which tick's sample is this? The script's hand is strictly increasing in the stroke.
      let g = k;
      while (g > 0 && script.trace[g].hand[0] > trace[k].hand[0]) g--;
      lagMin = Math.min(lagMin, k - g);
      lagMax = Math.max(lagMax, k - g);
    }
    expect(lagMin).toBeGreaterThanOrEqual(10);
    expect(lagMax).toBeLessThanOrEqual(20);
    expect(lagMax).toBeGreaterThan(lagMin);
    expect(kinds(result.events)).not.toContain('watchdog');
  });

  it('a delay over the 30 ms watchdog trips it when the latency starts', async () => {
    const { result } = await runTraced(scenario({ duration: 1, events: '  - { t: 0.5, kind: input_latency, robot: psm1, duration: 0.5, delay_ms: 50 }' }));
    const wd = result.events.find((x) => x.kind === 'watchdog')!;
    expect(wd.tick).toBe(499 + 31);
  });
});

describe('packet loss', () => {
  it('drops about the given fraction of samples; at a high rate the watchdog fires', async () => {
    const { trace, result } = await runTraced(scenario({ duration: 2, events: '  - { t: 0.5, kind: packet_loss, robot: psm1, duration: 1, probability: 0.3 }' }));
    let lost = 0;
    for (let k = 500; k < 1500; k++) if (!trace[k].fresh) lost++;
    // Binomial, n = 1000, p = 0.3: σ ≈ 0.0145.
    expect(lost / 1000).toBeGreaterThan(0.25);
    expect(lost / 1000).toBeLessThan(0.35);
    for (let k = 0; k < 500; k++) expect(trace[k].fresh).toBe(true);
    for (let k = 1500; k < 2000; k++) expect(trace[k].fresh).toBe(true);
    expect(result.events.find((x) => x.kind === 'packet_loss')).toMatchObject({ tick: 500, value: 0.3 });
    expect(kinds(result.events)).not.toContain('watchdog');

    const heavy = await runTraced(scenario({ duration: 1.5, events: '  - { t: 0.5, kind: packet_loss, robot: psm1, duration: 1, probability: 0.97 }' }));
    const wd = heavy.result.events.find((x) => x.kind === 'watchdog');
    expect(wd).toBeDefined();
    expect(wd!.tick).toBeGreaterThan(500);
    expect(heavy.trace.at(-1)!.safe).toBe(true);
  });
});

describe('sensor noise', () => {
  const noisy = scenario({ duration: 1.5, events: '  - { t: 0.5, kind: sensor_noise, robot: psm1, sigma: 0.0002 }' });

  it('perturbs the measured joint positions by about sigma, not the physics; the run stays deterministic', async () => {
    const clean = await runTraced(scenario({ duration: 1.5 }));
    const a = await runTraced(noisy);
    const b = await runTraced(noisy);
    expect(a.result.final_state_hash).toBe(b.result.final_state_hash);
    expect(a.result.hashes).toEqual(b.result.hashes);
    expect(a.result.final_state_hash).not.toBe(clean.result.final_state_hash);
    // Before the noise: identical. During: the measured outer_yaw differs from the clean run by about sigma,
    // while the tool tip (from the bodies) stays within a few µm of the clean run.
    expect(a.trace[499].position).toEqual(clean.trace[499].position);
    let sq = 0, tip = 0;
    for (let k = 600; k < 1500; k++) {
      sq += (a.trace[k].position[0] - clean.trace[k].position[0]) ** 2;
      const p = a.trace[k].tip, q = clean.trace[k].tip;
      tip = Math.max(tip, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]));
    }
    const rms = Math.sqrt(sq / 900);
    expect(rms).toBeGreaterThan(0.00015);
    expect(rms).toBeLessThan(0.00025);
    expect(tip).toBeLessThan(5e-5);
    expect(a.result.events.find((x) => x.kind === 'sensor_noise')).toMatchObject({ tick: 500, value: 0.0002 });
  });

  it('another seed gives other noise', async () => {
    const a = await runTraced(noisy);
    const c = await runTraced(noisy.replace('seed: 4', 'seed: 5'));
    expect(c.result.final_state_hash).not.toBe(a.result.final_state_hash);
  });
});

describe('motor faults', () => {
  it('a locked joint does not move whatever is commanded', async () => {
    const { trace, result } = await runTraced(scenario({ duration: 2.5, stroke: [1, 2], events: '  - { t: 0.8, kind: motor_fault, robot: psm1, joint: outer_yaw, mode: locked }' }));
    const held = trace[800].position[0];
    let moved = 0;
    for (let k = 800; k < trace.length; k++) moved = Math.max(moved, Math.abs(trace[k].position[0] - held));
    expect(moved).toBeLessThan(1e-5);
    // The command did ask it to move (the stroke turns the yaw by about 4°).
    expect(Math.abs(trace.at(-1)!.qCommand[0] - held)).toBeGreaterThan(0.05);
    // The other joints still follow.
    expect(Math.abs(trace.at(-1)!.position[1] - trace[800].position[1]) + Math.abs(trace.at(-1)!.position[2] - trace[800].position[2])).toBeGreaterThan(1e-4);
    const e = result.events.find((x) => x.kind === 'motor_fault')!;
    expect(e.tick).toBe(800);
    expect(e.detail).toMatch(/outer_yaw seized.*\(injected\)/);
  });
});

describe('set: controller parameters on the timeline', () => {
  it('a new scale changes the tip excursion from then on, without a jump', async () => {
    const text = (events: string) => `name: set
seed: 1
duration: 3
robots: [{ id: psm1, type: psm, rcm: [0, 0, 0.15] }]
controller: { psm1: { scale: 0.2 } }
input:
  psm1:
    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 0.3, p: [0, 0, 0] }
      - { t: 1.3, p: [0.04, 0, 0] }
      - { t: 1.7, p: [0.04, 0, 0] }
      - { t: 2.7, p: [0.08, 0, 0] }
events:
${events}
`;
    const { trace, result } = await runTraced(text('  - { t: 1.5, kind: set, robot: psm1, scale: 0.5 }'));
    const dx = (a: number, b: number) => trace[b].tip[0] - trace[a].tip[0];
    const first = dx(300, 1450), second = dx(1650, 2999);
    expect(first).toBeCloseTo(0.2 * 0.04, 4);
    expect(second).toBeCloseTo(0.5 * 0.04, 4);
    expect(second / first).toBeCloseTo(2.5, 1);
    expect(Math.abs(dx(1499, 1501))).toBeLessThan(1e-6);
    expect(result.events.find((x) => x.kind === 'set')).toMatchObject({ tick: 1500, robot: 'psm1', value: 0.5, detail: 'set scale 0.5' });
  });

  it('a new tremor filter takes effect at once (tremor at the tip drops) without a jump', async () => {
    const { trace, result } = await runTraced(scenario({
      duration: 2, stroke: [5, 6], tremor: '{ frequency_hz: 9, amplitude_mm: 0.3 }',
      controller: '{ scale: 0.2, tremor_filter: { type: none } }',
      events: '  - { t: 1, kind: set, robot: psm1, tremor_filter: { type: lowpass, cutoff_hz: 2, order: 2 } }',
    }));
    const span = (a: number, b: number) => {
      let lo = Infinity, hi = -Infinity;
      for (let k = a; k < b; k++) { lo = Math.min(lo, trace[k].tip[0]); hi = Math.max(hi, trace[k].tip[0]); }
      return hi - lo;
    };
    const before = span(500, 1000), after = span(1500, 2000);
    expect(before).toBeGreaterThan(0.2 * 2 * 0.0003 * 0.8); // tremor through at scale 0.2: ~0.12 mm peak to peak
    expect(after).toBeLessThan(before / 5);
    expect(Math.abs(trace[1000].tip[0] - trace[999].tip[0])).toBeLessThan(2e-5);
    expect(result.events.find((x) => x.kind === 'set')!.detail).toMatch(/tremor filter: Butterworth low-pass, order 2, cutoff 2 Hz/);
  });
});

describe('NaN input', () => {
  it('is an injected event, then rejected at the latch', async () => {
    const { result } = await runTraced(scenario({ duration: 0.6, events: '  - { t: 0.4, kind: nan_input, robot: psm1 }' }));
    const at = result.events.filter((x) => x.tick === 400).map((x) => x.kind);
    expect(at).toEqual(['nan_input', 'non_finite', 'safe_state']);
  });
});

describe('determinism with faults', () => {
  it('jittered latency, packet loss and sensor noise: the same seed gives the same hash, another seed another', async () => {
    const text = (seed: number) => scenario({
      seed, duration: 1.5,
      events: [
        '  - { t: 0.2, kind: input_latency, robot: psm1, duration: 1, delay_ms: 5, jitter_ms: 10 }',
        '  - { t: 0.3, kind: packet_loss, robot: psm1, duration: 1, probability: 0.2 }',
        '  - { t: 0.4, kind: sensor_noise, robot: psm1, duration: 0.5, sigma: 0.0001, joint: outer_pitch }',
      ].join('\n'),
    });
    const a = await runTraced(text(9));
    const b = await runTraced(text(9));
    const c = await runTraced(text(10));
    expect(b.result.final_state_hash).toBe(a.result.final_state_hash);
    expect(b.result.hashes).toEqual(a.result.hashes);
    expect(c.result.final_state_hash).not.toBe(a.result.final_state_hash);
    expect(kinds(a.result.events)).toEqual(expect.arrayContaining(['input_latency', 'packet_loss', 'sensor_noise']));
  });
});
