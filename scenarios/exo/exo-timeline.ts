// The scenario's event timeline for the exoskeleton: emergency stop, reset, re-enable, controller settings and
// injected drive faults at their ticks. A drive fault both degrades the drive (weak: a share of its torque;
// locked: a seized gearbox) and raises its driver's fault flag, which the safety monitor reads after the step of
// the same tick.
import type { Stage } from '../../controller/loop.ts';
import type { EventLog } from '../../controller/events.ts';
import type { ExoFrame } from '../../controller/exo/exo-frame.ts';
import { requestExoSetting } from '../../controller/exo/controllers.ts';
import type { SimExo } from '../../sim/exo/sim-exo.ts';
import type { Scenario } from '../schema.ts';
import { scheduledStage, type Scheduled } from '../timeline.ts';

export function exoTimeline(s: Scenario, exo: SimExo, f: ExoFrame, log: EventLog, dt: number): Stage {
  const due: Scheduled[] = [];
  for (const e of s.events) {
    const tick = Math.round(e.t / dt);
    switch (e.kind) {
      case 'estop': due.push({ tick, apply: () => { f.estop = true; } }); break;
      case 'reset': due.push({ tick, apply: () => { f.requestReset = true; } }); break;
      case 'enable': due.push({ tick, apply: () => { f.requestEnable = true; } }); break;
      case 'set':
        due.push({ tick, apply: (fr) => log.emit(fr.tick, e.robot, 'set', `set ${requestExoSetting(f, e.controller, e.guidance)}`, e.guidance) });
        break;
      case 'motor_fault': {
        const j = exo.spec.joints.findIndex((x) => x.name === e.joint);
        if (j < 0) throw new Error(`motor_fault: the exoskeleton has no joint '${e.joint}' (joints: ${exo.spec.joints.map((x) => x.name).join(', ')})`);
        const scale = e.effort_scale ?? 0;
        due.push({
          tick,
          apply: (fr) => {
            if (e.mode === 'locked') exo.lockJoint(j);
            else exo.effortScale[j] = scale;
            exo.driveFault[j] = 1;
            log.emit(fr.tick, e.robot, 'motor_fault', e.mode === 'locked'
              ? `${e.joint} gearbox seized: the drive holds where it is (injected)`
              : `${e.joint} drive at ${Math.round(scale * 100)}% of its torque (injected)`, e.mode === 'locked' ? 0 : scale);
          },
        });
        break;
      }
      default:
        // The schema admits no other event for an exoskeleton.
        throw new Error(`event ${e.kind} does not apply to the exoskeleton`);
    }
  }
  return scheduledStage(due);
}
