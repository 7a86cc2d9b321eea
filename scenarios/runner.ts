// Runs a scenario headless on the virtual clock: builds the world and the loop from the file, runs every
// tick, and returns the result (metrics, assertions, events, state hashes).
import { map, Subject } from 'rxjs';
import type { InputSource } from '../controller/input-source.ts';
import { RunRecorder, type RecordOptions } from './recording/recorder.ts';
import { loadRapier } from '../sim/rapier.ts';
import { SimWorld } from '../sim/world.ts';
import { PSM_SPEC } from '../sim/robots/psm.ts';
import { ECM_SPEC } from '../sim/robots/ecm.ts';
import type { RobotSpec } from '../sim/robot-spec.ts';
import { quatConj, quatRotateVec } from '../sim/math/quat.ts';
import { mat4 } from '../sim/math/mat4.ts';
import { EventLog, type SimEvent } from '../controller/events.ts';
import { createTickFrame, type TickFrame } from '../controller/frame.ts';
import { controlLoop, type RobotLoopConfig, type Stage } from '../controller/loop.ts';
import { virtualClock } from '../controller/clock.ts';
import { createPsmKinematics } from '../controller/kinematics/psm-kinematics.ts';
import { createEcmKinematics } from '../controller/kinematics/ecm-kinematics.ts';
import type { DhChain } from '../controller/kinematics/dh-chain.ts';
import { GravityCompensation } from '../controller/kinematics/gravity.ts';
import { DEFAULT_TELEOP } from '../controller/stages/teleop.ts';
import { controllerFor, type Scenario, type ScenarioExpectation } from './schema.ts';
import { ScriptedHand } from './scripted-hand.ts';
import { loadHandTrace } from './hand-trace.ts';
import { withInputFaults } from './faults.ts';
import { scenarioTimeline } from './timeline.ts';
import { RunMetrics } from './metrics/run-metrics.ts';
import { round } from './round.ts';
import { prepareExoRun } from './exo/exo-run.ts';
import type { ExoFrame } from '../controller/exo/exo-frame.ts';
import type { ExoControllerHandle } from '../controller/exo/controllers.ts';
import type { ReferenceGait } from '../controller/exo/normative-gait.ts';
import type { SimExo } from '../sim/exo/sim-exo.ts';

export { METRIC_NAMES } from './schema.ts';

export const ROBOT_SPECS: Record<string, RobotSpec> = { psm: PSM_SPEC, ecm: ECM_SPEC };
/** A new kinematic chain per robot type (each use gets its own: chains hold scratch). */
const KINEMATICS: Record<string, () => DhChain> = { psm: createPsmKinematics, ecm: createEcmKinematics };
const GRAVITY: [number, number, number] = [0, 0, -9.81];

export interface Assertion {
  /** What is checked, short: the metric, `events.<kind>[@robot]` (with ` in [t0, t1] s` for a window), `final_tip.<robot>`. */
  readonly name: string;
  /** What was checked and what was found, in words (the summary prints it). */
  readonly check: string;
  readonly passed: boolean;
  /** The metric; the number of events (in the window); the tool tip's distance from the target (mm). */
  readonly value: number;
  readonly limit: { readonly min?: number; readonly max?: number };
}

export interface RunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly passed: boolean;
  readonly ticks: number;
  readonly dt: number;
  readonly duration: number;
  readonly wall_s: number;
  readonly realtime_factor: number;
  readonly metrics: Record<string, number>;
  readonly assertions: readonly Assertion[];
  readonly events: readonly SimEvent[];
  readonly hash_interval: number;
  readonly hashes: readonly { readonly tick: number; readonly hash: string }[];
  readonly final_state_hash: string;
  /** Per-stride series where a run has them (the exoskeleton's assistance per joint, per stride). */
  readonly series?: Readonly<Record<string, readonly number[]>>;
}

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** State hash every N ticks (default: once per simulated second). */
  readonly hashInterval?: number;
  /** Called about every simulated second with the fraction done. */
  readonly onProgress?: (fraction: number) => void;
  /** Wall clock for wall_s and the real-time factor; results never depend on it. */
  readonly now?: () => number;
  /** Extra operators: a user's controller between IK and joint control. */
  readonly userStages?: readonly Stage[];
  /** Extra read-only observers after the metrics (recorders, telemetry). */
  readonly taps?: readonly Stage[];
  /** Record the run to an MCAP file (see scenarios/recording/). */
  readonly record?: RecordOptions;
  /** Called once the run is built, before the first tick (to reach its world, log, frame). */
  readonly onPrepared?: (run: PreparedRun) => void;
  /** Input sources that replace the scenario's own, per robot id (replay feeds the recorded input here). */
  readonly inputOverride?: ReadonlyMap<string, InputSource>;
}

