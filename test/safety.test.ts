// Faults reach the safe state within one tick of detection: watchdog, emergency stop, non-finite input,
// tracking error. The safe state holds the arm and drops teleoperation to DISABLED.
import { describe, expect, it } from 'vitest';
import { runTraced, scenarioText, type TickTrace } from './helpers.ts';
import type { SimEvent } from '../controller/events.ts';

function first(events: readonly SimEvent[], kind: string): SimEvent {
  const e = events.find((x) => x.kind === kind);
  expect(e, `an event of kind ${kind}`).toBeDefined();
  return e!;
}

/** From `tick` on, the command is the hold: constant, and the arm is in the safe state. */
function expectHeldFrom(trace: readonly TickTrace[], tick: number, until: number): void {
  const held = trace[tick].qCommand;
  for (let k = tick; k < until; k++) {
    expect(trace[k].safe).toBe(true);
    expect(trace[k].teleop).toBe('DISABLED');
    expect(trace[k].qCommand).toEqual(held);
  }
}

describe('safe state', () => {
  it('watchdog: input older than 30 ms holds the arm within one tick', async () => {
    const { result, trace } = await runTraced(scenarioText({
      duration: 1.5,
      events: '  - { t: 0.5, kind: input_dropout, robot: psm1, duration: 0.2 }',
    }));
    const wd = first(result.events, 'watchdog');
    // Last sample at tick 499; stale once older than 30 ticks.
    expect(wd.tick).toBe(499 + 31);
    const safe = first(result.events, 'safe_state');
    expect(safe.tick).toBe(wd.tick);
    expect(trace[wd.tick - 1].safe).toBe(false);
    expectHeldFrom(trace, wd.tick, trace.length);
    // No re-enable in this scenario: it stays safe after input returns.
    expect(trace.at(-1)!.safe).toBe(true);
  });

  it('emergency stop: safe at the tick it is pressed, and re-enable needs a reset', async () => {
    const { result, trace } = await runTraced(scenarioText({
      duration: 2,
      events: [
        '  - { t: 0.5, kind: estop }',
        '  - { t: 0.8, kind: enable, robot: psm1 }',
        '  - { t: 1.2, kind: reset }',
        '  - { t: 1.3, kind: enable, robot: psm1 }',
      ].join('\n'),
    }));
    const es = first(result.events, 'estop');
    expect(es.tick).toBe(500);
    expect(first(result.events, 'safe_state').tick).toBe(500);
    expectHeldFrom(trace, 500, 1300);
    const enables = result.events.filter((e) => e.kind === 'enable');
    expect(enables.map((e) => e.detail)).toEqual([
      'teleoperation enabled', 'refused: emergency stop active, reset first', 'teleoperation enabled',
    ]);
    // Following again after the reset and re-enable.
    expect(trace[1400].safe).toBe(false);
    expect(trace[1400].teleop).toBe('ENABLED');
    expect(trace[1999].qCommand).not.toEqual(trace[1400].qCommand);
  });

  it('non-finite input: rejected at the latch, an event, the safe state that same tick', async () => {
    const { result, trace } = await runTraced(scenarioText({
      duration: 1,
      events: '  - { t: 0.4, kind: nan_input, robot: psm1 }',
    }));
    const nf = first(result.events, 'non_finite');
    expect(nf.tick).toBe(400);
    expect(nf.detail).toMatch(/non-finite position/);
    expect(first(result.events, 'safe_state').tick).toBe(400);
    expectHeldFrom(trace, 400, trace.length);
    for (const t of trace) for (const v of t.qCommand) expect(Number.isFinite(v)).toBe(true);
  });

  it('tracking error: a dead insertion motor lets the instrument sag; the fault holds the arm the next tick', async () => {
    const { result, trace } = await runTraced(scenarioText({
      duration: 1.5,
      input: `    script:
      - { t: 0, p: [0, 0, 0] }`,
      events: '  - { t: 0.3, kind: motor_fault, robot: psm1, joint: outer_insertion, effort_scale: 0 }',
    }));
    const te = first(result.events, 'tracking_error');
    expect(te.tick).toBeGreaterThan(300);
    expect(te.value!).toBeGreaterThan(0.02); // insertion limit 20 mm
    const safe = first(result.events, 'safe_state');
    expect(safe.tick).toBe(te.tick);
    expectHeldFrom(trace, te.tick, trace.length);
    // The hold is where the arm was when the fault was detected (the command is unreachable).
    expect(trace[te.tick].qCommand[2]).toBeCloseTo(trace[te.tick].position[2], 9);
  });
});

describe('a step in the joint command', () => {
  // A wrist flick (the hand turned 150–170° within a millisecond) makes the IK step the wrist joints by up to a
  // radian in one tick. The tracking-error monitor faults, and the arm must come to rest where it is: the
  // instrument's servos, handed such a step, used to spin the roll out of control (tens of turns) and fling
  // the wrist past its range. Joint control now moves each servo's set point at most at its velocity limit.
  for (const rpy of [[0, 0, 170], [150, 0, 0], [0, 160, 40]]) {
    it(`a flick of the hand by rpy ${rpy.join('/')}° faults and leaves the arm at rest within its joint limits`, async () => {
      const { result, trace } = await runTraced(scenarioText({
        duration: 1.5,
        controller: '{ scale: 0.2, tremor_filter: { type: none } }',
        input: `    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 0.5, p: [0, 0, 0] }
      - { t: 0.501, p: [0, 0, 0], rpy_deg: [${rpy.join(', ')}] }`,
      }));
      const { PSM_SPEC } = await import('../sim/robots/psm.ts');
      const joints = PSM_SPEC.joints;
      // The servo set point never moves faster than the joint's velocity limit (gravity feed-forward aside, which
      // is smooth: allow 1 %).
      for (let k = 1; k < trace.length; k++) {
        for (let j = 3; j < joints.length; j++) {
          expect(Math.abs(trace[k].commandPosition[j] - trace[k - 1].commandPosition[j])).toBeLessThanOrEqual(joints[j].velocityLimit * 0.001 * 1.01 + 1e-9);
        }
      }
      first(result.events, 'tracking_error');
      const last = trace.slice(-300);
      for (let j = 0; j < joints.length; j++) {
        const lo = joints[j].lower - 0.05, hi = joints[j].upper + 0.05;
        for (const t of last) {
          expect(t.position[j], `${joints[j].name} at tick ${t.tick}`).toBeGreaterThan(lo);
          expect(t.position[j], `${joints[j].name} at tick ${t.tick}`).toBeLessThan(hi);
        }
        // At rest: the last 0.3 s moved the joint by under a degree (or a millimetre).
        expect(Math.abs(last[last.length - 1].position[j] - last[0].position[j]), joints[j].name).toBeLessThan(0.017);
      }
    });
  }
});
