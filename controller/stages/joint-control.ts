// Stage 6 — joint control: the joint command becomes actuator commands on the hardware interface.
// The set point handed to the actuator moves at most at each joint's velocity limit per tick (a step in the
// command becomes a ramp, as a real drive makes it): the instrument's weak wrist servos given a step of a
// radian spin the roll out of control. The tracking-error monitor still compares the command itself.
// `servo`: the actuator's position servo, with gravity and velocity feed-forward.
// `pd`: PD in torque mode with gravity compensation, τ = Kp·(q* − q) + Kd·(q̇* − q̇) + g(q).
import { map, type OperatorFunction } from 'rxjs';
import type { TickFrame } from '../frame.ts';
import { MODE_EFFORT, MODE_POSITION } from '../hardware.ts';
import type { GravityCompensation } from '../kinematics/gravity.ts';

export type JointControlMode = 'servo' | 'pd';

export interface JointControlConfig {
  readonly mode: JointControlMode;
  readonly gravityCompensation: boolean;
}

export const DEFAULT_JOINT_CONTROL: JointControlConfig = { mode: 'servo', gravityCompensation: true };

export function jointControl(configs: readonly JointControlConfig[], gravity: readonly (GravityCompensation | undefined)[]): OperatorFunction<TickFrame, TickFrame> {
  /** The set point handed to the actuator last tick, per robot (from the first command on). */
  const setPoint = configs.map(() => null as Float64Array | null);
  const tauG = configs.map(() => new Float64Array(16));
  return map((frame) => {
    const robots = frame.robots;
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      const hw = rf.hw;
      const cfg = configs[i];
      const q = rf.qCommand;
      const sp = setPoint[i] ?? (setPoint[i] = Float64Array.from(q));
      const joints = hw.spec.joints;
      const g = tauG[i];
      const grav = cfg.gravityCompensation ? gravity[i] : undefined;
      if (grav) grav.compute(hw.position, g);
      const n = q.length;
      const nGrav = grav ? n : 0;
      for (let j = 0; j < n; j++) {
        const maxStep = joints[j].velocityLimit * frame.dt;
        const step = Math.min(maxStep, Math.max(-maxStep, q[j] - sp[j]));
        sp[j] += step;
        const vel = rf.safe ? 0 : step / frame.dt;
        const ff = j < nGrav ? g[j] : 0;
        if (cfg.mode === 'servo') {
          hw.mode[j] = MODE_POSITION;
          // A linear spring with its set point moved by ff/k pushes exactly ff more: gravity feed-forward.
          hw.commandPosition[j] = sp[j] + (ff !== 0 ? ff / hw.stiffness[j] : 0);
          hw.commandVelocity[j] = vel;
        } else {
          hw.mode[j] = MODE_EFFORT;
          hw.commandEffort[j] = hw.stiffness[j] * (sp[j] - hw.position[j]) + hw.damping[j] * (vel - hw.velocity[j]) + ff;
        }
      }
    }
    return frame;
  });
}
