// A SteadySim recording read in the browser (scenarios/recording/parse-recording.ts over the file's bytes, so a
// file cut short reads up to its last chunk): the metadata and the scene of its scenario, per robot the joint
// states, the tool tip from `/tf`, the operator input; per free object its pose from `/tf`; the events.
import type { SceneDescription } from '../protocol.ts';
import { parseRecording } from '../../scenarios/recording/parse-recording.ts';
import type { SteadySimMetadata } from '../../scenarios/recording/topics.ts';
import { quatRotateVec } from '../../sim/math/quat.ts';
import { sceneFromScenario } from './recorded-scene.ts';

const JOINT_STATES = /^\/([a-z][a-z0-9_]*)\/joint_states$/;
const INPUT = /^\/input\/([a-z][a-z0-9_]*)$/;

export interface RobotTrack {
  readonly id: string;
  /** Joint names in recorded order. */
  joints: string[];
  /** Ticks of the joint-state samples, increasing, and the positions at each. */
  readonly ticks: number[];
  readonly positions: Float64Array[];
  /** Tool tip in the world from `/tf` (RCM in world × tip in RCM), at `tipTicks`. */
  readonly tipTicks: number[];
  readonly tips: [number, number, number][];
  /** Operator input as delivered (position in the master frame), at `inputTicks`. */
  readonly inputTicks: number[];
  readonly inputs: number[][];
}

/** A free object's world pose from `/tf` (its frame in `world`): [x,y,z,qx,qy,qz,qw] at each of `ticks`. */
export interface ObjectTrack {
  readonly id: string;
  readonly ticks: number[];
  readonly poses: number[][];
}

export interface RecordingEvent { readonly tick: number; readonly level: number; readonly message: string; readonly name: string }

export interface BrowserRecording {
  readonly meta: SteadySimMetadata;
  readonly dt: number;
  /** The scene of the recorded scenario, as the live server would describe it. */
  readonly scene: SceneDescription;
  readonly robots: Map<string, RobotTrack>;
  /** The free objects of the scene that `/tf` holds (recordings made before objects were recorded have none). */
  readonly objects: Map<string, ObjectTrack>;
  readonly events: RecordingEvent[];
  readonly firstTick: number;
  readonly lastTick: number;
  /** Ticks between state samples (the recording's `--record-rate`). */
  readonly stateEvery: number;
  /** False when the file has no footer (a run cut short). */
  readonly complete: boolean;
}

/** The page's view of a recording, from the same parser the CLI's replay uses. Throws on a scenario it cannot draw. */
export function readRecording(bytes: Uint8Array, name = 'recording'): BrowserRecording {
  const rec = parseRecording(bytes, name);
  const meta = rec.meta;
  const dt = Number(meta.dt);
  const scene = sceneFromScenario(meta.scenario, dt);
  // Object poses: the frames in `world` named after a free object of the recorded scenario.
  const objects = new Map<string, ObjectTrack>(scene.objects.filter((o) => !o.fixed).map((o) => [o.id, { id: o.id, ticks: [], poses: [] }]));
  const robots = new Map<string, RobotTrack>();
  const track = (id: string): RobotTrack => {
    let t = robots.get(id);
    if (!t) robots.set(id, (t = { id, joints: [], ticks: [], positions: [], tipTicks: [], tips: [], inputTicks: [], inputs: [] }));
    return t;
  };
  let firstTick = Infinity, lastTick = -Infinity;
  const p = new Float64Array(3);
  for (const topicName of rec.topics.keys()) {
    let match: RegExpMatchArray | null;
    if ((match = topicName.match(JOINT_STATES))) {
      const t = track(match[1]);
      for (const { tick, msg } of rec.jointStates(match[1])) {
        if (t.joints.length === 0) t.joints = msg.joints.map((j) => j.name);
        t.ticks.push(tick);
        t.positions.push(Float64Array.from(msg.joints, (j) => j.position));
        firstTick = Math.min(firstTick, tick);
        lastTick = Math.max(lastTick, tick);
      }
    } else if ((match = topicName.match(INPUT))) {
      const t = track(match[1]);
      for (const inp of rec.inputs(match[1])) {
        t.inputTicks.push(inp.tick);
        t.inputs.push(inp.p);
      }
    }
  }
  // Tool tips in the world: the RCM's pose in the world applied to the tip's position in the RCM frame.
  // Free objects: their frames in the world as they are.
  for (const { tick, msg } of rec.transforms()) {
    for (const tip of msg.transforms) {
      const object = tip.parent_frame_id === 'world' ? objects.get(tip.child_frame_id) : undefined;
      if (object) {
        const { translation: v, rotation: r } = tip;
        object.ticks.push(tick);
        object.poses.push([v.x, v.y, v.z, r.x, r.y, r.z, r.w]);
        continue;
      }
      if (!tip.child_frame_id.endsWith('/tool_tip')) continue;
      const rcm = msg.transforms.find((x) => x.child_frame_id === tip.parent_frame_id && x.parent_frame_id === 'world');
      if (!rcm) continue;
      const r = rcm.rotation, v = tip.translation;
      quatRotateVec(p, [r.x, r.y, r.z, r.w], [v.x, v.y, v.z]);
      const t = track(tip.child_frame_id.slice(0, -'/tool_tip'.length));
      t.tipTicks.push(tick);
      t.tips.push([rcm.translation.x + p[0], rcm.translation.y + p[1], rcm.translation.z + p[2]]);
    }
  }
  const events: RecordingEvent[] = rec.events().map(({ tick, msg }) => ({ tick, level: msg.level, message: msg.message, name: msg.name }));
  if (!Number.isFinite(firstTick)) throw new Error('the recording holds no joint states');
  for (const [id, t] of objects) if (t.ticks.length === 0) objects.delete(id);
  return { meta, dt, scene, robots, objects, events, firstTick, lastTick, stateEvery: Math.max(1, Number(meta.state_every_ticks) || 1), complete: rec.complete };
}

/** Index of the last entry of an increasing list that is ≤ tick (−1 when none). */
export function sampleAt(ticks: readonly number[], tick: number): number {
  let lo = 0, hi = ticks.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid] <= tick) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}
