// Stage 6 — joint control: the joint command becomes actuator commands on the hardware interface.
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
  const prev = configs.map(() => null as Float64Array | null);
  const tauG = configs.map(() => new Float64Array(16));
  return map((frame) => {
    const robots = frame.robots;
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      const hw = rf.hw;
      const cfg = configs[i];
      const q = rf.qCommand;
      const last = prev[i] ?? (prev[i] = Float64Array.from(q));
      const g = tauG[i];
      const grav = cfg.gravityCompensation ? gravity[i] : undefined;
      if (grav) grav.compute(hw.position, g);
      const n = q.length;
      const nGrav = grav ? n : 0;
      for (let j = 0; j < n; j++) {
        const vel = rf.safe ? 0 : (q[j] - last[j]) / frame.dt;
        const ff = j < nGrav ? g[j] : 0;
        if (cfg.mode === 'servo') {
          hw.mode[j] = MODE_POSITION;
          // A linear spring with its set point moved by ff/k pushes exactly ff more: gravity feed-forward.
          hw.commandPosition[j] = q[j] + (ff !== 0 ? ff / hw.stiffness[j] : 0);
          hw.commandVelocity[j] = vel;
        } else {
          hw.mode[j] = MODE_EFFORT;
          hw.commandEffort[j] = hw.stiffness[j] * (q[j] - hw.position[j]) + hw.damping[j] * (vel - hw.velocity[j]) + ff;
        }
        last[j] = q[j];
      }
    }
    return frame;
  });
}