export interface PreparedRun {
  readonly scenario: Scenario;
  readonly world: SimWorld;
  readonly frame: TickFrame;
  readonly ticks: number;
  readonly log: EventLog;
  /** The whole loop of this run; push ticks through it with a clock. */
  readonly loop: Stage;
  /** Hash checkpoints so far (every `hashInterval` ticks). */
  readonly hashes: readonly { readonly tick: number; readonly hash: string }[];
  readonly hashInterval: number;
  /** The recorder when recording; `runScenario` opens and closes it. */
  readonly recorder?: RunRecorder;
  /** The controller's state as hashed (filter memory, targets, commands, modes), written into `out`. */
  controllerState(): Float64Array;
  /** The exoskeleton's loop state, in an exoskeleton run (controller/exo/exo-frame.ts). */
  readonly exoFrame?: ExoFrame;
  /** The exoskeleton, its controller and reference gait, in an exoskeleton run (the live server reads and sets them). */
  readonly exo?: { readonly sim: SimExo; readonly controller: ExoControllerHandle; readonly gait: ReferenceGait };
  /** Names of the numbers of `controllerState` (what a recording's hash-state labels end with). */
  controllerLabels(): string[];
  /** Turns what happened into the result; call once after the last tick. */
  finish(wallSeconds: number): RunResult;
}

