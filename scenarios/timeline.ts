// The scenario's event timeline as the first stage of the loop: run-level commands (emergency stop,
// reset, re-enable) and fault injection at their ticks. Input-side events (dropout, clutch, NaN) are
// handed to the scripted hand, since they change what the operator's device delivers.
import { map } from 'rxjs';
import type { Stage } from '../controller/loop.ts';
import type { EventLog } from '../controller/events.ts';
import type { TickFrame } from '../controller/frame.ts';
import type { SimWorld } from '../sim/world.ts';
import type { Scenario } from './schema.ts';
import type { ScriptedHand } from './scripted-hand.ts';

interface Scheduled {
  readonly tick: number;
  readonly apply: (frame: TickFrame) => void;
}

export function scenarioTimeline(s: Scenario, world: SimWorld, hands: ReadonlyMap<string, ScriptedHand>, log: EventLog): Stage {
  const dt = world.dt;
  const index = new Map(s.robots.map((r, i) => [r.id, i]));
  const due: Scheduled[] = [];
  s.robots.forEach((r, i) => {
    if ((s.controller[r.id]?.enabled ?? true)) due.push({ tick: 0, apply: (f) => { f.robots[i].requestEnable = true; } });
  });
  for (const e of s.events) {
    const tick = Math.round(e.t / dt);
    switch (e.kind) {
      case 'input_dropout':
        hands.get(e.robot)?.addDropout(e.t, e.duration);
        due.push({ tick, apply: (f) => log.emit(f.tick, e.robot, 'input_dropout', `input dropout for ${e.duration} s (injected)`, e.duration) });
        break;
      case 'clutch':
        hands.get(e.robot)?.addClutch(e.t, e.on);
        break;
      case 'nan_input':
        hands.get(e.robot)?.addNan(e.t);
        break;
      case 'estop':
        due.push({ tick, apply: (f) => { for (const rf of f.robots) rf.estop = true; } });
        break;
      case 'reset':
        due.push({ tick, apply: (f) => { for (const rf of f.robots) rf.requestReset = true; } });
        break;
      case 'enable': {
        const i = index.get(e.robot)!;
        due.push({ tick, apply: (f) => { f.robots[i].requestEnable = true; } });
        break;
      }
      case 'motor_fault': {
        const robot = world.robot(e.robot);
        const j = robot.spec.joints.findIndex((x) => x.name === e.joint);
        if (j < 0) throw new Error(`motor_fault: robot '${e.robot}' has no joint '${e.joint}' (joints: ${robot.spec.joints.map((x) => x.name).join(', ')})`);
        due.push({
          tick,
          apply: (f) => {
            robot.effortScale[j] = e.effort_scale;
            log.emit(f.tick, e.robot, 'motor_fault', `${e.joint} motor at ${Math.round(e.effort_scale * 100)}% of its effort limit (injected)`, e.effort_scale);
          },
        });
        break;
      }
    }
  }
  due.sort((a, b) => a.tick - b.tick); // stable: same-tick events keep file order
  let next = 0;
  return map((frame) => {
    while (next < due.length && due[next].tick <= frame.tick) due[next++].apply(frame);
    return frame;
  });
}
