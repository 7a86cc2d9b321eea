// Stage 6 — joint control: the joint command becomes actuator commands on the hardware interface.
// The set point handed to the actuator moves at most at each joint's velocity limit per tick (a step in the
// command becomes a ramp, as a real drive makes it): the instrument's weak wrist servos given a step of a
// radian spin the roll out of control. The tracking-error monitor still compares the command itself.
// `servo`: the actuator's position servo, with gravity and velocity feed-forward.
// `pd`: PD in torque mode with gravity compensation, τ = Kp·(q_s − q) + Kd·(q̇_s − q̇) + g(q_s), q_s the set point.
// Gravity is compensated at the set point, like the velocity feed-forward (PD with desired gravity compensation;
// Kelly 1997, stable for gains above the gravity's stiffness, which the dVRK's are by far): it is smooth when the
// command steps, no encoder noise reaches the torque through it, and while the set point is the command (it is,
// but for a step) the next tick's IK, which starts from that command, finds the chain's frames computed: one
// forward kinematics per tick, not two.
import { map, type OperatorFunction } from 'rxjs';
import type { TickFrame } from '../frame.ts';
import { MODE_EFFORT, MODE_POSITION } from '../hardware.ts';
import type { GravityCompensation } from '../kinematics/gravity.ts';
import { clampAbs } from '../../sim/math/clamp.ts';

export type JointControlMode = 'servo' | 'pd';

export interface JointControlConfig {
  readonly mode: JointControlMode;
  readonly gravityCompensation: boolean;
}

export const DEFAULT_JOINT_CONTROL: JointControlConfig = { mode: 'servo', gravityCompensation: true };

export function jointControl(configs: readonly JointControlConfig[], gravity: readonly (GravityCompensation | undefined)[]): OperatorFunction<TickFrame, TickFrame> {
  /**
   * Per robot, from its first command on: the set point handed to the actuator, its velocity this tick (the
   * feed-forward) and the gravity torques at it.
   */
  const state = configs.map(() => null as { sp: Float64Array; vel: Float64Array; g: Float64Array } | null);
  return map((frame) => {
    const robots = frame.robots;
    const dt = frame.dt;
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      const hw = rf.hw;
      const cfg = configs[i];
      const q = rf.qCommand;
      const st = state[i] ?? (state[i] = { sp: Float64Array.from(q), vel: new Float64Array(q.length), g: new Float64Array(q.length) });
      const sp = st.sp, vel = st.vel, g = st.g;
      const joints = hw.spec.joints;
      const n = q.length;
      for (let j = 0; j < n; j++) {
        const maxStep = joints[j].velocityLimit * dt;
        const d = q[j] - sp[j];
        const step = clampAbs(d, maxStep);
        // Within reach the set point is the command itself, to the bit (not sp + (q − sp), which may round).
        sp[j] = step === d ? q[j] : sp[j] + step;
        vel[j] = rf.safe ? 0 : step / dt;
      }
      const grav = cfg.gravityCompensation ? gravity[i] : undefined;
      if (grav) grav.compute(sp, g);
      const nGrav = grav ? n : 0;
      for (let j = 0; j < n; j++) {
        const ff = j < nGrav ? g[j] : 0;
        if (cfg.mode === 'servo') {
          hw.mode[j] = MODE_POSITION;
          // A linear spring with its set point moved by ff/k pushes exactly ff more: gravity feed-forward.
          hw.commandPosition[j] = sp[j] + (ff !== 0 ? ff / hw.stiffness[j] : 0);
          hw.commandVelocity[j] = vel[j];
        } else {
          hw.mode[j] = MODE_EFFORT;
          hw.commandEffort[j] = hw.stiffness[j] * (sp[j] - hw.position[j]) + hw.damping[j] * (vel[j] - hw.velocity[j]) + ff;
        }
      }
    }
    return frame;
  });
}
