// Records a run to MCAP (JSON-encoded, chunked and indexed, Foxglove-readable): the operator input as the
// device delivered it, joint states and commands, the RCM and tool-tip frames and those of the free objects,
// events, and the state hash with the raw numbers behind it. The scenario text and seed go into a `steadysim`
// metadata record, so `steadysim replay` can run it again.
//
// The loop is synchronous; the writer is not. Messages are queued by the tap and written by `flush()`,
// which the runner awaits between slices of simulated time (one second at most), so a killed run loses at
// most that second.
import pkg from '../../package.json' with { type: 'json' };
import { McapWriter } from '@mcap/core';
import { map } from 'rxjs';
import type { InputSource } from '../../controller/input-source.ts';
import type { EventLog, SimEvent } from '../../controller/events.ts';
import type { Stage } from '../../controller/loop.ts';
import type { SimWorld } from '../../sim/world.ts';
import { mat4, mat4InvertRigid, mat4Mul, mat4ToQuat } from '../../sim/math/mat4.ts';
import { RecordingSource } from './input-tap.ts';
import { schemas } from './schemas.ts';
import { SyncFileWritable } from './sync-writable.ts';
import {
  encode, FORMAT_VERSION, METADATA_NAME, tickTime, topic,
  type CommandMessage, type HashMessage, type InputMessage, type SteadySimMetadata,
} from './topics.ts';

export interface RecordOptions {
  /** Output file (.mcap). */
  readonly path: string;
  /** The scenario's YAML text (stored, so the recording replays on its own). */
  readonly scenarioText: string;
  readonly scenarioFile?: string;
  /** Joint states, commands and frames every N ticks (inputs, events and hashes are never decimated). Default 1. */
  readonly stateEveryTicks?: number;
}

export interface RecordContext {
  readonly world: SimWorld;
  readonly log: EventLog;
  readonly seed: number;
  readonly hashInterval: number;
  /** Hash checkpoints as the runner computes them (the tap reads the newest). */
  readonly hashes: readonly { readonly tick: number; readonly hash: string }[];
  readonly controllerLabels: readonly string[];
}

interface Queued {
  readonly channel: number;
  readonly tick: number;
  readonly data: Uint8Array;
}

const LEVEL: Partial<Record<SimEvent['kind'], number>> = {
  safe_state: 4, estop: 4, watchdog: 3, non_finite: 3, input_rejected: 3, tracking_error: 4, force_limit: 3,
  joint_limit: 3, motor_fault: 4, input_dropout: 3,
};
const INFO = 2;

export class RunRecorder {
  private readonly opts: RecordOptions;
  private readonly stateEvery: number;
  private readonly writable: SyncFileWritable;
  private readonly writer: McapWriter;
  private readonly queue: Queued[] = [];
  private readonly inputChannels = new Map<string, number>();
  private pendingInputs: { robot: string; m: InputMessage }[] = [];
  private channels = { events: 0, hash: 0, tf: 0, joints: [] as number[], command: [] as number[], mechanisms: [] as number[] };
  private ctx: RecordContext | undefined;
  private meta: SteadySimMetadata | undefined;
  private dtNs = 0n;
  private eventsSeen = 0;
  private closed = false;

  constructor(opts: RecordOptions) {
    this.opts = opts;
    this.stateEvery = Math.max(1, Math.round(opts.stateEveryTicks ?? 1));
    this.writable = new SyncFileWritable(opts.path);
    // Chunks close when they pass chunkSize. The smallest steady flow is the state at its rate (~1.5 kB per
    // robot per sample); sizing chunks to half a second of that closes at least one chunk per simulated second.
    this.writer = new McapWriter({ writable: this.writable, chunkSize: 64 * 1024 });
  }

  /** Wraps a robot's input source so that what it delivers is recorded (call before the run starts). */
  wrapSource(robot: string, source: InputSource | undefined): InputSource {
    return new RecordingSource(source, (m) => { if (!this.closed) this.pendingInputs.push({ robot, m }); });
  }

