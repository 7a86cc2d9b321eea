// The PSM in the physics engine agrees with its DH kinematics: joint readings, tool tip at rest,
// and the shaft through the RCM while following.
import { describe, expect, it } from 'vitest';
import { loadRapier } from '../sim/rapier.ts';
import { SimWorld } from '../sim/world.ts';
import { PSM_SPEC } from '../sim/robots/psm.ts';
import { mat4, mat4Mul } from '../sim/math/mat4.ts';
import { createPsmKinematics } from '../controller/kinematics/psm-kinematics.ts';
import { GravityCompensation } from '../controller/kinematics/gravity.ts';
import { runTraced, scenarioText } from './helpers.ts';

const deg = Math.PI / 180;
const POSES = [
  [0, 0, 0.12, 0, 0, 0, 0.3],
  [20 * deg, -15 * deg, 0.1, 40 * deg, 30 * deg, -25 * deg, 0.5],
  [-45 * deg, 30 * deg, 0.18, -120 * deg, -60 * deg, 50 * deg, 0.1],
  [60 * deg, 45 * deg, 0.06, 200 * deg, 10 * deg, 70 * deg, 1.0],
];

describe('PSM in Rapier', () => {
  it('reads back the joint positions it was placed at, and holds them at rest within 0.5 mm at the tip', async () => {
    const R = await loadRapier();
    const chain = createPsmKinematics();
    for (const q0 of POSES) {
      const world = new SimWorld(R);
      const robot = world.addRobot('psm1', PSM_SPEC, { p: [0.1, -0.05, 0.2], q: [0, 0, 0, 1] }, q0);
      world.step();
      for (let j = 0; j < q0.length; j++) expect(robot.position[j]).toBeCloseTo(q0[j], 3);
      // Hold the pose with the servo and gravity compensation for 0.5 s.
      const gravity = new GravityCompensation(PSM_SPEC, createPsmKinematics(), [0, 0, -9.81]);
      const g = new Float64Array(8);
      for (let k = 0; k < 500; k++) {
        gravity.compute(robot.position, g);
        for (let j = 0; j < 6; j++) robot.commandPosition[j] = q0[j] + g[j] / robot.stiffness[j];
        world.step();
      }
      // Tool tip from the bodies vs the FK of the measured joints (both in the world).
      const tip = robot.tipPose(mat4());
      const fk = mat4Mul(mat4(), robot.base, chain.fk(robot.position, mat4()));
      const err = Math.hypot(tip[3] - fk[3], tip[7] - fk[7], tip[11] - fk[11]);
      expect(err).toBeLessThan(0.0005);
      // And the arm stayed where it was put (gravity compensated): within 0.5 mm of the FK of q0.
      const fk0 = mat4Mul(mat4(), robot.base, chain.fk(q0, mat4()));
      expect(Math.hypot(tip[3] - fk0[3], tip[7] - fk0[7], tip[11] - fk0[11])).toBeLessThan(0.0005);
      world.free();
    }
  });

  it('keeps the shaft within 0.5 mm of the RCM and tracks the commanded tip while following', async () => {
    const { result } = await runTraced(scenarioText({
      duration: 4,
      input: `    script:
      - { t: 0, p: [0, 0, 0] }
      - { t: 1.5, p: [0.08, -0.05, -0.06], rpy_deg: [20, -15, 30] }
      - { t: 3, p: [-0.06, 0.07, 0.03] }`,
    }));
    expect(result.metrics['psm1.rcm_error_max_mm']).toBeLessThan(0.5);
    expect(result.metrics['psm1.tip_tracking_rmse_mm']).toBeLessThan(0.5);
    expect(result.metrics['psm1.path_length_mm']).toBeGreaterThan(0.2 * (Math.hypot(0.08, 0.05, 0.06) + Math.hypot(0.14, 0.12, 0.09)) * 1000 * 0.95);
    expect(result.events.filter((e) => e.kind === 'safe_state')).toEqual([]);
  });
});
