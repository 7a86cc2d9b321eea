// The hardware interface (as in ros2_control): controllers read state arrays and write command arrays.
// They never know whether a simulator (sim/robot.ts) or a real arm sits behind it.
import type { JointSpec, RobotSpec } from '../sim/robot-spec.ts';

export const MODE_POSITION = 0;
export const MODE_EFFORT = 1;

export interface RobotHardware {
  readonly id: string;
  readonly spec: RobotSpec;
  // State interfaces, fresh after every step.
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly effort: Float64Array;
  /** Contact force on the instrument in the last step, N. */
  readonly contactForce: number;
  // Command interfaces.
  /** Per joint: MODE_POSITION (servo to commandPosition) or MODE_EFFORT (apply commandEffort). */
  readonly mode: Uint8Array;
  readonly commandPosition: Float64Array;
  readonly commandVelocity: Float64Array;
  readonly commandEffort: Float64Array;
  /** Servo gains in use; controllers may change them. */
  readonly stiffness: Float64Array;
  readonly damping: Float64Array;
  /** Fraction of each actuator's effort limit available (1 = healthy; motor faults lower it). */
  readonly effortScale: Float64Array;
}

/**
 * The exoskeleton's hardware interface (controller/exo/): per actuated joint the drive's state and commands
 * (as RobotHardware), the measured interaction torque at the cuffs, driver fault flags; the foot switches and
 * the treadmill. Implemented by the simulator (sim/exo/sim-exo.ts) or a device driver.
 */
export interface ExoHardware {
  readonly id: string;
  /** The actuated joints: name, range, effort limit, servo gains, side (0 left, 1 right), joint (0 hip, 1 knee, 2 ankle). */
  readonly spec: { readonly joints: readonly (JointSpec & { readonly side: number; readonly joint: number; readonly velocityLimit: number })[] };
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  /** Torque the drive gives, N·m. */
  readonly effort: Float64Array;
  /** Measured human–robot interaction torque per drive, N·m (cuff force sensors). */
  readonly interactionTorque: Float64Array;
  readonly mode: Uint8Array;
  readonly commandPosition: Float64Array;
  readonly commandVelocity: Float64Array;
  readonly commandEffort: Float64Array;
  readonly stiffness: Float64Array;
  readonly damping: Float64Array;
  readonly effortScale: Float64Array;
  /** Per drive: 1 while its driver reports a fault. */
  readonly driveFault: Uint8Array;
  /** Foot switches, left and right. */
  readonly footContact: Uint8Array;
  /** Treadmill belt: speed command (m/s, written by the controller), the speed it runs at, its acceleration limit (m/s²). */
  beltSpeedCommand: number;
  readonly beltSpeed: number;
  readonly beltAcceleration: number;
}