/** Builds the world, the robots, the input and the loop of a scenario, ready to tick. Free `world` when done. */
export async function prepareRun(s: Scenario, opts: RunOptions = {}): Promise<PreparedRun> {
  // The exoskeleton's scene is a world of its own (gait trainer, patient): scenarios/exo/exo-run.ts builds it.
  if (s.robots.some((r) => r.type === 'exo')) return prepareExoRun(s, opts);
  const R = await loadRapier();
  const seed = opts.seed ?? s.seed;
  const dt = 1 / s.rate;
  const ticks = Math.round(s.duration / dt);
  const world = new SimWorld(R, { dt, gravity: GRAVITY });
  try {
    for (const o of s.objects) world.addObject(o);
    const recorder = opts.record ? new RunRecorder(opts.record) : undefined;
    const wrapSource = (id: string, src: InputSource | undefined): InputSource | undefined =>
      recorder ? recorder.wrapSource(id, src) : src;
    const robotConfigs: RobotLoopConfig[] = [];
    const hands = new Map<string, ScriptedHand>();
    for (const r of s.robots) {
      if (r.type === 'exo') throw new Error('an exoskeleton scenario holds the exoskeleton alone');
      const spec = ROBOT_SPECS[r.type];
      const q0 = r.joints ?? spec.ready;
      if (q0.length !== spec.joints.length) throw new Error(`robots: ${r.id}.joints needs ${spec.joints.length} values (${spec.joints.map((j) => j.name).join(', ')})`);
      const orientation = r.orientation ?? [0, 0, 0, 1];
      world.addRobot(r.id, spec, { p: r.rcm, q: orientation }, q0);
      const c = controllerFor(s, r.id);
      const input = s.input[r.id];
      const hand = input ? new ScriptedHand(input, dt, seed, r.id, input.file !== undefined ? loadHandTrace(input.file) : undefined) : undefined;
      if (hand) hands.set(r.id, hand);
      const gBase = quatRotateVec([0, 0, 0], quatConj([0, 0, 0, 1], orientation), GRAVITY);
      const chain = KINEMATICS[r.type]();
      robotConfigs.push({
        // Network faults (latency, packet loss) between the device and the loop; a recorder sees what the loop gets.
        source: wrapSource(r.id, opts.inputOverride?.get(r.id) ?? (hand && withInputFaults(hand, s.events, r.id, dt, seed))),
        tremor: c.tremor_filter,
        teleop: { ...DEFAULT_TELEOP, scale: c.scale, requireAlignment: c.align },
        // The ECM holds its joints: nobody teleoperates it, so no watchdog guards its (absent) input.
        watchdog: r.type !== 'ecm',
        chain,
        // The IK's chain: joint control computes gravity at its set point (the command, but for a step), whose
        // frames the next tick's IK, starting from that command, reuses.
        gravity: new GravityCompensation(spec, chain, [gBase[0], gBase[1], gBase[2]]),
        jointControl: { mode: c.joint_control, gravityCompensation: c.gravity_compensation },
        monitor: { maxTipForce: c.max_tip_force_n ?? Infinity },
      });
    }
    const log = new EventLog(dt);
    const frame = createTickFrame(dt, world.robots);
    const metrics = new RunMetrics(world.robots, robotConfigs.map((c) => c.chain), ticks, dt, { targets: s.targets, log, objects: world.objects });
    const controllerState = new Float64Array(frame.robots.reduce((n, rf) => n + controllerStateSize(rf.qCommand.length), 0));
    const writeState = (): Float64Array => writeControllerState(frame, controllerState);
    const { hashes, hashInterval, tap: hashTap } = checkpoints(world, writeState, opts, ticks, dt);
    const loop = controlLoop({
      fs: s.rate,
      log,
      robots: robotConfigs,
      plant: world,
      timeline: scenarioTimeline(s, world, hands, log, seed),
      userStages: opts.userStages,
      // The recorder last: it reads this tick's hash checkpoint.
      taps: [metrics.stage(), hashTap, ...(opts.taps ?? []), ...(recorder ? [recorder.tap()] : [])],
    });
    return {
      scenario: s, world, frame, ticks, log, loop, hashes, hashInterval, recorder,
      controllerState: writeState,
      controllerLabels: () => controllerStateLabels(frame),
      finish(wall: number): RunResult {
        const finalHash = world.stateHash(writeState());
        const values = metrics.finish();
        return runResult({ s, seed, ticks, dt, wall, values, log, world, hashInterval, hashes, finalHash });
      },
    };
  } catch (e) {
    world.free();
    throw e;
  }
}

/**
 * The state-hash checkpoints of a run (every `hashInterval` ticks, default once per simulated second) and its
 * progress callback, as one tap; `state` writes the controller's part of the hash.
 */
export function checkpoints(world: SimWorld, state: () => Float64Array, opts: RunOptions, ticks: number, dt: number): {
  hashes: { tick: number; hash: string }[]; hashInterval: number; tap: Stage;
} {
  const hashInterval = opts.hashInterval ?? Math.round(1 / dt);
  const hashes: { tick: number; hash: string }[] = [];
  const second = Math.round(1 / dt);
  const tap: Stage = map((f) => {
    if ((f.tick + 1) % hashInterval === 0) hashes.push({ tick: f.tick + 1, hash: world.stateHash(state()) });
    if (opts.onProgress && (f.tick + 1) % second === 0) opts.onProgress((f.tick + 1) / ticks);
    return f;
  });
  return { hashes, hashInterval, tap };
}

/**
 * Pushes ticks first … first+count−1 of a prepared run (by default all of them) through its loop on the virtual
 * clock, synchronously. The stages keep their state between calls: a run pushed through in pieces is the same run.
 */
export function runTicks(run: PreparedRun, first = 0, count = run.ticks - first): void {
  let failure: unknown;
  virtualClock(run.frame, count, first).pipe(run.loop).subscribe({ error: (e: unknown) => { failure = e; } });
  if (failure) throw failure;
}

/**
 * Pushes every tick through the loop in slices of at most `sliceTicks`, awaiting `between` after each
 * (the recorder writes its queue there, so a killed run loses at most one slice).
 */
