// The gait generator: advances the reference's gait phase and drives the treadmill in step with it.
//
// The phase moves with the belt (phase rate = belt speed / stride length): while the belt speeds up or slows
// down the legs do too, so the stance foot always travels with the belt (the Lokomat synchronises orthosis and
// treadmill the same way). Walking continuously, or a step (half a stride) or a bout (whole strides) at a time
// when the intent stage detects the patient's intent; the belt is stopped early enough to halt at the target.
import { map } from 'rxjs';
import type { Stage } from '../loop.ts';
import type { EventLog } from '../events.ts';
import type { ExoFrame, TriggerConfig } from './exo-frame.ts';
import type { ReferenceGait } from './normative-gait.ts';

/** Time to move from a held posture back onto the reference after a re-enable, s. */
export const REALIGN_S = 1;

export function gaitGenerator(f: ExoFrame, gait: ReferenceGait, trigger: TriggerConfig, dt: number, log: EventLog): Stage {
  const hw = f.hw;
  const L = gait.strideLength;
  let first = true;
  return map((frame) => {
    // Re-enabled after the safe state: the legs realign with the reference standing, then continuous walking goes
    // on; triggered stepping waits for the next intent.
    if (!f.safe && f.realign < 1) {
      f.realign = Math.min(1, f.realign + dt / REALIGN_S);
      f.detected = false;
      if (f.realign === 1 && trigger.kind === 'continuous') {
        f.stopAt = Infinity;
        log.emit(frame.tick, hw.id, 'step_start', 'walking resumes after the safe state', -1);
      }
    }
    if (first) {
      first = false;
      if (trigger.kind === 'continuous') {
        f.stopAt = Infinity;
        // Value −1: continuous walking (a triggered step's value is the phase it walks to).
        log.emit(frame.tick, hw.id, 'step_start', `walking at ${gait.cadence} steps/min, stride ${gait.strideLength.toFixed(3)} m, belt ${gait.beltSpeed.toFixed(3)} m/s`, -1);
      }
    }
    if (f.detected) {
      f.detected = false;
      const from = f.stopAt;
      // A step takes the next half stride from where the legs stand; a bout whole strides.
      f.stopAt = trigger.action === 'step' ? Math.max(f.phase, f.stopAt) + 0.5 : Math.max(f.phase, f.stopAt) + trigger.boutStrides;
      log.emit(frame.tick, hw.id, 'step_start', `${trigger.action} started by ${trigger.kind} intent (phase ${from.toFixed(2)} → ${f.stopAt.toFixed(2)})`, f.stopAt);
    }
    if (f.safe || f.realign < 1) {
      hw.beltSpeedCommand = 0;
    } else {
      // Stop the belt early enough to come to rest at the target phase: braking takes v²/2a of belt.
      const v = hw.beltSpeed;
      const remaining = (f.stopAt - f.phase) * L;
      hw.beltSpeedCommand = remaining <= (v * v) / (2 * hw.beltAcceleration) + 1e-4 ? 0 : gait.beltSpeed;
    }
    f.phaseRate = hw.beltSpeed / L;
    const before = f.phase;
    let next = before + f.phaseRate * dt;
    // In the safe state the legs are held, so the reference waits where it was.
    if (f.safe || f.realign < 1) next = before;
    else if (next > f.stopAt) next = f.stopAt;
    f.phase = next;
    f.strideStart[0] = Math.floor(next) > Math.floor(before) ? 1 : 0;
    f.strideStart[1] = Math.floor(next + 0.5) > Math.floor(before + 0.5) ? 1 : 0;
    gait.both(next, f.qRef, f.qdRef);
    // The rates at the speed the reference actually moves (zero while standing).
    const scale = f.phaseRate * gait.strideTime;
    for (let i = 0; i < 6; i++) f.qdRef[i] *= f.safe ? 0 : scale;
    return frame;
  });
}
