// A SteadySim recording read in the browser (@mcap/core's stream reader over the file's bytes, so a file cut
// short reads up to its last chunk): the metadata, and per robot the joint states, the tool tip from `/tf`, the
// operator input; the events. Topic names as scenarios/recording/topics.ts writes them.
import { McapStreamReader } from '@mcap/core';
import type { InputMessage, SteadySimMetadata } from '../../scenarios/recording/topics.ts';

const METADATA_NAME = 'steadysim';
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

export interface RecordingEvent { readonly tick: number; readonly level: number; readonly message: string; readonly name: string }

export interface BrowserRecording {
  readonly meta: SteadySimMetadata;
  readonly dt: number;
  readonly robots: Map<string, RobotTrack>;
  readonly events: RecordingEvent[];
  readonly firstTick: number;
  readonly lastTick: number;
  /** Ticks between state samples (the recording's `--record-rate`). */
  readonly stateEvery: number;
  /** False when the file has no footer (a run cut short). */
  readonly complete: boolean;
}

interface Transform {
  parent_frame_id: string;
  child_frame_id: string;
  translation: { x: number; y: number; z: number };
  rotation: { x: number; y: number; z: number; w: number };
}

const decoder = new TextDecoder();
function decode<T>(data: Uint8Array): T {
  return JSON.parse(decoder.decode(data), (_k, v: unknown) => (v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as T;
}

export function readRecording(bytes: Uint8Array): BrowserRecording {
  const reader = new McapStreamReader({ validateCrcs: true });
  reader.append(bytes);
  const channels = new Map<number, string>();
  let meta: SteadySimMetadata | undefined;
  let complete = false;
  const messages: { topic: number; logTime: bigint; data: Uint8Array }[] = [];
  try {
    for (let r = reader.nextRecord(); r; r = reader.nextRecord()) {
      if (r.type === 'Channel') channels.set(r.id, r.topic);
      else if (r.type === 'Metadata' && r.name === METADATA_NAME) meta = Object.fromEntries(r.metadata) as unknown as SteadySimMetadata;
      else if (r.type === 'Message') messages.push({ topic: r.channelId, logTime: r.logTime, data: r.data });
      else if (r.type === 'Footer') complete = true;
    }
  } catch (e) {
    if (!meta) throw new Error(`not a readable MCAP file: ${(e as Error).message}`);
  }
  if (!meta) throw new Error(`no '${METADATA_NAME}' metadata: not a SteadySim recording`);
  const dt = Number(meta.dt);
  const dtNs = BigInt(Math.round(dt * 1e9));
  const robots = new Map<string, RobotTrack>();
  const track = (id: string): RobotTrack => {
    let t = robots.get(id);
    if (!t) robots.set(id, (t = { id, joints: [], ticks: [], positions: [], tipTicks: [], tips: [], inputTicks: [], inputs: [] }));
    return t;
  };
  const events: RecordingEvent[] = [];
  let firstTick = Infinity, lastTick = -Infinity;
  for (const m of messages) {
    const topic = channels.get(m.topic);
    if (topic === undefined) continue;
    const tick = Number(m.logTime / dtNs);
    let match: RegExpMatchArray | null;
    if ((match = topic.match(JOINT_STATES))) {
      const js = decode<{ joints: { name: string; position: number }[] }>(m.data);
      const t = track(match[1]);
      if (t.joints.length === 0) t.joints = js.joints.map((j) => j.name);
      t.ticks.push(tick);
      t.positions.push(Float64Array.from(js.joints, (j) => j.position));
      firstTick = Math.min(firstTick, tick);
      lastTick = Math.max(lastTick, tick);
    } else if (topic === '/tf') {
      const tf = decode<{ transforms: Transform[] }>(m.data).transforms;
      for (const tip of tf) {
        if (!tip.child_frame_id.endsWith('/tool_tip')) continue;
        const rcm = tf.find((x) => x.child_frame_id === tip.parent_frame_id && x.parent_frame_id === 'world');
        if (!rcm) continue;
        const t = track(tip.child_frame_id.slice(0, -'/tool_tip'.length));
        t.tipTicks.push(tick);
        t.tips.push(compose(rcm, tip.translation));
      }
    } else if ((match = topic.match(INPUT))) {
      const inp = decode<InputMessage>(m.data);
      const t = track(match[1]);
      t.inputTicks.push(inp.tick);
      t.inputs.push(inp.p);
    } else if (topic === '/events') {
      const e = decode<{ level: number; message: string; name: string }>(m.data);
      events.push({ tick, level: e.level, message: e.message, name: e.name });
    }
  }
  if (!Number.isFinite(firstTick)) throw new Error('the recording holds no joint states');
  return { meta, dt, robots, events, firstTick, lastTick, stateEvery: Math.max(1, Number(meta.state_every_ticks) || 1), complete };
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

/** World position of a point given in a frame whose pose in the world is `frame`. */
function compose(frame: Transform, p: { x: number; y: number; z: number }): [number, number, number] {
  const { x, y, z, w } = frame.rotation;
  const vx = p.x, vy = p.y, vz = p.z;
  // v' = v + 2w(q×v) + 2q×(q×v)
  const cx = y * vz - z * vy, cy = z * vx - x * vz, cz = x * vy - y * vx;
  const rx = vx + 2 * (w * cx + y * cz - z * cy);
  const ry = vy + 2 * (w * cy + z * cx - x * cz);
  const rz = vz + 2 * (w * cz + x * cy - y * cx);
  return [frame.translation.x + rx, frame.translation.y + ry, frame.translation.z + rz];
}
