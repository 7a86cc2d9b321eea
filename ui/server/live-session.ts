// The live session, in the simulation thread (sim-worker.ts): the scene the server runs, its operator input
// and commands, recordings, and the state the clients see. It owns one LiveRun at a time and swaps it for a new
// one on `load_scenario` (validated before it gets here: a bad one leaves the old scene running) and on
// `start_recording` (a recording begins with a fresh run of the scene, so that it replays from the scenario's
// initial state). Input arrives validated by the main thread (connection.ts, sim-host.ts).
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { StateMessage } from '../protocol.ts';
import type { SimEvent } from '../../controller/events.ts';
import { describeTremorFilter } from '../../controller/filters/tremor-filter.ts';
import { describeExoSetting } from '../../controller/exo/controllers.ts';
import type { LoadedScenario } from '../../scenarios/loader.ts';
import { controllerFor } from '../../scenarios/schema.ts';
import { ClientError } from './errors.ts';
import { parseLiveEvent, type LiveEventInput } from './live-events.ts';
import { LATE_BUCKETS_MS, LiveRun } from './live-run.ts';
import { MAX_RECORDING_S } from './live-recording.ts';
import { describeScene, type ControllerSettings } from './scene.ts';
import { stateMessage } from './state-message.ts';
import { exoState } from './exo-state.ts';
import type { SceneInfo, SimCommand } from './sim-messages.ts';

export interface LiveSessionOptions {
  readonly scene: LoadedScenario;
  /** Folder for recordings made with `start_recording`. */
  readonly recordDir: string;
  /** Record the first run from its start into this file (`steadysim serve --record FILE`). */
  readonly recordFile?: string;
  /**
   * Joint states, commands and frames per simulated second in recordings (default 100; inputs, events and hashes
   * are always complete). At the full rate the recorder doubles the cost of a tick.
   */
  readonly recordRate?: number;
  /** Wall clock, ms (default performance.now). */
  readonly now?: () => number;
  /** Server log lines (default none). */
  readonly log?: (line: string) => void;
}

export interface SessionListener {
  /** A new scene runs: every client needs a new `welcome`. */
  sceneChanged(info: SceneInfo): void;
  /** A controller setting changed (a `set`). */
  controllersChanged(controllers: ControllerSettings): void;
  /** Something every client should hear about (the loop failed and the scene restarted). */
  notice(message: string): void;
}

export interface SessionStats {
  readonly scene: string;
  readonly tick: number;
  readonly ticks: number;
  readonly overruns: number;
  readonly overrunPercent: number;
  readonly meanTickMs: number;
  readonly maxTickMs: number;
  /** Ticks per lateness bucket: `≤1 ms`, `≤2 ms`, … `>100 ms`. */
  readonly late: Record<string, number>;
  readonly maxLateMs: number;
  /** Wall time the simulation's clock slipped (it fell too far behind real time), ms. */
  readonly slippedMs: number;
  readonly realtimeFactor: number;
  readonly inputsReceived: number;
  readonly inputsConsumed: number;
  readonly recording: string | null;
}

/** Events per state message at most (more follow in the next one). */
const EVENTS_PER_STATE = 200;
/** How often a recording writes its chunks and scenario (ms): at least once a second. */
const RECORDING_SYNC_MS = 500;

export class LiveSession {
  private current: LiveRun;
  private controllers: ControllerSettings;
  private controllersChanged = false;
  private readonly pendingEvents: SimEvent[] = [];
  private busy: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly recordDir: string;
  private readonly recordEveryTicks: (rate: number) => number;
  private readonly rtfWindow: { wall: number; tick: number }[] = [];
  private readonly syncTimer: ReturnType<typeof setInterval>;
  private readonly listeners = new Set<SessionListener>();
  private failures: number[] = [];
  private closed = false;
  /** Increases with every new run (connections reset their per-run memory when it changes). */
  generation = 0;

  private constructor(run: LiveRun, opts: LiveSessionOptions, now: () => number) {
    this.current = run;
    this.now = now;
    this.log = opts.log ?? (() => undefined);
    this.recordDir = opts.recordDir;
    this.recordEveryTicks = everyTicks(opts.recordRate);
    this.controllers = controllersOf(run);
    this.syncTimer = setInterval(() => this.housekeeping(), RECORDING_SYNC_MS);
    this.syncTimer.unref?.();
  }

  static async create(opts: LiveSessionOptions): Promise<LiveSession> {
    const now = opts.now ?? (() => performance.now());
    let session: LiveSession | undefined;
    const run = await LiveRun.start(opts.scene, {
      now, recordPath: opts.recordFile, recordEveryTicks: everyTicks(opts.recordRate)(opts.scene.scenario.rate), onFailure: (e) => session?.failed(e),
    });
    session = new LiveSession(run, opts, now);
    if (run.recording) session.log(`recording to ${run.recording.path}`);
    return session;
  }

