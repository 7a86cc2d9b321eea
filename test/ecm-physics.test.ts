// The ECM in the physics engine agrees with its DH kinematics, and the camera holds its pose: placed at a pose
// and servoed there with gravity compensation, the camera (the endoscope tip) stays within 0.5 mm of the
// forward kinematics; in a scenario with no input it holds the scenario's joints, teleoperation off, no fault.
import { describe, expect, it } from 'vitest';
import { loadRapier } from '../sim/rapier.ts';
import { SimWorld } from '../sim/world.ts';
import { ECM_SPEC } from '../sim/robots/ecm.ts';
import { mat4, mat4Mul } from '../sim/math/mat4.ts';
import { createEcmKinematics } from '../controller/kinematics/ecm-kinematics.ts';
import { GravityCompensation } from '../controller/kinematics/gravity.ts';
import { runTraced } from './helpers.ts';
import { parseScenario } from '../scenarios/loader.ts';

const deg = Math.PI / 180;
const POSES = [
  [0, 0, 0.06, 0],
  [20 * deg, -25 * deg, 0.1, 30 * deg],
  [-60 * deg, 40 * deg, 0.2, -80 * deg],
  [85 * deg, 60 * deg, 0.02, 10 * deg],
];

describe('ECM in Rapier', () => {
  it('reads back the joints it was placed at, and the camera holds its pose at rest within 0.5 mm of the FK', async () => {
    const R = await loadRapier();
    const chain = createEcmKinematics();
    for (const q0 of POSES) {
      const world = new SimWorld(R);
      const robot = world.addRobot('ecm', ECM_SPEC, { p: [0, -0.07, 0.18], q: [0, 0, 0, 1] }, q0);
      world.step();
      for (let j = 0; j < q0.length; j++) expect(robot.position[j]).toBeCloseTo(q0[j], 3);
      const gravity = new GravityCompensation(ECM_SPEC, createEcmKinematics(), [0, 0, -9.81]);
      const g = new Float64Array(4);
      for (let k = 0; k < 1000; k++) {
        gravity.compute(robot.position, g);
        for (let j = 0; j < 4; j++) robot.commandPosition[j] = q0[j] + g[j] / robot.stiffness[j];
        world.step();
      }
      const cam = robot.tipPose(mat4());
      const fk = mat4Mul(mat4(), robot.base, chain.fk(robot.position, mat4()));
      expect(Math.hypot(cam[3] - fk[3], cam[7] - fk[7], cam[11] - fk[11])).toBeLessThan(0.0005);
      const fk0 = mat4Mul(mat4(), robot.base, chain.fk(q0, mat4()));
      expect(Math.hypot(cam[3] - fk0[3], cam[7] - fk0[7], cam[11] - fk0[11])).toBeLessThan(0.0005);
      // The optical axis too: within 0.1° of the FK's.
      const dot = cam[2] * fk0[2] + cam[6] * fk0[6] + cam[10] * fk0[10];
      expect(Math.acos(Math.min(1, dot))).toBeLessThan(0.1 * deg);
      world.free();
    }
  });

  it('in a scenario without input it holds the scenario joints: teleoperation off, no watchdog, no fault', async () => {
    const q0 = [10 * deg, -20 * deg, 0.07, 5 * deg];
    const { result, trace } = await runTraced(`name: ecm-hold
duration: 2
robots:
  - { id: ecm, type: ecm, rcm: [0, -0.07, 0.18], joints: [${q0.join(', ')}] }
expect:
  - { metric: ecm.rcm_error_max_mm, max: 0.5 }
`);
    expect(result.events).toEqual([]);
    const last = trace[trace.length - 1];
    expect(last.teleop).toBe('DISABLED');
    expect(last.safe).toBe(false);
    for (let j = 0; j < 4; j++) expect(Math.abs(last.position[j] - q0[j])).toBeLessThan(j === 2 ? 1e-4 : 0.05 * deg);
    const fk = createEcmKinematics().fk(q0, mat4());
    const want = [fk[3], fk[7] - 0.07, fk[11] + 0.18];
    expect(Math.hypot(last.tip[0] - want[0], last.tip[1] - want[1], last.tip[2] - want[2])).toBeLessThan(0.0005);
    expect(result.passed).toBe(true);
  });

  it('is a scenario robot type of its own: no operator input, no teleoperation events', () => {
    const base = 'name: e\nduration: 1\nrobots:\n  - { id: ecm, type: ecm, rcm: [0, 0, 0.2] }\n';
    expect(parseScenario(base).robots[0].type).toBe('ecm');
    expect(() => parseScenario(`${base}  - { id: ecm2, type: ecm, rcm: [0, 0, 0.2], joints: [0, 0, 0.1] }\n`)).toThrow(/expected 4 joint values \(yaw, pitch, insertion, roll\)/);
    expect(() => parseScenario(`${base}input:\n  ecm: { script: [{ t: 0, p: [0, 0, 0] }] }\n`)).toThrow(/ECM: it takes no operator input/);
    expect(() => parseScenario(`${base}events:\n  - { t: 0.5, kind: enable, robot: ecm }\n`)).toThrow(/ECM: it is not teleoperated/);
    expect(parseScenario(`${base}events:\n  - { t: 0.5, kind: motor_fault, robot: ecm, joint: pitch, effort_scale: 0.5 }\n`).events).toHaveLength(1);
  });
});
