// The `state` message (protocol.ts StateMessage), built from the world and the tick frame between two ticks:
// measured and commanded joints, every link's world pose from the physics bodies, the tool tip (PSM) or the
// camera (ECM), teleoperation, the raw and filtered hand, tracking errors, contact force; the pose of every free
// object. Built at 60 Hz, so it may allocate; numbers are rounded to 0.1 µm / 0.1 µrad to keep the JSON short.
import type { RobotState, StateMessage } from '../protocol.ts';
import type { SimEvent } from '../../controller/events.ts';
import { TELEOP_STATE_NAMES, type TickFrame } from '../../controller/frame.ts';
import type { SimWorld } from '../../sim/world.ts';
import { mat4, mat4ToQuat, type Mat4 } from '../../sim/math/mat4.ts';

const SCALE = 1e7;
const r7 = (x: number): number => Math.round(x * SCALE) / SCALE;

export interface StateExtras {
  readonly sentAt: number;
  readonly estop: boolean;
  readonly recording: boolean;
  readonly realtimeFactor: number;
  readonly overruns: number;
  readonly events: readonly SimEvent[];
}

const m = mat4();
const quat = new Float64Array(4);

function pose7(out: number[], pose: Mat4): void {
  mat4ToQuat(quat, pose);
  out.push(r7(pose[3]), r7(pose[7]), r7(pose[11]), r7(quat[0]), r7(quat[1]), r7(quat[2]), r7(quat[3]));
}

export function robotStates(world: SimWorld, frame: TickFrame): RobotState[] {
  return world.robots.map((robot, i) => {
    const rf = frame.robots[i];
    const links: number[] = [];
    for (let l = 0; l < robot.spec.links.length; l++) pose7(links, robot.linkPose(l, m));
    const tip: number[] = [];
    pose7(tip, robot.tipPose(m));
    return {
      id: robot.id,
      q: Array.from(robot.position, r7),
      qCommand: Array.from(rf.qCommand, r7),
      links,
      tip,
      teleop: TELEOP_STATE_NAMES[rf.teleop],
      clutched: rf.clutched,
      safe: rf.safe,
      hand: Array.from(rf.input.p, r7),
      handFiltered: Array.from(rf.filteredP, r7),
      trackingError: Array.from(rf.qCommand, (c, j) => r7(Math.abs(c - robot.position[j]))),
      contactForce: Math.round(robot.contactForce * 1e4) / 1e4,
    };
  });
}

/** World poses of the free objects (fixed ones never move: the page keeps them where `welcome` put them). */
function objectStates(world: SimWorld): StateMessage['objects'] {
  const out: StateMessage['objects'] = [];
  for (const o of world.objects) {
    if (o.spec.fixed) continue;
    const p = o.body.translation(), q = o.body.rotation();
    out.push({ id: o.spec.id, pose: [r7(p.x), r7(p.y), r7(p.z), r7(q.x), r7(q.y), r7(q.z), r7(q.w)] });
  }
  return out;
}

export function stateMessage(world: SimWorld, frame: TickFrame, tick: number, x: StateExtras): StateMessage {
  return {
    type: 'state',
    tick,
    t: Math.round(tick * frame.dt * 1e9) / 1e9,
    sentAt: x.sentAt,
    robots: robotStates(world, frame),
    objects: objectStates(world),
    estop: x.estop,
    recording: x.recording,
    realtimeFactor: Math.round(x.realtimeFactor * 1000) / 1000,
    overruns: x.overruns,
    events: x.events.map((e) => ({ tick: e.tick, t: e.t, robot: e.robot, kind: e.kind, detail: e.detail })),
  };
}