export async function runTicksSliced(run: PreparedRun, sliceTicks: number, between: () => Promise<void>): Promise<void> {
  const clock = new Subject<TickFrame>();
  let failure: unknown;
  const sub = clock.pipe(run.loop).subscribe({ error: (e: unknown) => { failure = e; } });
  try {
    for (let k = 0; k < run.ticks && failure === undefined;) {
      const end = Math.min(run.ticks, k + sliceTicks);
      for (; k < end && failure === undefined; k++) {
        run.frame.tick = k;
        run.frame.t = k * run.frame.dt;
        clock.next(run.frame);
      }
      await between();
    }
  } finally {
    sub.unsubscribe();
  }
  if (failure !== undefined) throw failure;
}

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const now = opts.now ?? (() => performance.now());
  const run = await prepareRun(s, opts);
  opts.onPrepared?.(run);
  const rec = run.recorder;
  try {
    const t0 = now();
    if (rec) {
      await rec.open({
        world: run.world, log: run.log, seed: opts.seed ?? s.seed, hashInterval: run.hashInterval,
        hashes: run.hashes, controllerLabels: run.controllerLabels(),
      });
      await runTicksSliced(run, Math.round(1 / run.frame.dt), () => rec.flush());
    } else {
      runTicks(run);
    }
    const result = run.finish((now() - t0) / 1000);
    if (rec) {
      await rec.close(run.ticks, result.assertions.map((a) => ({
        name: a.name, passed: a.passed, detail: `= ${a.value} (${a.limit.min ?? '−∞'} … ${a.limit.max ?? '∞'})`,
      })));
    }
    return result;
  } catch (e) {
    rec?.abandon();
    throw e;
  } finally {
    run.world.free();
  }
}

/** What a finished run reports (arms and exoskeleton alike): its expectations evaluated against its metrics. */
export function runResult(r: {
  s: Scenario; seed: number; ticks: number; dt: number; wall: number; values: Record<string, number>; log: EventLog; world: SimWorld;
  hashInterval: number; hashes: readonly { tick: number; hash: string }[]; finalHash: string; series?: RunResult['series'];
}): RunResult {
  const assertions = r.s.expect.map((e) => evaluate(e, r.values, r.log, r.world));
  return {
    scenario: r.s.name,
    seed: r.seed,
    passed: assertions.every((a) => a.passed),
    ticks: r.ticks,
    dt: r.dt,
    duration: r.s.duration,
    wall_s: round(r.wall, 3),
    realtime_factor: round(r.s.duration / Math.max(r.wall, 1e-9), 2),
    metrics: r.values,
    assertions,
    events: r.log.events,
    hash_interval: r.hashInterval,
    hashes: r.hashes,
    final_state_hash: r.finalHash,
    ...(r.series ? { series: r.series } : {}),
  };
}

