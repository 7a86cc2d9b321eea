// The control loop of DESIGN.md, wired in one place (a Drake-style diagram):
//
//   timeline ─► latch ─► supervisor ─► tremor ─► teleop ─► IK ─► [user stages] ─► joint control ─► physics ─► monitors ─► [taps]
//
// Each stage is an RxJS operator made per run, so its state (filter memory, clutch offsets) lives in that run.
import type { OperatorFunction } from 'rxjs';
import type { TickFrame } from './frame.ts';
import type { EventLog } from './events.ts';
import type { InputSource } from './input-source.ts';
import type { DhChain } from './kinematics/dh-chain.ts';
import type { GravityCompensation } from './kinematics/gravity.ts';
import type { TremorFilterConfig } from './filters/tremor-filter.ts';
import { latchInput } from './stages/latch.ts';
import { supervisor } from './stages/supervisor.ts';
import { tremorCompensation } from './stages/tremor.ts';
import { teleoperation, type TeleopConfig } from './stages/teleop.ts';
import { inverseKinematics } from './stages/ik.ts';
import { jointControl, type JointControlConfig } from './stages/joint-control.ts';
import { physicsStep, type Plant } from './stages/physics.ts';
import { monitors, type MonitorConfig } from './stages/monitors.ts';

export type Stage = OperatorFunction<TickFrame, TickFrame>;

/** Per robot, in the order of the frame's robots. */
export interface RobotLoopConfig {
  readonly source?: InputSource;
  /** Whether the 30 ms input watchdog guards this robot (default true; false for an arm nobody teleoperates). */
  readonly watchdog?: boolean;
  readonly tremor: TremorFilterConfig;
  readonly teleop: TeleopConfig;
  readonly chain?: DhChain;
  readonly gravity?: GravityCompensation;
  readonly jointControl: JointControlConfig;
  readonly monitor: MonitorConfig;
}

export interface LoopConfig {
  readonly fs: number;
  readonly log: EventLog;
  readonly robots: readonly RobotLoopConfig[];
  readonly plant: Plant;
  /** Runs first each tick: scheduled scenario events, live commands. */
  readonly timeline?: Stage;
  /**
   * A user's controller: operators between IK and joint control. They may read the frame (targets,
   * measured state through `hw`) and rewrite `qCommand`; see README "Plugging in your controller".
   */
  readonly userStages?: readonly Stage[];
  /** Read-only observers after the monitors: metrics, recorder, telemetry. */
  readonly taps?: readonly Stage[];
}

export function controlLoop(c: LoopConfig): Stage {
  const r = c.robots;
  const stages: Stage[] = [
    ...(c.timeline ? [c.timeline] : []),
    latchInput(r.map((x) => x.source), c.log),
    supervisor(c.log, r.map((x) => x.watchdog ?? true)),
    tremorCompensation(r.map((x) => x.tremor), c.fs),
    teleoperation(r.map((x) => x.teleop), r.map((x) => x.chain), c.log),
    inverseKinematics(r.map((x) => x.chain), c.log),
    ...(c.userStages ?? []),
    jointControl(r.map((x) => x.jointControl), r.map((x) => x.gravity)),
    physicsStep(c.plant),
    monitors(r.map((x) => x.monitor), c.log),
    ...(c.taps ?? []),
  ];
  return pipeStages(stages);
}

/** The stages in order as one operator (the arms' loop and the exoskeleton's, controller/exo/exo-loop.ts). */
export function pipeStages(stages: readonly Stage[]): Stage {
  return (source) => stages.reduce((s, op) => s.pipe(op), source);
}