  addListener(l: SessionListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get run(): LiveRun {
    return this.current;
  }

  /** The scene as the main thread describes it to clients. */
  sceneInfo(): SceneInfo {
    return { scene: describeScene(this.current.run), controllers: this.controllers, inputRobots: [...this.current.inputs.keys()] };
  }

  /**
   * One operator sample, validated by the main thread (finite, unit quaternion, inside the master workspace, a
   * robot that takes input), received at `arrivedAt` (ms since the epoch; a sample with a device timestamp: when
   * it was sent, as device-clock.ts maps it). A sample for a robot the scene no longer has (it just changed) is dropped.
   */
  input(robot: string, p: readonly number[], q: readonly number[], grip: number, clutch: boolean, arrivedAt: number, enable?: boolean): void {
    const run = this.current;
    const src = run.inputs.get(robot);
    if (!src) return;
    const tick = src.push(p, q, grip, clutch, run.tickFor(arrivedAt));
    // The operator's presence changed with this sample: enable or disable at the tick the sample is taken.
    if (enable !== undefined) run.schedule({ kind: enable ? 'enable' : 'disable', robot }, tick);
  }

  /**
   * Runs an operator command received at `arrivedAt` (ms since the epoch); resolves to the `ack` detail, or throws
   * a ClientError. Each takes effect at the tick its arrival maps to, as the input that came with it (so an
   * `enable` sees the samples sent before it), except the emergency stop: at once, at the next tick.
   */
  async command(c: SimCommand, arrivedAt: number): Promise<string> {
    if (this.closed) throw new ClientError('internal', 'the server is shutting down');
    const run = this.current;
    switch (c.name) {
      case 'estop':
        run.apply({ kind: 'estop' });
        return 'emergency stop: every arm holds its position (reset, then enable, to go on)';
      case 'reset':
        run.schedule({ kind: 'reset' }, run.tickFor(arrivedAt));
        return 'emergency stop cleared; the arms hold until enabled';
      case 'enable':
        if (run.run.exo?.sim.id === c.robot) {
          run.schedule({ kind: 'enable', robot: c.robot }, run.tickFor(arrivedAt));
          return `enable ${c.robot} requested (refused during an emergency stop: see the events)`;
        }
        this.teleoperated(c.robot);
        run.schedule({ kind: 'enable', robot: c.robot }, run.tickFor(arrivedAt));
        return `enable ${c.robot} requested (refused during an emergency stop or without fresh input: see the events)`;
      case 'set': {
        if (run.run.exo && run.run.exo.sim.id === c.robot) return this.setExo(run, c, arrivedAt);
        if (c.guidance !== undefined || c.controller !== undefined) {
          throw new ClientError(run.index.has(c.robot) ? 'invalid_message' : 'unknown_robot', `set: guidance and controller are for an exoskeleton; ${run.index.has(c.robot) ? `'${c.robot}' is an arm` : `no robot '${c.robot}' in the scene`}`);
        }
        this.teleoperated(c.robot);
        if (c.scale === undefined && c.tremor_filter === undefined) throw new ClientError('invalid_message', 'set needs scale, tremor_filter or both');
        const e = parseSet({ kind: 'set', robot: c.robot, scale: c.scale, tremor_filter: c.tremor_filter });
        run.schedule(e, run.tickFor(arrivedAt));
        const now = this.controllers[c.robot];
        this.controllers = { ...this.controllers, [c.robot]: { scale: e.scale ?? now.scale, tremor_filter: e.tremor_filter ?? now.tremor_filter } };
        this.controllersChanged = true;
        for (const l of this.listeners) l.controllersChanged(this.controllers);
        return `set ${c.robot}: ${[e.scale !== undefined ? `scale ${e.scale}` : '', e.tremor_filter ? `tremor filter ${describeTremorFilter(e.tremor_filter)}` : ''].filter(Boolean).join(', ')}`;
      }
      case 'start_recording': {
        const active = run.recording?.active ? run.recording : undefined;
        if (active) return `already recording to ${shown(active.path)}`;
        const path = this.newRecordingPath(run.scenario.name);
        await this.swap(run.loaded, path);
        return `recording to ${shown(path)} (the scene restarted from its start, so the recording replays)`;
      }
      case 'stop_recording': {
        const rec = run.recording?.active ? run.recording : undefined;
        if (!rec) return 'not recording';
        await this.serial(() => rec.finish(run.lastTick + 1));
        return `recording saved: ${shown(rec.path)} (${round3(rec.recordedTicks * run.run.frame.dt)} s; \`steadysim replay --verify\` re-runs it)`;
      }
    }
  }

  /** Replaces the scene (validated by the caller); resolves to the `ack` detail. */
  async load(loaded: LoadedScenario): Promise<string> {
    if (this.closed) throw new ClientError('internal', 'the server is shutting down');
    await this.swap(loaded, undefined);
    return `loaded scenario '${loaded.scenario.name}'${this.current.inputs.size ? ` (live input: ${[...this.current.inputs.keys()].join(', ')})` : ''}`;
  }

  /** The state now, with the events since the last call. */
  stateMessage(): StateMessage {
    const run = this.current;
    const events = this.pendingEvents.length ? this.pendingEvents.splice(0, EVENTS_PER_STATE) : [];
    if (events.length < EVENTS_PER_STATE) events.push(...run.takeEvents(EVENTS_PER_STATE - events.length));
    const wall = this.now();
    const msg = stateMessage(run.run.world, run.run.frame, Math.max(0, run.lastTick), {
      sentAt: performance.timeOrigin + performance.now(),
      estop: run.estopEngaged,
      recording: run.recording?.active ?? false,
      realtimeFactor: this.realtimeFactor(wall, run),
      overruns: run.stats.overruns,
      events,
    });
    const exo = exoState(run.run);
    if (exo) msg.exo = exo;
    if (this.controllersChanged) {
      msg.controllers = this.controllers;
      this.controllersChanged = false;
    }
    return msg;
  }

  stats(): SessionStats {
    const run = this.current;
    const s = run.stats;
    const late: Record<string, number> = {};
    LATE_BUCKETS_MS.forEach((b, i) => { late[`<=${b}ms`] = s.late[i]; });
    late[`>${LATE_BUCKETS_MS[LATE_BUCKETS_MS.length - 1]}ms`] = s.late[LATE_BUCKETS_MS.length];
    let received = 0, consumed = 0;
    for (const src of run.inputs.values()) { received += src.received; consumed += src.consumed; }
    return {
      scene: run.scenario.name,
      tick: run.lastTick,
      ticks: s.ticks,
      overruns: s.overruns,
      overrunPercent: s.ticks ? (100 * s.overruns) / s.ticks : 0,
      meanTickMs: s.ticks ? s.totalTickMs / s.ticks : 0,
      maxTickMs: s.maxTickMs,
      late,
      maxLateMs: s.maxLateMs,
      slippedMs: s.slippedMs,
      realtimeFactor: this.realtimeFactor(this.now(), run),
      inputsReceived: received,
      inputsConsumed: consumed,
      recording: run.recording?.active ? run.recording.path : null,
    };
  }

  /** Finishes a recording in progress, stops the scene. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.syncTimer);
    await this.busy.catch(() => undefined);
    const run = this.current;
    if (run.recording?.active) {
      try {
        await run.recording.finish(run.lastTick + 1);
        this.log(`recording saved: ${run.recording.path}`);
      } catch (e) {
        this.log(`recording could not be finished: ${(e as Error).message}`);
      }
    }
    run.stop();
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * The exoskeleton's `set`: controller kind and/or guidance, at the tick the message's arrival maps to, as an
   * arm's `set`; it goes into a recording's scenario, so the recording replays it.
   */
  private setExo(run: LiveRun, c: Extract<SimCommand, { name: 'set' }>, arrivedAt: number): string {
    if (c.scale !== undefined || c.tremor_filter !== undefined) throw new ClientError('invalid_message', `set: the exoskeleton '${c.robot}' takes guidance and controller, not scale or tremor_filter`);
    if (c.guidance === undefined && c.controller === undefined) throw new ClientError('invalid_message', 'set needs guidance, controller or both');
    run.schedule(parseSet({ kind: 'set', robot: c.robot, controller: c.controller, guidance: c.guidance }), run.tickFor(arrivedAt));
    return `set ${c.robot}: ${describeExoSetting(c.controller, c.guidance)}`;
  }

  private teleoperated(robot: string): void {
    const run = this.current;
    if (run.teleoperated.has(robot)) return;
    const psms = [...run.teleoperated];
    throw new ClientError('unknown_robot', run.index.has(robot)
      ? `robot '${robot}' is not teleoperated (an ECM holds its pose)`
      : `no robot '${robot}' in the scene${psms.length ? ` (teleoperated: ${psms.join(', ')})` : ''}`);
  }

  /** Replaces the running scene by a new run of `loaded` (recorded into `recordPath` if given). */
  private swap(loaded: LoadedScenario, recordPath: string | undefined): Promise<void> {
    return this.serial(async () => {
      if (this.closed) throw new ClientError('internal', 'the server is shutting down');
      const old = this.current;
      if (old.recording?.active) {
        await old.recording.finish(old.lastTick + 1);
        this.log(`recording saved: ${old.recording.path}`);
      }
      let next: LiveRun;
      try {
        next = await LiveRun.start(loaded, {
          now: this.now, recordPath, recordEveryTicks: this.recordEveryTicks(loaded.scenario.rate), onFailure: (e) => this.failed(e),
        });
      } catch (e) {
        if (e instanceof ClientError) throw e;
        throw new ClientError('bad_scenario', `the scenario cannot run: ${(e as Error).message}`);
      }
      // Whatever the old run logged and nobody has seen yet still goes out.
      for (let batch = old.takeEvents(1000); batch.length; batch = old.takeEvents(1000)) this.pendingEvents.push(...batch);
      const estop = old.estopEngaged;
      old.stop();
      this.current = next;
      this.generation++;
      this.controllers = controllersOf(next);
      this.controllersChanged = false;
      this.rtfWindow.length = 0;
      // An emergency stop stays engaged across a scene change until someone resets it.
      if (estop) next.apply({ kind: 'estop' });
      this.log(`scene '${loaded.scenario.name}' running${recordPath ? `, recording to ${recordPath}` : ''}`);
      const info = this.sceneInfo();
      for (const l of this.listeners) l.sceneChanged(info);
    });
  }

  /** The loop threw: tell everyone and run the scene again from its start (at most 3 times a minute). */
  private failed(e: unknown): void {
    const run = this.current;
    const message = `the simulation failed at tick ${run.lastTick + 1}: ${e instanceof Error ? e.message : String(e)}`;
    this.log(message);
    const t = this.now();
    this.failures = this.failures.filter((x) => t - x < 60_000);
    this.failures.push(t);
    const restart = this.failures.length <= 3 && !this.closed;
    for (const l of this.listeners) l.notice(`${message}; ${restart ? 'the scene restarts' : 'it failed 3 times in a minute: load a scenario to go on'}`);
    if (restart) this.swap(run.loaded, undefined).catch((err: unknown) => this.log(`restart failed: ${(err as Error).message}`));
  }

  private housekeeping(): void {
    const run = this.current;
    const rec = run.recording;
    if (!rec?.active || !run.running) return;
    const ticks = run.lastTick + 1;
    const done = ticks * run.run.frame.dt >= MAX_RECORDING_S;
    const write = done ? rec.finish(ticks) : rec.sync(ticks);
    write.then(
      () => { if (done) this.log(`recording stopped after ${MAX_RECORDING_S} s (the longest scenario): ${rec.path}`); },
      (e: unknown) => { this.log(`recording failed: ${(e as Error).message}`); rec.abandon(); },
    );
  }

  private realtimeFactor(wall: number, run: LiveRun): number {
    const w = this.rtfWindow;
    w.push({ wall, tick: run.lastTick });
    while (w.length > 2 && wall - w[1].wall >= 1000) w.shift();
    const first = w[0];
    const dtWall = (wall - first.wall) / 1000;
    return dtWall > 0.05 ? ((run.lastTick - first.tick) * run.run.frame.dt) / dtWall : 1;
  }

  private newRecordingPath(name: string): string {
    mkdirSync(this.recordDir, { recursive: true });
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const stamp = `${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}-${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}`;
    const base = `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-${stamp}`;
    let path = join(this.recordDir, `${base}.mcap`);
    for (let i = 2; existsSync(path); i++) path = join(this.recordDir, `${base}-${i}.mcap`);
    return path;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn);
    this.busy = next.catch(() => undefined);
    return next;
  }
}

/** Default rate of joint states, commands and frames in a live recording, per simulated second. */
export const DEFAULT_RECORD_RATE = 100;

function everyTicks(rate = DEFAULT_RECORD_RATE): (loopRate: number) => number {
  return (loopRate) => Math.max(1, Math.round(loopRate / rate));
}

function controllersOf(run: LiveRun): ControllerSettings {
  const out: ControllerSettings = {};
  for (const r of run.scenario.robots) {
    const c = controllerFor(run.scenario, r.id);
    out[r.id] = { scale: c.scale, tremor_filter: c.tremor_filter };
  }
  return out;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A live `set` checked as the scenario language checks a `set` event (so a recording's scenario parses). */
function parseSet(e: Extract<LiveEventInput, { kind: 'set' }>): Extract<LiveEventInput, { kind: 'set' }> {
  let parsed: LiveEventInput;
  try {
    parsed = parseLiveEvent(e);
  } catch (err) {
    throw new ClientError('invalid_message', `set: ${(err as Error).message}`);
  }
  if (parsed.kind !== 'set') throw new ClientError('internal', 'set parsed as another event');
  return parsed;
}