function evaluate(e: ScenarioExpectation, metrics: Record<string, number>, log: EventLog, world: SimWorld): Assertion {
  if ('metric' in e) {
    const value = metrics[e.metric];
    const ok = value !== undefined && !Number.isNaN(value) && (e.min === undefined || value >= e.min) && (e.max === undefined || value <= e.max);
    return { name: e.metric, check: `${e.metric} = ${value}, expected ${bounds(e.min, e.max)}`, passed: ok, value, limit: { min: e.min, max: e.max } };
  }
  if ('final_tip' in e) {
    const tip = world.robot(e.final_tip).tipPose(mat4());
    const at = [tip[3], tip[7], tip[11]];
    const value = round(1000 * Math.hypot(at[0] - e.position[0], at[1] - e.position[1], at[2] - e.position[2]), 4);
    const where = `[${at.map((x) => round(x, 5)).join(', ')}]`;
    return {
      name: `final_tip.${e.final_tip}`,
      check: `${e.final_tip} tool tip ends at ${where} m (world), ${value} mm from [${e.position.join(', ')}], expected within ${e.tolerance_mm} mm`,
      passed: value <= e.tolerance_mm,
      value,
      limit: { max: e.tolerance_mm },
    };
  }
  const who = e.robot ? `@${e.robot}` : '';
  const of = (n: number): string => `${n} ${e.event} event${n === 1 ? '' : 's'}${e.robot ? ` of ${e.robot}` : ''}`;
  if (e.none) {
    const value = log.count(e.event, e.robot);
    const first = log.events.find((x) => x.kind === e.event && (e.robot === undefined || x.robot === e.robot));
    return {
      name: `events.${e.event}${who}`,
      check: `${of(value)}${first ? ` (first at ${first.t} s: ${first.detail})` : ''}, expected none`,
      passed: value === 0, value, limit: { max: 0 },
    };
  }
  if (e.within) {
    const [t0, t1] = e.within;
    const found = log.between(e.event, t0, t1, e.robot);
    const value = found.length;
    const min = e.count_min ?? (e.count_max === undefined ? 1 : undefined);
    const ok = (min === undefined || value >= min) && (e.count_max === undefined || value <= e.count_max);
    const all = log.events.filter((x) => x.kind === e.event && (e.robot === undefined || x.robot === e.robot));
    const seen = found.length > 0 ? `first at ${found[0].t} s` : all.length > 0 ? `the nearest at ${nearest(all, t0, t1)} s` : 'none in the run';
    return {
      name: `events.${e.event}${who} in [${t0}, ${t1}] s`,
      check: `${of(value)} in [${t0}, ${t1}] s (${seen}), expected ${e.count_min === undefined && e.count_max === undefined ? 'at least one' : bounds(min, e.count_max)}`,
      passed: ok, value, limit: { min, max: e.count_max },
    };
  }
  const value = log.count(e.event, e.robot);
  const ok = (e.count_min === undefined || value >= e.count_min) && (e.count_max === undefined || value <= e.count_max);
  return {
    name: `events.${e.event}${who}`,
    check: `${of(value)}, expected ${bounds(e.count_min, e.count_max)}`,
    passed: ok, value, limit: { min: e.count_min, max: e.count_max },
  };
}

function bounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}` : `${min} … ${max}`;
  return min !== undefined ? `≥ ${min}` : `≤ ${max}`;
}

/** Time of the event nearest the window [t0, t1]. */
function nearest(events: readonly SimEvent[], t0: number, t1: number): number {
  let best = events[0].t, gap = Infinity;
  for (const x of events) {
    const g = x.t < t0 ? t0 - x.t : x.t > t1 ? x.t - t1 : 0;
    if (g < gap) { gap = g; best = x.t; }
  }
  return best;
}

/** Names of the numbers `writeControllerState` writes, in order. */
export function controllerStateLabels(f: TickFrame): string[] {
  const out: string[] = [];
  for (const rf of f.robots) {
    const c = (name: string, n: number) => { for (let i = 0; i < n; i++) out.push(`${rf.id} controller ${name}${n > 1 ? `[${i}]` : ''}`); };
    c('input.p', 3); c('input.q', 4); c('input.grip', 1); c('filtered.p', 3); c('filtered.q', 4); c('target_tip', 16);
    c('target_jaw', 1); c('q_command', rf.qCommand.length); c('q_hold', rf.qHold.length);
    c('teleop', 1); c('clutched', 1); c('safe', 1); c('last_input_tick', 1);
  }
  return out;
}

function controllerStateSize(nj: number): number {
  return 3 + 4 + 1 + 3 + 4 + 16 + 1 + nj + nj + 4;
}

/** The controller's part of the state hash: latched input, filter output, targets, commands, modes. */
function writeControllerState(f: TickFrame, out: Float64Array): Float64Array {
  let o = 0;
  for (const rf of f.robots) {
    out.set(rf.input.p, o); o += 3;
    out.set(rf.input.q, o); o += 4;
    out[o++] = rf.input.grip;
    out.set(rf.filteredP, o); o += 3;
    out.set(rf.filteredQ, o); o += 4;
    out.set(rf.targetTip, o); o += 16;
    out[o++] = rf.targetJaw;
    out.set(rf.qCommand, o); o += rf.qCommand.length;
    out.set(rf.qHold, o); o += rf.qHold.length;
    out[o++] = rf.teleop; out[o++] = rf.clutched ? 1 : 0; out[o++] = rf.safe ? 1 : 0; out[o++] = rf.lastInputTick;
  }
  return out;
}
