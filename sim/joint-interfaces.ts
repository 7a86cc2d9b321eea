// The per-joint state and command arrays of the hardware interface (ros2_control's state and command
// interfaces), one set for the arms (sim/robot.ts) and the exoskeleton's drives (sim/exo/sim-exo.ts) alike.
import type { JointSpec } from './robot-spec.ts';

/** `mode` of a joint: its servo follows `commandPosition` (with `commandVelocity` feed-forward)… */
export const MODE_POSITION = 0;
/** …or `commandEffort` is applied as a joint torque/force, clamped at the effort limit. */
export const MODE_EFFORT = 1;

// A velocity motor aimed at a speed it can never reach saturates at its force limit every step: that is exactly
// "apply this torque", and it stays inside the joint solver (no per-tick allocation). Arms and exoskeleton alike.
export const EFFORT_MOTOR_SPEED = 1e6;
export const EFFORT_MOTOR_FACTOR = 1e6;

export interface JointInterfaces {
  // State interfaces (read after every physics step).
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  /** Torque (N·m) or force (N) the actuator gave in the last step. */
  readonly effort: Float64Array;
  // Command interfaces (written by controllers before the step).
  /** Per joint: MODE_POSITION (servo to commandPosition) or MODE_EFFORT (apply commandEffort). */
  readonly mode: Uint8Array;
  readonly commandPosition: Float64Array;
  readonly commandVelocity: Float64Array;
  readonly commandEffort: Float64Array;
  /** Servo gains in use; controllers may change them. */
  readonly stiffness: Float64Array;
  readonly damping: Float64Array;
  /** Fraction of each actuator's effort limit available (1 = healthy; a motor fault lowers it). */
  readonly effortScale: Float64Array;
}

/** Zeroed states and commands, position mode, the spec's servo gains, full effort. */
export function createJointInterfaces(joints: readonly Pick<JointSpec, 'servo'>[]): JointInterfaces {
  const n = joints.length;
  return {
    position: new Float64Array(n),
    velocity: new Float64Array(n),
    effort: new Float64Array(n),
    mode: new Uint8Array(n),
    commandPosition: new Float64Array(n),
    commandVelocity: new Float64Array(n),
    commandEffort: new Float64Array(n),
    stiffness: Float64Array.from(joints, (j) => j.servo.stiffness),
    damping: Float64Array.from(joints, (j) => j.servo.damping),
    effortScale: new Float64Array(n).fill(1),
  };
}
