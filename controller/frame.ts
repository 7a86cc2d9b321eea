// What flows through the loop: one preallocated TickFrame per run, mutated stage by stage each tick.
// Each field names the stage that writes it; later stages only read it. No allocation per tick.
import type { RobotHardware } from './hardware.ts';
import type { TremorFilterConfig } from './filters/tremor-filter.ts';

export const TELEOP_DISABLED = 0;
export const TELEOP_ALIGNING = 1;
export const TELEOP_ENABLED = 2;
export type TeleopState = typeof TELEOP_DISABLED | typeof TELEOP_ALIGNING | typeof TELEOP_ENABLED;
export const TELEOP_STATE_NAMES = ['DISABLED', 'ALIGNING', 'ENABLED'] as const;

/** Operator input for one robot, in the master frame (m), as an input source delivers it. */
export interface OperatorInput {
  readonly p: Float64Array; // 3
  readonly q: Float64Array; // 4, [x,y,z,w]
  /** Gripper opening, 0 closed … 1 fully open (negative squeezes, down to −0.5). */
  grip: number;
  clutch: boolean;
}

export function operatorInput(): OperatorInput {
  return { p: new Float64Array(3), q: Float64Array.of(0, 0, 0, 1), grip: 0, clutch: false };
}

/** Element by element: TypedArray.prototype.set is a generic builtin call, dear for 3 and 4 numbers every tick. */
export function copyInput(dst: OperatorInput, src: OperatorInput): void {
  const p = dst.p, q = dst.q, sp = src.p, sq = src.q;
  p[0] = sp[0]; p[1] = sp[1]; p[2] = sp[2];
  q[0] = sq[0]; q[1] = sq[1]; q[2] = sq[2]; q[3] = sq[3];
  dst.grip = src.grip;
  dst.clutch = src.clutch;
}

export interface RobotFrame {
  readonly id: string;
  readonly hw: RobotHardware;
  /** latch: the input the loop holds this tick (the last good sample). */
  readonly input: OperatorInput;
  /** latch: whether a fresh sample arrived this tick, and the tick of the last good one. */
  fresh: boolean;
  lastInputTick: number;
  /** tremor filter: the filtered (unscaled) operator pose. */
  readonly filteredP: Float64Array;
  readonly filteredQ: Float64Array;
  /** teleop: state, clutch, and the tool-tip target in the robot base (RCM) frame. */
  teleop: TeleopState;
  clutched: boolean;
  readonly targetTip: Float64Array; // 16, row-major
  targetJaw: number;
  /** ik: joint position command (arm joints + jaw). */
  readonly qCommand: Float64Array;
  ikLimited: boolean;
  /** safety: true while the robot is in the safe state (holding `qHold`). */
  safe: boolean;
  readonly qHold: Float64Array;
  /** Operator/run requests, set by the event timeline or a live client, consumed by the stages. */
  requestEnable: boolean;
  /** Stop following (the operator left the console): teleop drops to DISABLED, the arm holds; not a fault. */
  requestDisable: boolean;
  requestReset: boolean;
  estop: boolean;
  /**
   * Controller parameter changes (the timeline's `set`, a live client), consumed by the stage they concern:
   * a new motion scale for teleop (NaN: none), a new tremor filter for the tremor stage (null: none).
   */
  requestScale: number;
  requestTremorFilter: TremorFilterConfig | null;
  /** tremor stage → teleop: the filter was replaced, re-capture the offsets this tick so the tip does not jump. */
  recapture: boolean;
}

export interface TickFrame {
  tick: number;
  /** Simulated time, tick × dt (never the wall clock). */
  t: number;
  readonly dt: number;
  readonly robots: readonly RobotFrame[];
}

export function createTickFrame(dt: number, robots: readonly RobotHardware[]): TickFrame {
  return {
    tick: 0,
    t: 0,
    dt,
    robots: robots.map((hw): RobotFrame => ({
      id: hw.id,
      hw,
      input: operatorInput(),
      fresh: false,
      lastInputTick: 0,
      filteredP: new Float64Array(3),
      filteredQ: Float64Array.of(0, 0, 0, 1),
      teleop: TELEOP_DISABLED,
      clutched: false,
      targetTip: new Float64Array(16),
      targetJaw: hw.position[hw.position.length - 1],
      qCommand: Float64Array.from(hw.position),
      ikLimited: false,
      safe: false,
      qHold: Float64Array.from(hw.position),
      requestEnable: false,
      requestDisable: false,
      requestReset: false,
      estop: false,
      requestScale: Number.NaN,
      requestTremorFilter: null,
      recapture: false,
    })),
  };
}
