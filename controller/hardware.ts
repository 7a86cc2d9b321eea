// The hardware interface (as in ros2_control): controllers read state arrays and write command arrays.
// They never know whether a simulator (sim/robot.ts) or a real arm sits behind it.
import type { RobotSpec } from '../sim/robot-spec.ts';

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
