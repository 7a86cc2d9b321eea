// The scenario's event timeline as the first stage of the loop: run-level commands (emergency stop,
// reset, re-enable), parameter changes (`set`) and fault injection at their ticks. Input-side events (dropout,
// clutch, NaN) are handed to the scripted hand, since they change what the operator's device delivers; latency
// and packet loss wrap the input source (faults.ts, built by the runner), and here only log when they start.
// Every injected fault is an event in the log, its detail ending in "(injected)".
import { map } from 'rxjs';
import type { Stage } from '../controller/loop.ts';
import type { EventLog } from '../controller/events.ts';
import type { TickFrame } from '../controller/frame.ts';
import type { SimWorld } from '../sim/world.ts';
import type { Scenario } from './schema.ts';
import type { ScriptedHand } from './scripted-hand.ts';
import { JointSensorNoise } from './faults.ts';
import { describeTremorFilter } from '../controller/filters/tremor-filter.ts';
import { rngStream } from './random.ts';

/** A scenario event at its tick. */
export interface Scheduled {
  readonly tick: number;
  readonly apply: (frame: TickFrame) => void;
}

export function scenarioTimeline(s: Scenario, world: SimWorld, hands: ReadonlyMap<string, ScriptedHand>, log: EventLog, seed = s.seed): Stage {
  const dt = world.dt;
  const sensors = new Map<string, JointSensorNoise>();
  const sensorOf = (id: string): JointSensorNoise => {
    let n = sensors.get(id);
    if (!n) {
      const robot = world.robot(id);
      n = new JointSensorNoise(robot.position.length, rngStream(seed, `sensor-noise:${id}`));
      robot.sensorModel = n;
      sensors.set(id, n);
    }
    return n;
  };
  const index = new Map(s.robots.map((r, i) => [r.id, i]));
  const due: Scheduled[] = [];
  s.robots.forEach((r, i) => {
    // An ECM is not teleoperated: it holds its joints, and nothing enables it.
    if (r.type !== 'ecm' && (s.controller[r.id]?.enabled ?? true)) due.push({ tick: 0, apply: (f) => { f.robots[i].requestEnable = true; } });
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
        due.push({ tick, apply: (f) => log.emit(f.tick, e.robot, 'nan_input', 'a NaN in the operator input (injected)') });
        break;
      case 'input_latency':
        due.push({
          tick,
          apply: (f) => log.emit(f.tick, e.robot, 'input_latency',
            `input ${e.delay_ms} ms late${e.jitter_ms > 0 ? ` (+ up to ${e.jitter_ms} ms jitter)` : ''} for ${e.duration} s (injected)`, e.delay_ms / 1000),
        });
        break;
      case 'packet_loss':
        due.push({
          tick,
          apply: (f) => log.emit(f.tick, e.robot, 'packet_loss', `${round6(e.probability * 100)}% of input samples lost for ${e.duration} s (injected)`, e.probability),
        });
        break;
      case 'sensor_noise': {
        const robot = world.robot(e.robot);
        const j = e.joint === undefined ? -1 : robot.spec.joints.findIndex((x) => x.name === e.joint);
        if (e.joint !== undefined && j < 0) throw new Error(`sensor_noise: robot '${e.robot}' has no joint '${e.joint}'`);
        const noise = sensorOf(e.robot);
        due.push({
          tick,
          apply: (f) => {
            noise.set(j, e.sigma);
            log.emit(f.tick, e.robot, 'sensor_noise',
              `noise of σ ${e.sigma} on the ${e.joint ?? 'joint'} encoder${e.joint ? '' : 's'}${e.duration !== undefined ? ` for ${e.duration} s` : ''} (injected)`, e.sigma);
          },
        });
        if (e.duration !== undefined) due.push({ tick: Math.round((e.t + e.duration) / dt), apply: () => noise.set(j, 0) });
        break;
      }
      case 'set': {
        const i = index.get(e.robot)!;
        const what = [
          e.scale !== undefined ? `scale ${e.scale}` : '',
          e.tremor_filter !== undefined ? `tremor filter: ${describeTremorFilter(e.tremor_filter)}` : '',
        ].filter(Boolean).join(', ');
        due.push({
          tick,
          apply: (f) => {
            const rf = f.robots[i];
            if (e.scale !== undefined) rf.requestScale = e.scale;
            if (e.tremor_filter !== undefined) rf.requestTremorFilter = e.tremor_filter;
            log.emit(f.tick, e.robot, 'set', `set ${what}`, e.scale);
          },
        });
        break;
      }
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
      case 'disable': {
        const i = index.get(e.robot)!;
        due.push({ tick, apply: (f) => { f.robots[i].requestDisable = true; } });
        break;
      }
      case 'motor_fault': {
        const robot = world.robot(e.robot);
        const j = robot.spec.joints.findIndex((x) => x.name === e.joint);
        if (j < 0) throw new Error(`motor_fault: robot '${e.robot}' has no joint '${e.joint}' (joints: ${robot.spec.joints.map((x) => x.name).join(', ')})`);
        if (e.mode === 'locked') {
          due.push({
            tick,
            apply: (f) => {
              robot.lockJoint(j);
              log.emit(f.tick, e.robot, 'motor_fault', `${e.joint} seized: the joint holds where it is, whatever is commanded (injected)`, robot.position[j]);
            },
          });
          break;
        }
        const scale = e.effort_scale ?? 0;
        due.push({
          tick,
          apply: (f) => {
            robot.effortScale[j] = scale;
            log.emit(f.tick, e.robot, 'motor_fault', `${e.joint} motor at ${Math.round(scale * 100)}% of its effort limit (injected)`, scale);
          },
        });
        break;
      }
    }
  }
  return scheduledStage(due);
}

/** The stage that applies each event on its tick (the arms' timeline and the exoskeleton's, exo-timeline.ts). */
export function scheduledStage(due: Scheduled[]): Stage {
  due.sort((a, b) => a.tick - b.tick); // stable: same-tick events keep file order
  let next = 0;
  return map((frame) => {
    while (next < due.length && due[next].tick <= frame.tick) due[next++].apply(frame);
    return frame;
  });
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
