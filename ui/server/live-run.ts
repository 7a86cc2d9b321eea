// One run of a scene on the realtime clock: the same prepared loop as a headless run (scenarios/runner.ts
// prepareRun), with the scene's PSMs fed by live input sources (`inputOverride`), paced by the wall clock
// (controller/clock.ts realtimeClock), optionally recorded. It runs until stopped: past the scenario's
// `duration` the clock simply goes on (nothing is scheduled after it).
//
// Per tick it measures, allocation-free: how late the tick started behind its due wall-clock time and how long
// it took. A tick whose computation takes longer than its period (dt) is an overrun.
//
// Pacing: the clock runs at most MAX_BURST ticks before it lets the server read its sockets, so input and state
// keep flowing while it catches up. When the machine cannot keep up at all, the run does not race to catch up
// later: once it is more than MAX_LAG_MS behind the wall clock, the clock it is paced by slips to the present
// (no tick is skipped; the simulation has run slower than real time for that while, the real-time factor shows it).
import { map, type Subscription } from 'rxjs';
import { realtimeClock } from '../../controller/clock.ts';
import type { SimEvent } from '../../controller/events.ts';
import type { InputSource } from '../../controller/input-source.ts';
import type { LoadedScenario } from '../../scenarios/loader.ts';
import { prepareRun, type PreparedRun } from '../../scenarios/runner.ts';
import type { Scenario } from '../../scenarios/schema.ts';
import { LiveInputSource } from './live-input.ts';
import { applyLiveEvent, type LiveEvent, type LiveEventInput } from './live-events.ts';
import { LiveRecording } from './live-recording.ts';

/** The metrics' per-tick buffers cover at most this much of a live run (they are not reported live). */
const METRICS_WINDOW_S = 60;
/** Upper edges (ms) of the lateness histogram's buckets; the last bucket is everything above. */
export const LATE_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100] as const;
/** Most ticks in one burst of the realtime clock (10 ms of simulated time at 1 kHz). */
export const MAX_BURST = 10;
/** Furthest the simulation may fall behind the wall clock before its clock slips, ms. */
export const MAX_LAG_MS = 100;
/** Without a recording, the event log keeps at most this many events already sent to the clients. */
const EVENT_LOG_KEEP = 2000;


export interface TickStats {
  ticks: number;
  /** Ticks whose computation took longer than one period. */
  overruns: number;
  /** Longest tick computation, ms. */
  maxTickMs: number;
  /** Sum of tick computation times, ms. */
  totalTickMs: number;
  /** How late ticks started behind the wall clock: counts per LATE_BUCKETS_MS bucket (+ one above). */
  readonly late: Int32Array;
  maxLateMs: number;
  /** Wall time the clock slipped because the simulation fell over MAX_LAG_MS behind, ms. */
  slippedMs: number;
}

export interface LiveRunOptions {
  /** Wall clock, ms (performance.now). */
  readonly now: () => number;
  /** Record this run to an MCAP file. */
  readonly recordPath?: string;
  /** Joint states, commands and frames in the recording every N ticks (inputs, events, hashes: all). */
  readonly recordEveryTicks?: number;
  /** The loop threw: the run has stopped. */
  readonly onFailure: (e: unknown) => void;
}

export class LiveRun {
  readonly scenario: Scenario;
  /** Robots that take live input, each with its source. */
  readonly inputs: ReadonlyMap<string, LiveInputSource>;
  /** Robot id → index in the frame. */
  readonly index: ReadonlyMap<string, number>;
  /** The scene's PSMs (the robots `enable`, `disable` and `set` apply to). */
  readonly teleoperated: ReadonlySet<string>;
  readonly stats: TickStats = { ticks: 0, overruns: 0, maxTickMs: 0, totalTickMs: 0, late: new Int32Array(LATE_BUCKETS_MS.length + 1), maxLateMs: 0, slippedMs: 0 };
  /** The last tick that ran (−1 before the first). */
  lastTick = -1;
  /** Whether the emergency stop is engaged (from the events the run logged, as far as `takeEvents` has read). */
  estopEngaged = false;
  readonly recording: LiveRecording | undefined;
  private sub: Subscription | undefined;
  private eventCursor = 0;
  private stopped = false;
  private freed = false;
  /** Wall time (performance.now) at which tick 0 was due, moved on by every slip: tick k is due at origin + k·dt. */
  private originMs = 0;
  private readonly dtMs: number;
  /** Operator events waiting for their tick (those that came with input the simulation has not reached yet). */
  private readonly scheduled: { readonly event: LiveEventInput; readonly tick: number }[] = [];

  private constructor(readonly loaded: LoadedScenario, readonly run: PreparedRun, inputs: Map<string, LiveInputSource>, recording: LiveRecording | undefined) {
    this.scenario = loaded.scenario;
    this.inputs = inputs;
    this.index = new Map(this.scenario.robots.map((r, i) => [r.id, i]));
    this.teleoperated = new Set(this.scenario.robots.filter((r) => r.type === 'psm').map((r) => r.id));
    this.recording = recording;
    this.dtMs = run.frame.dt * 1000;
  }

