// Grasping by contact and friction: psm1 lifts a free peg off the phantom, hands it to psm2, which holds it;
// the same run twice gives the same state hash; pressing on the phantom reads the force the servo pushes with.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { map } from 'rxjs';
import { loadScenarioFile, parseScenario } from '../scenarios/loader.ts';
import { prepareRun, runScenario, runTicks, type RunResult } from '../scenarios/runner.ts';
import type { Scenario } from '../scenarios/schema.ts';
import type { SimRobot } from '../sim/robot.ts';
import { mat4 } from '../sim/math/mat4.ts';

const HANDOVER = 'scenarios/bimanual-peg-handover.yaml';
/** Where a peg sits between the fingers: this far along the jaws from the tool tip (the jaw pivot), m. */
const GRASP_DEPTH = 0.0075;
const PEG_HALF_HEIGHT = 0.01;

interface Sample {
  readonly t: number;
  /** Peg centre, world m. */
  readonly peg: [number, number, number];
  /** Distance of each robot's grasp point (between its fingers) from the peg's axis, m; NaN if beyond its ends. */
  readonly axisDistance: [number, number];
}

/** The point between the fingers, GRASP_DEPTH along the jaws from the tool tip (world). */
function graspPoint(robot: SimRobot, m: Float64Array): [number, number, number] {
  const tip = robot.tipPose(m);
  return [tip[3] + GRASP_DEPTH * tip[2], tip[7] + GRASP_DEPTH * tip[6], tip[11] + GRASP_DEPTH * tip[10]];
}

async function runHandover(s: Scenario): Promise<{ result: RunResult; samples: Sample[] }> {
  const samples: Sample[] = [];
  const m = mat4();
  const run = await prepareRun(s, {
    taps: [map((f) => {
      if ((f.tick + 1) % 50 !== 0) return f;
      const peg = run.world.objects.find((o) => o.spec.id === 'peg')!.body;
      const c = peg.translation(), q = peg.rotation();
      // The peg's axis (its z) in the world.
      const ax = 2 * (q.x * q.z + q.w * q.y), ay = 2 * (q.y * q.z - q.w * q.x), az = 1 - 2 * (q.x * q.x + q.y * q.y);
      const axisDistance = run.world.robots.map((r) => {
        const g = graspPoint(r, m);
        const dx = g[0] - c.x, dy = g[1] - c.y, dz = g[2] - c.z;
        const along = dx * ax + dy * ay + dz * az;
        if (Math.abs(along) > PEG_HALF_HEIGHT) return Number.NaN;
        return Math.sqrt(Math.max(0, dx * dx + dy * dy + dz * dz - along * along));
      }) as [number, number];
      samples.push({ t: (f.tick + 1) * f.dt, peg: [c.x, c.y, c.z], axisDistance });
      return f;
    })],
  });
  try {
    runTicks(run);
    return { result: run.finish(0), samples };
  } finally {
    run.world.free();
  }
}

const at = (samples: Sample[], t: number): Sample => samples.reduce((a, b) => (Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a));

describe('grasping a peg', () => {
  it('psm1 lifts the peg off the phantom, hands it over, and psm2 holds it; the run is deterministic', async () => {
    const { scenario } = loadScenarioFile(HANDOVER);
    const { result, samples } = await runHandover(scenario);
    expect(result.events.filter((e) => e.kind === 'safe_state')).toEqual([]);
    expect(result.assertions.filter((a) => !a.passed)).toEqual([]);
    const rest = scenario.objects.find((o) => o.id === 'peg')!.position[2];

    // Lifted and carried by psm1 alone: before psm2 closes (3.0 s) the peg is 10+ mm above where it stood,
    // its axis within a millimetre of the point between psm1's fingers, and psm2's fingers are not on it.
    for (const t of [2.3, 2.6, 3.0]) {
      const s = at(samples, t);
      expect(s.peg[2] - rest).toBeGreaterThan(0.01);
      expect(s.axisDistance[0]).toBeLessThan(0.001);
    }
    const away = (d: number) => Number.isNaN(d) || d > 0.01;
    expect(away(at(samples, 2.3).axisDistance[1])).toBe(true); // psm2 has only started towards it

    // Both hold it for a moment, then psm1 lets go and backs away: from 4.2 s on, the peg is in the air, in
    // psm2's fingers and far from psm1's; psm2 carries it 8 mm towards itself.
    for (const s of samples.filter((x) => x.t >= 4.6)) {
      expect(s.peg[2] - rest).toBeGreaterThan(0.01);
      expect(s.axisDistance[1]).toBeLessThan(0.001);
      expect(away(s.axisDistance[0])).toBe(true);
    }
    const end = samples[samples.length - 1];
    expect(end.peg[1]).toBeGreaterThan(0.006);
    expect(end.peg[2] - rest).toBeGreaterThan(0.015);

    // The same scenario again: the same state, bit for bit.
    const again = await runScenario(scenario);
    expect(again.final_state_hash).toBe(result.final_state_hash);
    expect(again.hashes).toEqual(result.hashes);
  });

  it('checks object metric names as it checks robot metric names', () => {
    const text = readFileSync(HANDOVER, 'utf8');
    const withMetric = (name: string) => text.replace('metric: peg.max_lift_mm', `metric: ${name}`);
    expect(() => parseScenario(withMetric('peg.max_lift_mm'))).not.toThrow();
    expect(() => parseScenario(withMetric('peg.lift_mm'))).toThrow(/unknown metric 'lift_mm'; expected one of final_x_mm, .*max_lift_mm/);
    expect(() => parseScenario(withMetric('pen.max_lift_mm'))).toThrow(/no robot or object 'pen'/);
  });

  it('pressing on the phantom reads the force the insertion servo pushes with, within the scenario band', async () => {
    const s = parseScenario(readFileSync('scenarios/phantom-press.yaml', 'utf8'));
    let held = { force: 0, push: 0 };
    const run = await prepareRun(s, {
      taps: [map((f) => {
        if (f.tick + 1 === run.ticks) {
          const r = run.world.robots[0], rf = f.robots[0];
          const k = r.spec.joints[2].servo.stiffness;
          // Gravity is fed forward on top of the servo's set point, so the insertion lag behind the IK command
          // is the push on the phantom alone: F = k · (q* − q).
          held = { force: r.contactForce, push: k * (rf.qCommand[2] - r.position[2]) };
        }
        return f;
      })],
    });
    let result: RunResult;
    try {
      runTicks(run);
      result = run.finish(0);
    } finally {
      run.world.free();
    }
    expect(result.passed).toBe(true);
    const max = result.metrics['psm1.max_tip_force_n'];
    expect(max).toBeGreaterThanOrEqual(0.5);
    expect(max).toBeLessThanOrEqual(2);
    expect(held.push).toBeGreaterThan(0.3);
    expect(Math.abs(held.force - held.push)).toBeLessThan(0.05 * held.push);
  });
});
