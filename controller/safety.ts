// The safe state (DESIGN.md): the arm holds its last safe joint positions, teleoperation drops to DISABLED,
// and only an explicit re-enable leaves it. Every entry is an event.
import type { EventKind, EventLog } from './events.ts';
import { TELEOP_DISABLED, type RobotFrame } from './frame.ts';

/** dVRK watchdog: input older than this is stale. */
export const WATCHDOG_S = 0.03;

/**
 * Puts the robot in the safe state at once: the command of this very tick is already the hold.
 * `holdMeasured` holds where the arm is (tracking or force faults: the command is not reachable);
 * otherwise the last command, which the arm was tracking, is held.
 */
export function enterSafeState(rf: RobotFrame, log: EventLog, tick: number, cause: EventKind, holdMeasured: boolean): void {
  if (rf.safe) return;
  rf.safe = true;
  rf.teleop = TELEOP_DISABLED;
  rf.clutched = false;
  rf.qHold.set(holdMeasured ? rf.hw.position : rf.qCommand);
  rf.qCommand.set(rf.qHold);
  log.emit(tick, rf.id, 'safe_state', `safe state entered (${cause}); holding joint positions`);
}

/**
 * The emergency stop as the supervisors hold it, for the arms and the exoskeleton alike: pressed, it stays engaged
 * until a reset; while engaged every enable is refused. Each change is an event (run-wide: no robot).
 */
export class EstopLatch {
  engaged = false;

  press(log: EventLog, tick: number): void {
    if (!this.engaged) log.emit(tick, null, 'estop', 'emergency stop');
    this.engaged = true;
  }

  clear(log: EventLog, tick: number): void {
    if (this.engaged) log.emit(tick, null, 'reset', 'emergency stop cleared');
    this.engaged = false;
  }

  /** True (and an `enable` event saying so) when an enable of `robot` must be refused. */
  refusesEnable(log: EventLog, tick: number, robot: string): boolean {
    if (this.engaged) log.emit(tick, robot, 'enable', 'refused: emergency stop active, reset first');
    return this.engaged;
  }
}
