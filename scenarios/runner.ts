// Runs a scenario headless on the virtual clock: builds the world and the loop from the file, runs every
// tick, and returns the result (metrics, assertions, events, state hashes).
import { map } from 'rxjs';
import { loadRapier } from '../sim/rapier.ts';
import { SimWorld } from '../sim/world.ts';
import { PSM_SPEC } from '../sim/robots/psm.ts';
import type { RobotSpec } from '../sim/robot-spec.ts';
import { quatConj, quatRotateVec } from '../sim/math/quat.ts';
import { EventLog, type SimEvent } from '../controller/events.ts';
import { createTickFrame, type TickFrame } from '../controller/frame.ts';
import { controlLoop, type RobotLoopConfig, type Stage } from '../controller/loop.ts';
import { virtualClock } from '../controller/clock.ts';
import { createPsmKinematics } from '../controller/kinematics/psm-kinematics.ts';
import { GravityCompensation } from '../controller/kinematics/gravity.ts';
import { DEFAULT_TELEOP } from '../controller/stages/teleop.ts';
import { controllerFor, type Scenario, type ScenarioExpectation } from './schema.ts';
import { ScriptedHand } from './scripted-hand.ts';
import { scenarioTimeline } from './timeline.ts';
import { RunMetrics } from './metrics/run-metrics.ts';
import { round } from './round.ts';

export { METRIC_NAMES } from './schema.ts';

const ROBOT_SPECS: Record<string, RobotSpec> = { psm: PSM_SPEC };
const GRAVITY: [number, number, number] = [0, 0, -9.81];

export interface Assertion {
  readonly name: string;
  readonly passed: boolean;
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
}

export interface PreparedRun {
  readonly scenario: Scenario;
  readonly world: SimWorld;
  readonly frame: TickFrame;
  readonly ticks: number;
  readonly log: EventLog;
  /** The whole loop of this run; push ticks through it with a clock. */
  readonly loop: Stage;
  /** Turns what happened into the result; call once after the last tick. */
  finish(wallSeconds: number): RunResult;
}

/** Builds the world, the robots, the input and the loop of a scenario, ready to tick. Free `world` when done. */
export async function prepareRun(s: Scenario, opts: RunOptions = {}): Promise<PreparedRun> {
  const R = await loadRapier();
  const seed = opts.seed ?? s.seed;
  const dt = 1 / s.rate;
  const ticks = Math.round(s.duration / dt);
  const world = new SimWorld(R, { dt, gravity: GRAVITY });
  try {
    for (const o of s.objects) world.addObject(o);
    const robotConfigs: RobotLoopConfig[] = [];
    const hands = new Map<string, ScriptedHand>();
    for (const r of s.robots) {
      const spec = ROBOT_SPECS[r.type];
      const q0 = r.joints ?? spec.ready;
      if (q0.length !== spec.joints.length) throw new Error(`robots: ${r.id}.joints needs ${spec.joints.length} values (${spec.joints.map((j) => j.name).join(', ')})`);
      const orientation = r.orientation ?? [0, 0, 0, 1];
      world.addRobot(r.id, spec, { p: r.rcm, q: orientation }, q0);
      const c = controllerFor(s, r.id);
      const input = s.input[r.id];
      const hand = input ? new ScriptedHand(input, dt, seed, r.id) : undefined;
      if (hand) hands.set(r.id, hand);
      const gBase = quatRotateVec([0, 0, 0], quatConj([0, 0, 0, 1], orientation), GRAVITY);
      robotConfigs.push({
        source: hand,
        tremor: c.tremor_filter,
        teleop: { ...DEFAULT_TELEOP, scale: c.scale, requireAlignment: c.align },
        chain: createPsmKinematics(),
        // Its own chain instance: the gravity model must not share frame scratch with the IK.
        gravity: new GravityCompensation(spec, createPsmKinematics(), [gBase[0], gBase[1], gBase[2]]),
        jointControl: { mode: c.joint_control, gravityCompensation: c.gravity_compensation },
        monitor: { maxTipForce: c.max_tip_force_n ?? Infinity },
      });
    }
    const log = new EventLog(dt);
    const frame = createTickFrame(dt, world.robots);
    const metrics = new RunMetrics(world.robots, robotConfigs.map((c) => c.chain), ticks, dt);
    const hashInterval = opts.hashInterval ?? Math.round(1 / dt);
    const hashes: { tick: number; hash: string }[] = [];
    const controllerState = new Float64Array(frame.robots.reduce((n, rf) => n + controllerStateSize(rf.qCommand.length), 0));
    const second = Math.round(1 / dt);
    const hashTap: Stage = map((f) => {
      if ((f.tick + 1) % hashInterval === 0) hashes.push({ tick: f.tick + 1, hash: world.stateHash(writeControllerState(f, controllerState)) });
      if (opts.onProgress && (f.tick + 1) % second === 0) opts.onProgress((f.tick + 1) / ticks);
      return f;
    });
    const loop = controlLoop({
      fs: s.rate,
      log,
      robots: robotConfigs,
      plant: world,
      timeline: scenarioTimeline(s, world, hands, log),
      userStages: opts.userStages,
      taps: [metrics.stage(), hashTap, ...(opts.taps ?? [])],
    });
    return {
      scenario: s, world, frame, ticks, log, loop,
      finish(wall: number): RunResult {
        const finalHash = world.stateHash(writeControllerState(frame, controllerState));
        const values = metrics.finish();
        const assertions = s.expect.map((e) => evaluate(e, values, log));
        return {
          scenario: s.name,
          seed,
          passed: assertions.every((a) => a.passed),
          ticks,
          dt,
          duration: s.duration,
          wall_s: round(wall, 3),
          realtime_factor: round(s.duration / Math.max(wall, 1e-9), 2),
          metrics: values,
          assertions,
          events: log.events,
          hash_interval: hashInterval,
          hashes,
          final_state_hash: finalHash,
        };
      },
    };
  } catch (e) {
    world.free();
    throw e;
  }
}

/** Pushes every tick of a prepared run through its loop on the virtual clock (synchronously). */
export function runTicks(run: PreparedRun): void {
  let failure: unknown;
  virtualClock(run.frame, run.ticks, 0).pipe(run.loop).subscribe({ error: (e: unknown) => { failure = e; } });
  if (failure) throw failure;
}

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunResult> {
  const now = opts.now ?? (() => performance.now());
  const run = await prepareRun(s, opts);
  try {
    const t0 = now();
    runTicks(run);
    return run.finish((now() - t0) / 1000);
  } finally {
    run.world.free();
  }
}

function evaluate(e: ScenarioExpectation, metrics: Record<string, number>, log: EventLog): Assertion {
  if ('metric' in e) {
    const value = metrics[e.metric];
    const ok = value !== undefined && !Number.isNaN(value) && (e.min === undefined || value >= e.min) && (e.max === undefined || value <= e.max);
    return { name: e.metric, passed: ok, value, limit: { min: e.min, max: e.max } };
  }
  const value = log.count(e.event, e.robot);
  const ok = (e.count_min === undefined || value >= e.count_min) && (e.count_max === undefined || value <= e.count_max);
  return { name: `events.${e.event}${e.robot ? `@${e.robot}` : ''}`, passed: ok, value, limit: { min: e.count_min, max: e.count_max } };
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
