// Stage 8 — monitors on the measured state after the step: joint tracking error against the arm's
// limits, non-finite physics state, and contact force over its limit. Each sends the robot to the
// safe state, which the next tick's command (the next thing the arm receives) already obeys.
import { map, type OperatorFunction } from 'rxjs';
import type { TickFrame } from '../frame.ts';
import type { EventLog } from '../events.ts';
import { enterSafeState } from '../safety.ts';

export interface MonitorConfig {
  /** Largest contact force on the instrument before a fault, N (Infinity: off). */
  readonly maxTipForce: number;
}

export function monitors(configs: readonly MonitorConfig[], log: EventLog): OperatorFunction<TickFrame, TickFrame> {
  return map((frame) => {
    const robots = frame.robots;
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      const hw = rf.hw;
      const joints = hw.spec.joints;
      for (let j = 0; j < joints.length; j++) {
        if (!Number.isFinite(hw.position[j]) || !Number.isFinite(hw.velocity[j])) {
          log.emit(frame.tick, rf.id, 'non_finite', `physics state of ${joints[j].name} is not finite`);
          enterSafeState(rf, log, frame.tick, 'non_finite', false);
          break;
        }
      }
      if (rf.safe) continue;
      for (let j = 0; j < joints.length; j++) {
        const err = Math.abs(rf.qCommand[j] - hw.position[j]);
        if (err > joints[j].trackingErrorLimit) {
          const unit = joints[j].type === 'revolute' ? (x: number) => `${(x * 180 / Math.PI).toFixed(1)}°` : (x: number) => `${(x * 1000).toFixed(1)} mm`;
          log.emit(frame.tick, rf.id, 'tracking_error', `${joints[j].name} tracking error ${unit(err)} over its limit ${unit(joints[j].trackingErrorLimit)}`, err);
          enterSafeState(rf, log, frame.tick, 'tracking_error', true);
          break;
        }
      }
      if (!rf.safe && hw.contactForce > configs[i].maxTipForce) {
        log.emit(frame.tick, rf.id, 'force_limit', `instrument contact force ${hw.contactForce.toFixed(2)} N over ${configs[i].maxTipForce} N`, hw.contactForce);
        enterSafeState(rf, log, frame.tick, 'force_limit', true);
      }
    }
    return frame;
  });
}
