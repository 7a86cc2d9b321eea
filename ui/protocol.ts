// The wire protocol between the live server and its clients (the page, device bridges, scripts): JSON text
// frames over a WebSocket at /ws. Every incoming message is validated against these schemas; a bad one gets
// an `error` reply and is not applied. PROTOCOL.md documents each message with an example.
//
// This file is the contract: the server (ui/server/) and the page (ui/app/) both import it.
import { z } from 'zod';
import { EXO_CONTROLLER_TYPES, type ExoControlType } from '../controller/exo/exo-frame.ts';

export const PROTOCOL_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'a finite number');
const vec3 = z.tuple([finite, finite, finite]);
const quat = z.tuple([finite, finite, finite, finite]);
const robotId = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

// ── client → server ──────────────────────────────────────────────────────────────────────────────────────

/** First message of every connection. Viewers may omit the token on loopback; operators need it. */
export const helloSchema = z.object({
  type: z.literal('hello'),
  role: z.enum(['viewer', 'operator']),
  token: z.string().max(256).optional(),
  /** Name shown in the server log. */
  client: z.string().max(64).optional(),
}).strict();

/** One device sample for one robot: hand pose in the master frame (m, quaternion [x,y,z,w]), grip, clutch. */
export const inputSchema = z.object({
  type: z.literal('input'),
  robot: robotId,
  p: vec3,
  q: quat,
  grip: finite.min(-0.5).max(1),
  clutch: z.boolean(),
  /** Operator presence (the dVRK head sensor): false stops following. */
  enable: z.boolean().optional(),
  /**
   * When the device took the sample, ms on the sender's own monotonic clock (any origin, e.g. performance.now()):
   * the server times the sample by it rather than by its arrival (see PROTOCOL.md, Timing).
   */
  ts: finite.min(0).max(1e15).optional(),
}).strict();

export const tremorFilterSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('lowpass'), cutoff_hz: finite.positive().max(100), order: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]) }).strict(),
  z.object({ type: z.literal('adaptive'), band_hz: z.tuple([finite.positive(), finite.positive()]).optional(), mu: finite.positive().lt(1).optional() }).strict(),
]);

export const commandSchema = z.object({
  type: z.literal('command'),
  /** Echoed in the `ack` or `error` reply. */
  id: z.number().int().nonnegative().max(2 ** 31).optional(),
  command: z.discriminatedUnion('name', [
    z.object({ name: z.literal('estop') }).strict(),
    z.object({ name: z.literal('reset') }).strict(),
    z.object({ name: z.literal('enable'), robot: robotId }).strict(),
    /**
     * Controller settings. A PSM takes `scale` and `tremor_filter`; the exoskeleton takes `guidance` (0 … 1: the
     * share of the impedance, the path's support, aan's assistance) and `controller` (switches the joint controller).
     */
    z.object({
      name: z.literal('set'), robot: robotId, scale: finite.positive().max(10).optional(), tremor_filter: tremorFilterSchema.optional(),
      guidance: finite.min(0).max(1).optional(), controller: z.enum(EXO_CONTROLLER_TYPES).optional(),
    }).strict(),
    /** Replace the live scene by a scenario (a library name such as `reach-targets`, or YAML text). */
    z.object({ name: z.literal('load_scenario'), scenario: z.string().min(1).max(200_000) }).strict(),
    z.object({ name: z.literal('start_recording') }).strict(),
    z.object({ name: z.literal('stop_recording') }).strict(),
  ]),
}).strict();

