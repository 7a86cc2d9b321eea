// Stage 2 — supervisor: emergency stop, the watchdog, and the operator's reset and re-enable requests.
// It decides from inputs alone whether each robot may move this tick.
import { map, type OperatorFunction } from 'rxjs';
import { TELEOP_ALIGNING, TELEOP_DISABLED, type TickFrame } from '../frame.ts';
import type { EventLog } from '../events.ts';
import { enterSafeState, EstopLatch, WATCHDOG_S } from '../safety.ts';

/** `watchdog[i]`: whether robot i's input is watched (teleoperated arms; default all). */
export function supervisor(log: EventLog, watchdog: readonly boolean[] = []): OperatorFunction<TickFrame, TickFrame> {
  const estop = new EstopLatch();
  let watchdogTicks = -1;
  const stale: boolean[] = [];
  return map((frame) => {
    if (watchdogTicks < 0) watchdogTicks = Math.round(WATCHDOG_S / frame.dt);
    const robots = frame.robots;
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      if (rf.estop) {
        rf.estop = false;
        estop.press(log, frame.tick);
      }
    }
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      if (estop.engaged) enterSafeState(rf, log, frame.tick, 'estop', false);
      const age = frame.tick - rf.lastInputTick;
      const isStale = age > watchdogTicks;
      if (isStale && !stale[i] && watchdog[i] !== false) {
        log.emit(frame.tick, rf.id, 'watchdog', `no input for ${Math.round(age * frame.dt * 1000)} ms (limit ${WATCHDOG_S * 1000} ms)`, age * frame.dt);
        enterSafeState(rf, log, frame.tick, 'watchdog', false);
      }
      stale[i] = isStale;
      if (rf.requestReset) {
        rf.requestReset = false;
        estop.clear(log, frame.tick);
      }
      if (rf.requestDisable) {
        rf.requestDisable = false;
        if (rf.teleop !== TELEOP_DISABLED) {
          rf.teleop = TELEOP_DISABLED;
          rf.clutched = false;
          log.emit(frame.tick, rf.id, 'teleop_state', 'DISABLED: the operator left (teleoperation disabled, the arm holds)');
        }
      }
      if (rf.requestEnable) {
        rf.requestEnable = false;
        if (!estop.refusesEnable(log, frame.tick, rf.id)) {
          if (isStale) {
            log.emit(frame.tick, rf.id, 'enable', 'refused: no fresh operator input');
          } else if (rf.teleop === TELEOP_DISABLED) {
            rf.safe = false;
            rf.teleop = TELEOP_ALIGNING;
            log.emit(frame.tick, rf.id, 'enable', 'teleoperation enabled');
          }
        }
      }
    }
    return frame;
  });
}