  /** Builds the run (world, loop, recorder) and starts its clock at tick 0. */
  static async start(loaded: LoadedScenario, opts: LiveRunOptions): Promise<LiveRun> {
    const s = loaded.scenario;
    const inputs = new Map<string, LiveInputSource>();
    for (const r of s.robots) if (r.type === 'psm' && s.input[r.id] === undefined) inputs.set(r.id, new LiveInputSource());
    const run = await prepareRun({ ...s, duration: Math.min(s.duration, METRICS_WINDOW_S) }, {
      inputOverride: inputs as ReadonlyMap<string, InputSource>,
      record: opts.recordPath ? { path: opts.recordPath, scenarioText: loaded.text, scenarioFile: loaded.file, stateEveryTicks: opts.recordEveryTicks } : undefined,
    });
    let recording: LiveRecording | undefined;
    try {
      if (run.recorder) {
        await run.recorder.open({
          world: run.world, log: run.log, seed: s.seed, hashInterval: run.hashInterval, hashes: run.hashes,
          controllerLabels: run.controllerLabels(),
        });
        recording = new LiveRecording(opts.recordPath!, run.recorder, loaded.text, run.frame.dt);
      }
    } catch (e) {
      run.recorder?.abandon();
      run.world.free();
      throw e;
    }
    const live = new LiveRun(loaded, run, inputs, recording);
    live.startClock(opts);
    return live;
  }

  private startClock(opts: LiveRunOptions): void {
    const { frame, loop } = this.run;
    const wall = opts.now;
    let slip = 0;
    const now = (): number => wall() - slip;
    const dtMs = frame.dt * 1000;
    const stats = this.stats;
    const late = stats.late;
    const buckets = LATE_BUCKETS_MS;
    let tickStart = 0;
    const before = map((f: typeof frame) => {
      tickStart = wall();
      if (this.scheduled.length > 0) this.applyScheduled(f.tick);
      if (f.tick === 0) this.originMs = tickStart;
      const lateMs = tickStart - this.originMs - f.tick * dtMs;
      let b = 0;
      while (b < buckets.length && lateMs > buckets[b]) b++;
      late[b]++;
      if (lateMs > stats.maxLateMs) stats.maxLateMs = lateMs;
      if (lateMs > MAX_LAG_MS) {
        // Give up the backlog: from this tick on the clock counts from now.
        slip += lateMs;
        this.originMs += lateMs;
        stats.slippedMs = slip;
      }
      return f;
    });
    const after = map((f: typeof frame) => {
      this.lastTick = f.tick;
      const ms = wall() - tickStart;
      stats.ticks++;
      stats.totalTickMs += ms;
      if (ms > dtMs) stats.overruns++;
      if (ms > stats.maxTickMs) stats.maxTickMs = ms;
      return f;
    });
    this.sub = realtimeClock(frame, { now, maxBurst: MAX_BURST }).pipe(before, loop, after).subscribe({
      error: (e: unknown) => {
        this.stopped = true;
        this.recording?.abandon();
        opts.onFailure(e);
      },
    });
  }

  /**
   * The first tick at which a sample that arrived at `arrivedAt` (ms since the epoch: performance.timeOrigin +
   * performance.now(), the clock `opts.now` must be) counts: the one after the tick that was due then.
   */
  tickFor(arrivedAt: number): number {
    return Math.floor((arrivedAt - performance.timeOrigin - this.originMs) / this.dtMs) + 1;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /**
   * Applies an operator command before the next tick (as the timeline would at that tick) and, when recording,
   * notes it for the recording's scenario. Returns the event with its time.
   */
  apply(e: LiveEventInput): LiveEvent {
    const tick = this.lastTick + 1;
    const event = { ...e, t: Math.round(tick * this.run.frame.dt * 1e9) / 1e9 } as LiveEvent;
    applyLiveEvent(this.run.frame, this.run.log, this.index, event, tick, this.run.exoFrame);
    this.recording?.note(event);
    return event;
  }

  /**
   * Applies an operator event at tick `tick` (the one its message's arrival maps to: see `tickFor`), or at the
   * next tick if that one has already run. Events keep their order.
   */
  schedule(e: LiveEventInput, tick: number): void {
    if (this.scheduled.length === 0 && tick <= this.lastTick + 1) this.apply(e);
    else this.scheduled.push({ event: e, tick: Math.max(tick, this.scheduled.length ? this.scheduled[this.scheduled.length - 1].tick : 0) });
  }

  private applyScheduled(tick: number): void {
    let n = 0;
    while (n < this.scheduled.length && this.scheduled[n].tick <= tick) this.apply(this.scheduled[n++].event);
    if (n > 0) this.scheduled.splice(0, n);
  }

  /** Events logged since the last call (at most `max`; the rest come next time). Tracks the emergency stop. */
  takeEvents(max: number): SimEvent[] {
    const all = this.run.log.events;
    const end = Math.min(all.length, this.eventCursor + max);
    const out = all.slice(this.eventCursor, end);
    this.eventCursor = end;
    for (const e of out) {
      if (e.kind === 'estop') this.estopEngaged = true;
      else if (e.kind === 'reset' && e.robot === null) this.estopEngaged = false;
    }
    // A long live session must not keep every event: without a recording reading the log, drop what was sent.
    if (!this.recording?.active && this.eventCursor > EVENT_LOG_KEEP) {
      all.splice(0, this.eventCursor);
      this.eventCursor = 0;
    }
    return out;
  }

  /** Stops the clock and frees the world (a recording must be finished or abandoned first). */
  stop(): void {
    this.sub?.unsubscribe();
    this.sub = undefined;
    this.stopped = true;
    if (!this.freed) {
      this.freed = true;
      this.run.world.free();
    }
  }
}
