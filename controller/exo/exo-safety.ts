// The exoskeleton's safety (DESIGN.md "Safety model"): emergency stop, joint range, velocity and torque limits,
// the interaction-torque limit, drive faults and non-finite numbers each send the device to the safe state —
// the posture held with limited stiffness and torque, the treadmill stopped — and each is an event. The hold is
// written into the drive commands at once, so the very next physics step obeys it. Leaving needs a re-enable
// (after a reset, for an emergency stop).
import { map } from 'rxjs';
import type { Stage } from '../loop.ts';
import type { EventKind, EventLog } from '../events.ts';
import type { ExoFrame, ExoSafetyConfig } from './exo-frame.ts';
import { applyHold } from './controllers.ts';
import { EstopLatch } from '../safety.ts';

const TO_DEG = 180 / Math.PI;

export function enterExoSafeState(f: ExoFrame, s: ExoSafetyConfig, log: EventLog, tick: number, cause: EventKind): void {
  if (f.safe) return;
  f.safe = true;
  f.qHold.set(f.hw.position);
  f.stopAt = f.phase;
  f.hw.beltSpeedCommand = 0;
  applyHold(f, s);
  log.emit(tick, f.hw.id, 'safe_state', `safe state entered (${cause}); holding the posture with at most ${Math.round(s.holdTorque * 100)}% torque, treadmill stopping`);
}

/** Before the controllers: emergency stop, reset and re-enable requests. */
export function exoSupervisor(f: ExoFrame, s: ExoSafetyConfig, log: EventLog): Stage {
  const estop = new EstopLatch();
  return map((frame) => {
    if (f.estop) {
      f.estop = false;
      estop.press(log, frame.tick);
      enterExoSafeState(f, s, log, frame.tick, 'estop');
    }
    if (f.requestReset) {
      f.requestReset = false;
      estop.clear(log, frame.tick);
    }
    if (f.requestEnable) {
      f.requestEnable = false;
      if (!estop.refusesEnable(log, frame.tick, f.hw.id) && f.safe) {
        f.safe = false;
        // Back onto the reference gently: from where the legs are now, over the realignment time.
        f.qHold.set(f.hw.position);
        f.realign = 0;
        log.emit(frame.tick, f.hw.id, 'enable', 'exoskeleton re-enabled; realigning with the reference');
      }
    }
    return frame;
  });
}

/** After the physics step: the measured state against the limits. */
export function exoMonitors(f: ExoFrame, s: ExoSafetyConfig, dt: number, log: EventLog): Stage {
  const hw = f.hw;
  const joints = hw.spec.joints;
  const saturated = new Float64Array(joints.length);
  const satTicks = Math.max(1, Math.round(s.torqueSaturationS / dt));
  return map((frame) => {
    const tick = frame.tick;
    for (let j = 0; j < joints.length; j++) {
      if (!Number.isFinite(hw.position[j]) || !Number.isFinite(hw.velocity[j]) || !Number.isFinite(hw.interactionTorque[j])) {
        log.emit(tick, hw.id, 'non_finite', `state of ${joints[j].name} is not finite`);
        enterExoSafeState(f, s, log, tick, 'non_finite');
        break;
      }
    }
    if (f.safe) {
      saturated.fill(0);
      return frame;
    }
    for (let j = 0; j < joints.length && !f.safe; j++) {
      const js = joints[j], name = js.name;
      const q = hw.position[j], v = hw.velocity[j], ti = hw.interactionTorque[j];
      const limit = js.effort * hw.effortScale[j];
      saturated[j] = Math.abs(f.tauDemand[j]) >= limit ? saturated[j] + 1 : 0;
      if (hw.driveFault[j] === 1) {
        log.emit(tick, hw.id, 'drive_fault', `${name} driver reports a fault`, j);
        enterExoSafeState(f, s, log, tick, 'drive_fault');
      } else if (q > js.upper - s.rangeMargin || q < js.lower + s.rangeMargin) {
        log.emit(tick, hw.id, 'joint_limit', `${name} at ${(q * TO_DEG).toFixed(1)}°, its range is ${(js.lower * TO_DEG).toFixed(0)}…${(js.upper * TO_DEG).toFixed(0)}°`, q);
        enterExoSafeState(f, s, log, tick, 'joint_limit');
      } else if (Math.abs(v) > js.velocityLimit) {
        log.emit(tick, hw.id, 'velocity_limit', `${name} at ${(v * TO_DEG).toFixed(0)}°/s, over ${(js.velocityLimit * TO_DEG).toFixed(0)}°/s`, v);
        enterExoSafeState(f, s, log, tick, 'velocity_limit');
      } else if (Math.abs(ti) > s.interactionLimit) {
        log.emit(tick, hw.id, 'interaction_limit', `${name} interaction torque ${ti.toFixed(1)} N·m over ${s.interactionLimit} N·m`, ti);
        enterExoSafeState(f, s, log, tick, 'interaction_limit');
      } else if (saturated[j] >= satTicks) {
        log.emit(tick, hw.id, 'torque_limit', `${name} held at its torque limit ${limit.toFixed(1)} N·m for ${s.torqueSaturationS * 1000} ms`, f.tauDemand[j]);
        enterExoSafeState(f, s, log, tick, 'torque_limit');
      }
    }
    return frame;
  });
}
