// The hardware interface (as in ros2_control): controllers read state arrays and write command arrays.
// They never know whether a simulator (sim/robot.ts) or a real arm sits behind it.
import type { JointSpec, RobotSpec } from '../sim/robot-spec.ts';
import type { JointInterfaces } from '../sim/joint-interfaces.ts';

export { MODE_EFFORT, MODE_POSITION } from '../sim/joint-interfaces.ts';

/** An arm: its joints' state and command arrays (sim/joint-interfaces.ts), and the contact force at the instrument. */
export interface RobotHardware extends JointInterfaces {
  readonly id: string;
  readonly spec: RobotSpec;
  /** Contact force on the instrument in the last step, N. */
  readonly contactForce: number;
}

/**
 * The exoskeleton's hardware interface (controller/exo/): per actuated joint the drive's state and commands
 * (as RobotHardware), the measured interaction torque at the cuffs, driver fault flags; the foot switches and
 * the treadmill. Implemented by the simulator (sim/exo/sim-exo.ts) or a device driver.
 */
export interface ExoHardware extends JointInterfaces {
  readonly id: string;
  /** The actuated joints: name, range, effort limit, servo gains, side (0 left, 1 right), joint (0 hip, 1 knee, 2 ankle),
   *  limb (the patient's limb joint it acts on, 3·side + joint). */
  readonly spec: { readonly joints: readonly (JointSpec & { readonly side: number; readonly joint: number; readonly limb: number })[] };
  /** Measured human–robot interaction torque per drive, N·m (cuff force sensors). */
  readonly interactionTorque: Float64Array;
  /** Per drive: 1 while its driver reports a fault. */
  readonly driveFault: Uint8Array;
  /** Foot switches, left and right. */
  readonly footContact: Uint8Array;
  /** Treadmill belt: speed command (m/s, written by the controller), the speed it runs at, its acceleration limit (m/s²). */
  beltSpeedCommand: number;
  readonly beltSpeed: number;
  readonly beltAcceleration: number;
}