export const clientMessageSchema = z.discriminatedUnion('type', [helloSchema, inputSchema, commandSchema]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type HelloMessage = z.infer<typeof helloSchema>;
export type InputMessage = z.infer<typeof inputSchema>;
export type CommandMessage = z.infer<typeof commandSchema>;

// ── server → client ──────────────────────────────────────────────────────────────────────────────────────

export interface LinkDescription {
  name: string;
  parent: number;
  /** Collision/visual shapes in the link (DH) frame. */
  shapes: ({ kind: 'box'; halfExtents: number[]; center: number[] } | { kind: 'sphere'; radius: number; center: number[] } | { kind: 'cylinder'; radius: number; halfLength: number; axis: number[]; center: number[] })[];
}

export interface RobotDescription {
  id: string;
  type: 'psm' | 'ecm';
  /** Pose of the robot base (the RCM) in the world: position and quaternion [x,y,z,w]. */
  base: { p: number[]; q: number[] };
  joints: { name: string; type: 'revolute' | 'prismatic'; lower: number; upper: number }[];
  links: LinkDescription[];
}

/**
 * One drawn part of the patient, in its body's frame (x forward, z up when standing; a thigh or shank hangs from
 * its proximal joint at the origin along −z): a capsule from `from` to `to`, or a box.
 */
export type ExoSegmentShape =
  | { kind: 'capsule'; from: number[]; to: number[]; radius: number }
  | { kind: 'box'; center: number[]; halfExtents: number[] };

/** The exoskeleton scene (a robot of type `exo`): the patient, the orthosis, the treadmill, the reference gait. */
export interface ExoDescription {
  id: string;
  patient: { height: number; mass: number };
  /** The patient's bodies, in the order of `state.exo.segments`: pelvis, thigh_left, shank_left, foot_left, thigh_right, … */
  segments: { name: string; length: number; shape: ExoSegmentShape }[];
  /** Limb joints in the order of `state.exo.limbQ` and `qRef`: hip_left, knee_left, ankle_left, hip_right, … */
  limbJoints: string[];
  /**
   * The drives, in the order of the per-drive arrays of `state.exo`: the limb joint each moves (index into
   * `limbJoints`), its range (rad) and torque limit (N·m). Each sits at its limb joint: the origin of `child`.
   */
  drives: { name: string; limb: number; child: string; lower: number; upper: number; effort: number }[];
  /** Cuffs strapping the orthosis to a segment: distance down the segment from its joint (m) and radius (m). */
  cuffs: { segment: string; at: number; radius: number }[];
  ankle: 'passive' | 'actuated';
  /**
   * The normative sagittal angles over one gait cycle (controller/exo/normative-gait.ts, as stored): one sample
   * every `step` of the cycle from heel strike (0, 0.05, … 0.95; the cycle closes on itself), degrees.
   */
  normative: { step: number; hip_deg: number[]; knee_deg: number[]; ankle_deg: number[]; stanceEnd: number };
  /** The reference gait of this scene: cadence (steps/min), stride time (s), stride length (m), hip scale about its mean. */
  gait: { cadence: number; strideTime: number; strideLength: number; hipScale: number };
  /** The treadmill belt: its top at z = 0, half-width (m) and the belt speed the gait asks for (m/s). */
  treadmill: { halfWidth: number; speed: number };
  controller: { type: ExoControlType; guidance: number };
}

export interface SceneDescription {
  name: string;
  dt: number;
  robots: RobotDescription[];
  /** Present when the scene is the exoskeleton's (whose robot is not in `robots`). */
  exo?: ExoDescription;
  objects: { id: string; shape: string; size?: number[]; radius?: number; height?: number; position: number[]; orientation?: number[]; fixed: boolean }[];
  targets: { id: string; position: number[]; radius: number }[];
}

export interface WelcomeMessage {
  type: 'welcome';
  protocol: number;
  role: 'viewer' | 'operator';
  scene: SceneDescription;
  /** Current controller settings per robot. */
  controllers: Record<string, { scale: number; tremor_filter: z.infer<typeof tremorFilterSchema> }>;
  /**
   * Robots that take live `input` (the scene's PSMs without a scripted input); input for any other robot is an
   * `unknown_robot` error. The ECM holds its pose; a PSM of a loaded library scenario may follow its script.
   */
  inputRobots: string[];
}

export interface RobotState {
  id: string;
  /** Measured joint positions (rad, m), in the order of the scene's joints. */
  q: number[];
  /** Commanded joint positions. */
  qCommand: number[];
  /** World pose of each link frame: 7 numbers per link [x,y,z,qx,qy,qz,qw], from the physics. */
  links: number[];
  /** Tool tip (PSM) or camera (ECM) world pose [x,y,z,qx,qy,qz,qw]. */
  tip: number[];
  teleop: 'DISABLED' | 'ALIGNING' | 'ENABLED';
  clutched: boolean;
  safe: boolean;
  /** Raw and filtered hand positions of the last tick (master frame, m). */
  hand: number[];
  handFiltered: number[];
  /** Joint tracking error |q* − q| per joint. */
  trackingError: number[];
  contactForce: number;
}

/** The exoskeleton's state (`state.exo`). Angles in rad, torques in N·m; arrays in `welcome.scene.exo`'s orders. */
export interface ExoState {
  id: string;
  /** Each segment's pose [x,y,z,qx,qy,qz,qw] from its physics body, in the treadmill's frame: 7 numbers per segment. */
  segments: number[];
  /** Patient limb joint angles (6) and the reference (6). */
  limbQ: number[];
  qRef: number[];
  /** Per drive: angle, assistance (guidance 0 … 1), measured interaction (cuff) torque, motor torque. */
  driveQ: number[];
  guidance: number[];
  interactionTorque: number[];
  effort: number[];
  /** Gait phase of the left leg in the cycle (0 … 1; the right leg is half a cycle later) and strides walked. */
  phase: number;
  strides: number;
  /** Whether the gait generator is walking (its phase advancing). */
  walking: boolean;
  footContact: boolean[];
  /** Belt speed (m/s) and travel so far (m). */
  beltSpeed: number;
  beltTravel: number;
  controller: ExoControlType;
  /** The controller's guidance setting (per drive values are in `guidance`). */
  guidanceSetting: number;
  /** The safe state (drives holding posture after a fault or stop). */
  safe: boolean;
}

export interface StateMessage {
  type: 'state';
  tick: number;
  /** Simulated time, s. */
  t: number;
  /** Server wall-clock time when the state was sent (ms since epoch), for latency measurement. */
  sentAt: number;
  robots: RobotState[];
  /**
   * World pose [x,y,z,qx,qy,qz,qw] of every free (not fixed) object of the scene, from its physics body, in the
   * order of `welcome.scene.objects`. Fixed objects never move, so they are left out.
   */
  objects: { id: string; pose: number[] }[];
  estop: boolean;
  recording: boolean;
  /** Real-time factor over the last second and tick overruns so far. */
  realtimeFactor: number;
  overruns: number;
  /** Events since the last state message. */
  events: { tick: number; t: number; robot: string | null; kind: string; detail: string }[];
  /** Present when a controller setting changed (a `set`) since the last state: all of them, as in `welcome`. */
  controllers?: WelcomeMessage['controllers'];
  /** Present in the exoskeleton's scene. */
  exo?: ExoState;
}

export interface AckMessage { type: 'ack'; id?: number; detail: string }

export type ErrorCode =
  | 'bad_json' | 'invalid_message' | 'not_hello' | 'bad_token' | 'forbidden' | 'too_large' | 'rate_limited'
  | 'unknown_robot' | 'bad_scenario' | 'internal';

export interface ErrorMessage { type: 'error'; code: ErrorCode; message: string; id?: number }

export type ServerMessage = WelcomeMessage | StateMessage | AckMessage | ErrorMessage;

/** Limits the server enforces (and the page respects). */
export const LIMITS = {
  /** Largest incoming frame, bytes. */
  maxMessageBytes: 256 * 1024,
  /** Incoming messages per second per connection (input at 1 kHz from a device bridge is allowed). */
  maxMessagesPerSecond: 2000,
  /** State messages per second to each client. */
  stateRateHz: 60,
} as const;
