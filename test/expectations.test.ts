// Expectations: metric bounds, event counts, an event inside a time window, no event of a kind, the final
// tool-tip position; and target regions with the targets_reached metric. Each passes and fails when it should,
// and says what it checked.
import { describe, expect, it } from 'vitest';
import { runTraced } from './helpers.ts';
import type { Assertion } from '../scenarios/runner.ts';

const base = (extra: string) => `name: expectations
seed: 2
duration: 2
robots:
  - { id: psm1, type: psm, rcm: [0, 0, 0.15] }
input:
  psm1:
    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 1.5, p: [0.05, 0, 0] }
events:
  - { t: 1.5, kind: estop }
${extra}`;

describe('expectations', async () => {
  // A first run tells where the tip is: on its way at 1 s, and held from the emergency stop at 1.5 s on.
  const probe = await runTraced(base(''));
  const at = (k: number) => probe.trace[k].tip.map((x) => Number(x.toFixed(6)));
  const mid = at(1000), end = at(1999);
  const far = [end[0] + 0.01, end[1], end[2]];
  const { result, trace } = await runTraced(base(`targets:
  - { id: on-the-way, position: [${mid}], radius: 0.001 }
  - { id: elsewhere, position: [${far}], radius: 0.001 }
expect:
  - { event: estop, within: [1.49, 1.51] }
  - { event: estop, within: [0.5, 1.0] }
  - { event: safe_state, robot: psm1, within: [1.4, 1.6], count_min: 1, count_max: 1 }
  - { event: watchdog, none: true }
  - { event: safe_state, none: true }
  - { final_tip: psm1, position: [${end}], tolerance_mm: 0.5 }
  - { final_tip: psm1, position: [${far}], tolerance_mm: 2 }
  - { metric: psm1.targets_reached, min: 1, max: 1 }
  - { metric: psm1.targets_reached, min: 2 }
  - { event: target_reached, within: [0.9, 1.1] }
  - { event: estop, count_min: 1, count_max: 1 }
  - { event: estop, count_min: 2 }
`));
  const a = (i: number): Assertion => result.assertions[i];

  it('an event inside a time window: passes if one occurs there, fails if not, and says what it found', () => {
    expect(a(0)).toMatchObject({ name: 'events.estop in [1.49, 1.51] s', passed: true, value: 1 });
    expect(a(0).check).toMatch(/^1 estop event in \[1\.49, 1\.51\] s \(first at 1\.5 s\), expected at least one$/);
    expect(a(1)).toMatchObject({ passed: false, value: 0 });
    expect(a(1).check).toMatch(/0 estop events in \[0\.5, 1\] s \(the nearest at 1\.5 s\)/);
    expect(a(2)).toMatchObject({ name: 'events.safe_state@psm1 in [1.4, 1.6] s', passed: true, value: 1, limit: { min: 1, max: 1 } });
  });

  it('no event of a kind: passes when there is none, fails naming the first one', () => {
    expect(a(3)).toMatchObject({ name: 'events.watchdog', passed: true, value: 0, limit: { max: 0 } });
    expect(a(4)).toMatchObject({ passed: false, value: 1 });
    expect(a(4).check).toMatch(/1 safe_state event \(first at 1\.5 s: safe state entered \(estop\).*\), expected none/);
  });

  it('the final tool-tip position within a tolerance of a target (world frame)', () => {
    expect(a(5)).toMatchObject({ name: 'final_tip.psm1', passed: true, limit: { max: 0.5 } });
    expect(a(5).value).toBeLessThan(0.05);
    expect(a(6)).toMatchObject({ passed: false });
    expect(a(6).value).toBeCloseTo(10, 0);
    expect(a(6).check).toMatch(/psm1 tool tip ends at \[.*\] m \(world\), \d+\.\d+ mm from \[.*\], expected within 2 mm/);
  });

  it('target regions: targets_reached counts the targets the tip entered, each once, with an event', () => {
    expect(result.metrics['psm1.targets_reached']).toBe(1);
    expect(a(7).passed).toBe(true);
    expect(a(8).passed).toBe(false);
    expect(a(9).passed).toBe(true);
    const reached = result.events.filter((e) => e.kind === 'target_reached');
    expect(reached).toHaveLength(1);
    expect(reached[0].detail).toMatch(/'on-the-way'/);
    // The tip was within 1 mm of the target at that tick.
    const tip = trace[reached[0].tick].tip;
    expect(Math.hypot(tip[0] - mid[0], tip[1] - mid[1], tip[2] - mid[2])).toBeLessThanOrEqual(0.001);
  });

  it('event counts and the verdict work as before', () => {
    expect(a(10)).toMatchObject({ name: 'events.estop', passed: true, check: '1 estop event, expected exactly 1' });
    expect(a(11)).toMatchObject({ passed: false, check: '1 estop event, expected ≥ 2' });
    expect(result.passed).toBe(false);
    for (const x of result.assertions) expect(x.check.length).toBeGreaterThan(10);
  });
});
