// Parses a SteadySim recording from its bytes with MCAP's streaming reader, so that a file cut short (a
// killed run, no summary or footer) reads up to its last complete chunk just like a finished one.
// No Node APIs here: the page's replay viewer parses recordings with it too (reader.ts reads files).
import { McapStreamReader } from '@mcap/core';
import { decode, METADATA_NAME, topic, type CommandMessage, type HashMessage, type InputMessage, type SteadySimMetadata } from './topics.ts';

export interface JointStatesMessage {
  timestamp: { sec: number; nsec: number };
  joints: { name: string; position: number; velocity: number; effort: number }[];
}

export interface TransformMessage {
  transforms: { parent_frame_id: string; child_frame_id: string; translation: { x: number; y: number; z: number }; rotation: { x: number; y: number; z: number; w: number } }[];
}

export interface LogMessage { timestamp: { sec: number; nsec: number }; level: number; message: string; name: string }

export interface Recording {
  readonly meta: SteadySimMetadata;
  /** Topic → messages in file order, each with its tick (from the log time). */
  readonly topics: ReadonlyMap<string, readonly { tick: number; data: Uint8Array }[]>;
  /** True when the file ends with a footer (the run finished); false for a file cut short. */
  readonly complete: boolean;
  inputs(robot: string): InputMessage[];
  jointStates(robot: string): { tick: number; msg: JointStatesMessage }[];
  commands(robot: string): CommandMessage[];
  transforms(): { tick: number; msg: TransformMessage }[];
  hashes(): HashMessage[];
  events(): { tick: number; msg: LogMessage }[];
}

export class RecordingError extends Error {}

export function parseRecording(bytes: Uint8Array, path = '<recording>'): Recording {
  const reader = new McapStreamReader({ validateCrcs: true });
  reader.append(bytes);
  const channels = new Map<number, string>();
  const topics = new Map<string, { tick: number; data: Uint8Array }[]>();
  let meta: SteadySimMetadata | undefined;
  let complete = false;
  let dtNs = 0n;
  const pending: { channelId: number; logTime: bigint; data: Uint8Array }[] = [];
  try {
    for (let r = reader.nextRecord(); r; r = reader.nextRecord()) {
      if (r.type === 'Channel') channels.set(r.id, r.topic);
      else if (r.type === 'Metadata' && r.name === METADATA_NAME) meta = Object.fromEntries(r.metadata) as unknown as SteadySimMetadata;
      else if (r.type === 'Message') pending.push({ channelId: r.channelId, logTime: r.logTime, data: r.data });
      else if (r.type === 'Footer') complete = true;
    }
  } catch (e) {
    // A torn last record: keep everything before it.
    if (!meta) throw new RecordingError(`${path}: not a readable MCAP file: ${(e as Error).message}`);
  }
  if (!meta) throw new RecordingError(`${path}: no '${METADATA_NAME}' metadata: not a SteadySim recording`);
  dtNs = BigInt(Math.round(Number(meta.dt) * 1e9));
  for (const m of pending) {
    const t = channels.get(m.channelId);
    if (t === undefined) continue;
    let list = topics.get(t);
    if (!list) topics.set(t, (list = []));
    list.push({ tick: Number(m.logTime / dtNs), data: m.data });
  }
  const all = <T>(t: string) => (topics.get(t) ?? []).map((m) => ({ tick: m.tick, msg: decode<T>(m.data) }));
  return {
    meta, topics, complete,
    inputs: (robot) => all<InputMessage>(topic.input(robot)).map((x) => x.msg),
    jointStates: (robot) => all<JointStatesMessage>(topic.jointStates(robot)),
    commands: (robot) => all<CommandMessage>(topic.command(robot)).map((x) => x.msg),
    transforms: () => all<TransformMessage>(topic.tf),
    hashes: () => all<HashMessage>(topic.hash).map((x) => x.msg),
    events: () => all<LogMessage>(topic.events),
  };
}
