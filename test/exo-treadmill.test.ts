// The treadmill has no end: a walk far longer than the belt (a live session runs until it is stopped) goes on,
// because the trainer frame and the patient move back along the static belt.
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../controller/clock.ts';
import { loadScenarioVariants } from '../scenarios/loader.ts';
import { prepareRun } from '../scenarios/runner.ts';
import { BELT_AHEAD_M, SimExo } from '../sim/exo/sim-exo.ts';

describe('exoskeleton treadmill', () => {
  it('keeps a healthy walk going at a steady height on a belt shorter than the walk', async () => {
    const { scenario } = loadScenarioVariants('scenarios/exo-healthy-position.yaml')[0];
    const run = await prepareRun(scenario);
    const exo = run.world.mechanisms.find((m): m is SimExo => m instanceof SimExo)!;
    const ticks = Math.round(75 / run.frame.dt); // 75 s: about 75 m of belt travel
    expect(BELT_AHEAD_M).toBeLessThan(40);
    let failure: unknown;
    const sub = virtualClock(run.frame, ticks, 0).pipe(run.loop).subscribe({ error: (e: unknown) => { failure = e; } });
    sub.unsubscribe();
    expect(failure).toBeUndefined();
    expect(exo.beltTravel).toBeGreaterThan(BELT_AHEAD_M + 20);
    expect(run.log.events.filter((e) => e.kind === 'safe_state')).toEqual([]);
    // Still upright and walking: the pelvis near its height on the guide, the legs moving.
    expect(exo.pelvisZ).toBeGreaterThan(0.8);
    // Both feet still land on the belt (off its end the legs would swing in the air, the harness holding the pelvis).
    const knee: number[] = [];
    let lowest = Infinity;
    const more = virtualClock(run.frame, 1200, ticks).pipe(run.loop).subscribe({
      next: () => { knee.push(exo.limbQ[1]); lowest = Math.min(lowest, exo.footHeight[0], exo.footHeight[1]); },
    });
    more.unsubscribe();
    // On the belt the soles read at most ~6 mm under its surface (contact and the kinematic estimate); off its end,
    // the legs hang 3 cm and more below it.
    expect(lowest).toBeGreaterThan(-0.015);
    expect(Math.max(...knee) - Math.min(...knee)).toBeGreaterThan(0.8); // > 45° of knee swing in 1.2 s
    run.world.free();
  }, 120_000);
});