  async open(ctx: RecordContext): Promise<void> {
    this.ctx = ctx;
    const w = this.writer;
    const world = ctx.world;
    this.dtNs = BigInt(Math.round(world.dt * 1e9));
    await w.start({ profile: '', library: `steadysim ${steadysimVersion()}` });
    const json = (s: object) => new TextEncoder().encode(JSON.stringify(s));
    const sid = {
      input: await w.registerSchema({ name: 'steadysim.Input', encoding: 'jsonschema', data: json(schemas.input) }),
      command: await w.registerSchema({ name: 'steadysim.JointCommand', encoding: 'jsonschema', data: json(schemas.command) }),
      hash: await w.registerSchema({ name: 'steadysim.StateHash', encoding: 'jsonschema', data: json(schemas.hash) }),
      joints: await w.registerSchema({ name: 'foxglove.JointStates', encoding: 'jsonschema', data: json(schemas.jointStates) }),
      tf: await w.registerSchema({ name: 'foxglove.FrameTransforms', encoding: 'jsonschema', data: json(schemas.tf) }),
      log: await w.registerSchema({ name: 'foxglove.Log', encoding: 'jsonschema', data: json(schemas.log) }),
    };
    const channel = (t: string, schemaId: number) => w.registerChannel({ topic: t, schemaId, messageEncoding: 'json', metadata: new Map() });
    for (const r of world.robots) {
      this.inputChannels.set(r.id, await channel(topic.input(r.id), sid.input));
      this.channels.joints.push(await channel(topic.jointStates(r.id), sid.joints));
      this.channels.command.push(await channel(topic.command(r.id), sid.command));
    }
    // Mechanisms with joints (the exoskeleton and its patient): their joint states per tick.
    for (const m of world.mechanisms) if (m.jointStates) this.channels.mechanisms.push(await channel(topic.jointStates(m.id), sid.joints));
    this.channels.tf = await channel(topic.tf, sid.tf);
    this.channels.events = await channel(topic.events, sid.log);
    this.channels.hash = await channel(topic.hash, sid.hash);
    const meta: SteadySimMetadata = {
      format: String(FORMAT_VERSION),
      scenario: this.opts.scenarioText,
      scenario_file: this.opts.scenarioFile ?? '',
      seed: String(ctx.seed),
      dt: String(world.dt),
      hash_interval: String(ctx.hashInterval),
      state_every_ticks: String(this.stateEvery),
      steadysim_version: steadysimVersion(),
      rapier_version: world.R.version(),
      state_labels: JSON.stringify(world.stateLabels(ctx.controllerLabels)),
    };
    this.meta = meta;
    await w.addMetadata({ name: METADATA_NAME, metadata: new Map(Object.entries(meta)) });
  }

  /**
   * Writes the metadata again with another scenario text (readers take the last record): the live server's
   * scenario grows its operator commands as `events` and its `duration` as the run goes on.
   */
  async updateScenario(scenarioText: string): Promise<void> {
    if (!this.meta || this.closed) return;
    this.meta = { ...this.meta, scenario: scenarioText };
    await this.writer.addMetadata({ name: METADATA_NAME, metadata: new Map(Object.entries(this.meta)) });
  }

