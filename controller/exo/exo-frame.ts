// What flows through the exoskeleton's loop besides the tick: one preallocated ExoFrame per run, mutated stage by
// stage. Each field names the stage that writes it; later stages only read it. No allocation per tick.
import { LIMB_NAMES } from '../../sim/exo/exo-spec.ts';
import type { ExoHardware } from '../hardware.ts';

/** The joint controllers (controllers.ts): one list for the scenario schema, the live protocol and the page. */
export const EXO_CONTROLLER_TYPES = ['position', 'impedance', 'path', 'aan'] as const;
export type ExoControlType = (typeof EXO_CONTROLLER_TYPES)[number];

/** The joint controller and its parameters (controllers.ts). Per-joint arrays are indexed hip, knee, ankle. */
export interface ExoControlConfig {
  readonly type: ExoControlType;
  /** Guidance 0 … 1: the fixed share of the impedance (impedance), the starting assistance (aan). */
  readonly guidance: number;
  /** Impedance at full guidance, N·m/rad and N·m·s/rad, per joint kind. */
  readonly stiffness: readonly [number, number, number];
  readonly damping: readonly [number, number, number];
  /** Path control: half-width of the tunnel around the reference path (deg), its wall stiffness (N·m/rad), and the
   *  supportive torque along the path (N·m at the tangent's largest component). */
  readonly tunnelDeg: number;
  readonly tunnelStiffness: number;
  readonly support: number;
  /** Assist-as-needed (Emken & Reinkensmeyer): G[i+1] = f·G[i] + g·max(0, e[i] − deadband), per joint, per stride. */
  readonly forgetting: number;
  /** Per degree of stride RMS tracking error beyond the dead band. */
  readonly gain: number;
  readonly deadBandDeg: number;
  readonly minGuidance: number;
}

export interface EmgTriggerConfig {
  /** Threshold: baseline mean + k·SD of the envelope, measured over the first `baselineS` seconds (rest). */
  readonly k: number;
  readonly baselineS: number;
  /** The envelope must stay over the threshold this long, s. */
  readonly dwellS: number;
  /** Envelope low-pass cut-off, Hz. */
  readonly envelopeHz: number;
}

export interface BciTriggerConfig {
  readonly threshold: number;
  readonly dwellS: number;
}

export interface TriggerConfig {
  /** continuous: walk from the start; emg / bci: a step or a bout starts when the channel detects intent. */
  readonly kind: 'continuous' | 'emg' | 'bci';
  /** step: half a stride (one foot forward); bout: `boutStrides` strides. */
  readonly action: 'step' | 'bout';
  readonly boutStrides: number;
  /** After a detection, further detections are ignored this long, s (the device is busy). */
  readonly refractoryS: number;
  readonly emg: EmgTriggerConfig;
  readonly bci: BciTriggerConfig;
}

export interface ExoSafetyConfig {
  /** Largest interaction torque at any cuff, N·m; over it is a fault. */
  readonly interactionLimit: number;
  /** A drive held at its torque limit longer than this is a fault, s. */
  readonly torqueSaturationS: number;
  /** Safe state: hold stiffness and the torque cap as fractions of the servo stiffness and of the effort limit. */
  readonly holdStiffness: number;
  readonly holdTorque: number;
  /** Margin inside the drive's range that counts as reaching its limit, rad. */
  readonly rangeMargin: number;
}

export interface ExoFrame {
  readonly hw: ExoHardware;
  /** Per drive: the limb joint it acts on (3·side + joint). */
  readonly limbOfDrive: Int8Array;
  // ---- gait generator
  /** The reference's gait phase of the left leg, in strides, not wrapped (the right leg is half a stride later). */
  phase: number;
  /** Strides per second now (0 while standing). */
  phaseRate: number;
  /** Phase at which the generator stops (Infinity: walking continuously). */
  stopAt: number;
  /** Reference angles and rates of the six limb joints (left hip … right ankle), rad, rad/s. */
  readonly qRef: Float64Array;
  readonly qdRef: Float64Array;
  /** Per leg: set on the tick the reference starts a new stride of that leg (its heel strike). */
  readonly strideStart: Uint8Array;
  // ---- controller
  /** Assistance (guidance) per drive, 0 … 1. */
  readonly guidance: Float64Array;
  /** Torque the controller asked for before the drive's limit, N·m. */
  readonly tauDemand: Float64Array;
  /** Path control: the phase it found the legs at (free timing), per leg. */
  readonly pathPhase: Float64Array;
  // ---- safety
  safe: boolean;
  readonly qHold: Float64Array;
  /** After a re-enable: 0 → 1 while the drives move from the held posture back onto the reference (gait waits). */
  realign: number;
  estop: boolean;
  requestReset: boolean;
  requestEnable: boolean;
  // ---- operator settings (a scenario's or a live `set`), taken by the controller at its next tick
  /** Switch to this controller (null: keep the one running). */
  requestControl: ExoControlType | null;
  /** New guidance 0 … 1 (NaN: keep it). */
  requestGuidance: number;
  // ---- intent
  /** Set by the intent stage on the tick it detects intent; the gait generator starts a step or bout and clears it. */
  detected: boolean;
}

export function createExoFrame(hw: ExoHardware): ExoFrame {
  const n = hw.position.length;
  return {
    hw,
    limbOfDrive: Int8Array.from(hw.spec.joints, (j) => j.limb),
    phase: 0,
    phaseRate: 0,
    stopAt: 0,
    qRef: new Float64Array(6),
    qdRef: new Float64Array(6),
    strideStart: new Uint8Array(2),
    guidance: new Float64Array(n),
    tauDemand: new Float64Array(n),
    pathPhase: new Float64Array(2),
    safe: false,
    qHold: Float64Array.from(hw.position),
    realign: 1,
    estop: false,
    requestReset: false,
    requestEnable: false,
    requestControl: null,
    requestGuidance: Number.NaN,
    detected: false,
  };
}

/** The controller's part of the state hash: phase, references, assistance, demands, hold, mode. */
export function exoControllerState(f: ExoFrame, out: Float64Array): Float64Array {
  let o = 0;
  out[o++] = f.phase; out[o++] = f.phaseRate; out[o++] = f.stopAt === Infinity ? -1 : f.stopAt;
  out.set(f.qRef, o); o += 6;
  out.set(f.qdRef, o); o += 6;
  out.set(f.guidance, o); o += f.guidance.length;
  out.set(f.tauDemand, o); o += f.tauDemand.length;
  out.set(f.pathPhase, o); o += 2;
  out.set(f.qHold, o); o += f.qHold.length;
  out[o++] = f.safe ? 1 : 0;
  out[o++] = f.realign;
  return out;
}

export function exoControllerStateLabels(f: ExoFrame): string[] {
  const id = f.hw.id;
  const joints = f.hw.spec.joints.map((j) => j.name);
  const limbs = LIMB_NAMES;
  return [
    `${id} controller phase`, `${id} controller phase_rate`, `${id} controller stop_at`,
    ...limbs.map((l) => `${id} controller q_ref ${l}`), ...limbs.map((l) => `${id} controller qd_ref ${l}`),
    ...joints.map((j) => `${id} controller guidance ${j}`), ...joints.map((j) => `${id} controller tau_demand ${j}`),
    `${id} controller path_phase left`, `${id} controller path_phase right`,
    ...joints.map((j) => `${id} controller q_hold ${j}`), `${id} controller safe`, `${id} controller realign`,
  ];
}

export function exoControllerStateSize(n: number): number {
  return 3 + 12 + 3 * n + 2 + 2;
}