  /** The loop tap: queues this tick's messages. */
  tap(): Stage {
    const tip = mat4(), inv = mat4(), local = mat4(), quat = new Float64Array(4);
    return map((f) => {
      const ctx = this.ctx;
      if (!ctx) throw new Error('RunRecorder: open() was not awaited before the run');
      if (this.closed) return f; // a live run goes on after its recording stopped
      const tick = f.tick;
      for (const { robot, m } of this.pendingInputs) this.push(this.inputChannels.get(robot)!, m.tick, m);
      this.pendingInputs = [];
      const { stamp } = tickTime(tick, this.dtNs);
      if (tick % this.stateEvery === 0) {
        const transforms: object[] = [];
        ctx.world.robots.forEach((r, i) => {
          const names = r.spec.joints.map((j) => j.name);
          this.push(this.channels.joints[i], tick, {
            timestamp: stamp,
            joints: names.map((name, j) => ({ name, position: r.position[j], velocity: r.velocity[j], effort: r.effort[j] })),
          });
          const cmd: CommandMessage = {
            timestamp: stamp, tick, joints: names, mode: Array.from(r.mode),
            position: Array.from(r.commandPosition), velocity: Array.from(r.commandVelocity), effort: Array.from(r.commandEffort),
          };
          this.push(this.channels.command[i], tick, cmd);
          const b = r.base;
          mat4ToQuat(quat, b);
          transforms.push({ timestamp: stamp, parent_frame_id: 'world', child_frame_id: `${r.id}/rcm`, translation: { x: b[3], y: b[7], z: b[11] }, rotation: { x: quat[0], y: quat[1], z: quat[2], w: quat[3] } });
          r.tipPose(tip);
          mat4Mul(local, mat4InvertRigid(inv, b), tip);
          mat4ToQuat(quat, local);
          transforms.push({ timestamp: stamp, parent_frame_id: `${r.id}/rcm`, child_frame_id: `${r.id}/tool_tip`, translation: { x: local[3], y: local[7], z: local[11] }, rotation: { x: quat[0], y: quat[1], z: quat[2], w: quat[3] } });
        });
        // Free objects (a peg being handed over) in the world; fixed ones never move and stay out.
        for (const o of ctx.world.objects) {
          if (o.spec.fixed) continue;
          const p = o.body.translation(), q = o.body.rotation();
          transforms.push({ timestamp: stamp, parent_frame_id: 'world', child_frame_id: o.spec.id, translation: { x: p.x, y: p.y, z: p.z }, rotation: { x: q.x, y: q.y, z: q.z, w: q.w } });
        }
        this.push(this.channels.tf, tick, { transforms });
        let k = 0;
        for (const m of ctx.world.mechanisms) {
          const js = m.jointStates;
          if (!js) continue;
          this.push(this.channels.mechanisms[k++], tick, {
            timestamp: stamp,
            joints: js.names.map((name, j) => ({ name, position: js.position[j], velocity: js.velocity[j], effort: js.effort[j] })),
          });
        }
      }
      const events = ctx.log.events;
      for (; this.eventsSeen < events.length; this.eventsSeen++) this.pushEvent(events[this.eventsSeen]);
      const last = ctx.hashes[ctx.hashes.length - 1];
      if (last && last.tick === tick + 1) {
        const h: HashMessage = { tick: last.tick, hash: last.hash, state: Array.from(ctx.world.lastHashedState()) };
        this.push(this.channels.hash, tick, h);
      }
      return f;
    });
  }

  private pushEvent(e: SimEvent): void {
    const { stamp } = tickTime(e.tick, this.dtNs);
    this.push(this.channels.events, e.tick, {
      timestamp: stamp, level: LEVEL[e.kind] ?? INFO, message: `${e.kind}: ${e.detail}`, name: e.robot ?? 'run', file: '', line: 0,
    });
  }

  private push(channel: number, tick: number, value: unknown): void {
    this.queue.push({ channel, tick, data: encode(value) });
  }

  /** Writes everything queued so far (chunks close as they fill). */
  async flush(): Promise<void> {
    const q = this.queue.splice(0, this.queue.length);
    for (const m of q) {
      const { ns } = tickTime(m.tick, this.dtNs);
      await this.writer.addMessage({ channelId: m.channel, sequence: m.tick, logTime: ns, publishTime: ns, data: m.data });
    }
  }

  /** Writes the verdicts as log lines, then the summary and footer (the file is complete and indexed). */
  async close(finalTick: number, verdicts: readonly { name: string; passed: boolean; detail: string }[] = []): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { stamp } = tickTime(finalTick, this.dtNs);
    for (const v of verdicts) {
      this.push(this.channels.events, finalTick, { timestamp: stamp, level: v.passed ? INFO : 4, message: `expectation ${v.passed ? 'passed' : 'FAILED'}: ${v.name} ${v.detail}`, name: 'expect', file: '', line: 0 });
    }
    await this.flush();
    await this.writer.end();
    this.writable.close();
  }

  /** Closes the file without finishing it (after a failure): what was written stays readable. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.writable.close();
  }
}

/** Imported, not read from disk beside this file: the batch worker runs from a bundle elsewhere. */
export function steadysimVersion(): string {
  return pkg.version;
}
