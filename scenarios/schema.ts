// The scenario language: one zod schema is both the validator and the documentation of the format.
// Unknown fields are errors, so a typo cannot pass silently.
import { z } from 'zod';
import { EVENT_KINDS } from '../controller/events.ts';
import { PSM_SPEC } from '../sim/robots/psm.ts';
import { ECM_SPEC } from '../sim/robots/ecm.ts';
import { EXO_METRIC_NAMES, exoRobotSchema } from './exo/exo-schema.ts';
import { exoSpec } from '../sim/exo/exo-spec.ts';
import { EXO_CONTROLLER_TYPES } from '../controller/exo/exo-frame.ts';

const finite = z.number().refine(Number.isFinite, 'a finite number');
const vec3 = z.tuple([finite, finite, finite]);
const quat = z.tuple([finite, finite, finite, finite]).refine(
  (q) => Math.abs(Math.hypot(...q) - 1) < 1e-6,
  'a unit quaternion [x, y, z, w]',
);
const robotId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lower-case robot id such as psm1');

/** Metrics every robot has in result.json, as `<robot>.<metric>`. */
export const METRIC_NAMES = [
  'tip_tracking_rmse_mm', 'rcm_error_max_mm', 'path_length_mm', 'max_tip_force_n',
  'tracking_error_max_deg', 'tremor_attenuation_db', 'filter_lag_ms', 'targets_reached',
] as const;

/** Metrics every scene object has, as `<object>.<metric>`: where its centre ended, its highest, its lift. */
export const OBJECT_METRIC_NAMES = ['final_x_mm', 'final_y_mm', 'final_z_mm', 'max_z_mm', 'max_lift_mm'] as const;

/** Joint names per robot type, for `motor_fault` and `sensor_noise` (checked here, so errors carry a line). */
export const ROBOT_JOINTS: Readonly<Record<'psm' | 'ecm', readonly string[]>> = {
  psm: PSM_SPEC.joints.map((j) => j.name),
  ecm: ECM_SPEC.joints.map((j) => j.name),
};

export const tremorFilterSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({
    type: z.literal('lowpass'),
    cutoff_hz: finite.positive(),
    order: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(2),
  }).strict(),
  z.object({
    type: z.literal('adaptive'),
    band_hz: z.tuple([finite.positive(), finite.positive()]).refine(([a, b]) => a < b, 'a band [low, high] with low < high').optional(),
    /** Normalised LMS step of the canceller, 0 < mu < 1 (default 0.1). */
    mu: finite.positive().lt(1).optional(),
  }).strict(),
]);

const robotSchema = z.object({
  id: robotId,
  /** psm: a patient-side manipulator (teleoperated); ecm: the endoscope camera manipulator (holds its joints). */
  type: z.enum(['psm', 'ecm']),
  /** The remote centre of motion in the world, m. */
  rcm: vec3,
  /** Orientation of the RCM frame in the world; the default points the shaft straight down. */
  orientation: quat.optional(),
  /** Initial joint positions (rad, m); default the arm's ready pose. */
  joints: z.array(finite).optional(),
}).strict();

const objectBase = {
  id: z.string().min(1),
  position: vec3,
  orientation: quat.optional(),
  mass: finite.positive().optional(),
  fixed: z.boolean().default(false),
  friction: finite.nonnegative().optional(),
};
export const objectSchema = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('box'), size: z.tuple([finite.positive(), finite.positive(), finite.positive()]), ...objectBase }).strict(),
  z.object({ shape: z.literal('sphere'), radius: finite.positive(), ...objectBase }).strict(),
  z.object({ shape: z.literal('cylinder'), radius: finite.positive(), height: finite.positive(), ...objectBase }).strict(),
  /** A small graspable peg: a flat-ended cylinder along its z, default mass 3 g and friction 1.0 (sim/environment.ts). */
  z.object({ shape: z.literal('peg'), radius: finite.positive().max(0.02), height: finite.positive().max(0.1), ...objectBase }).strict(),
]);

const controllerSchema = z.object({
  scale: finite.positive().max(10).default(0.2),
  tremor_filter: tremorFilterSchema.default({ type: 'none' }),
  joint_control: z.enum(['servo', 'pd']).default('servo'),
  gravity_compensation: z.boolean().default(true),
  /** Wait for the hand to align within 5° before following (dVRK ALIGNING_MTM); default: capture the offset. */
  align: z.boolean().default(false),
  /** Teleoperation starts enabled at t = 0 (the operator's head is in the console). */
  enabled: z.boolean().default(true),
  max_tip_force_n: finite.positive().optional(),
}).strict();

const waypointSchema = z.object({
  t: finite.nonnegative(),
  /** Operator hand position in the master frame, m, relative to where it starts. */
  p: vec3,
  /** Hand orientation as roll, pitch, yaw in degrees (about x, y, z of the master frame); default 0. */
  rpy_deg: vec3.optional(),
  /** Gripper opening, 0 closed … 1 open (negative squeezes, to −0.5). */
  grip: finite.min(-0.5).max(1).optional(),
}).strict();

/** A number, or a pair [from, to] it drifts between (sinusoidally, over `drift_period_s`). */
const drifting = (x: z.ZodType<number>) => z.union([x, z.tuple([x, x])], { error: 'a number or a pair [from, to]' });

const tremorSchema = z.object({
  frequency_hz: drifting(finite.positive().max(100)),
  amplitude_mm: drifting(finite.nonnegative().max(50)),
  /** Period of the drift between the two values of a pair, s: at t = 0 the first, at half the period the second. */
  drift_period_s: finite.positive().optional(),
}).strict().superRefine((tr, ctx) => {
  const pair = Array.isArray(tr.frequency_hz) || Array.isArray(tr.amplitude_mm);
  if (pair && tr.drift_period_s === undefined) {
    ctx.addIssue({ code: 'custom', path: ['drift_period_s'], message: 'missing: expected drift_period_s (s), since frequency_hz or amplitude_mm is a pair' });
  }
  if (!pair && tr.drift_period_s !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['drift_period_s'], message: 'drift_period_s needs frequency_hz or amplitude_mm as a pair [from, to]' });
  }
});

const inputSchema = z.object({
  script: z.array(waypointSchema).min(1).superRefine((w, ctx) => {
    const i = w.findIndex((x, k) => k > 0 && !(x.t > w[k - 1].t));
    if (i > 0) ctx.addIssue({ code: 'custom', path: [i, 't'], message: `t = ${w[i].t} is not after the previous waypoint's t = ${w[i - 1].t}: waypoints in strictly increasing time` });
  }).optional(),
  /**
   * A recorded hand motion instead of a script: CSV (header t,x,y,z[,qx,qy,qz,qw][,grip][,clutch]) or JSON lines
   * (.jsonl, one object per line with the same keys), path relative to the scenario file. Resampled to the rate.
   */
  file: z.string().min(1).optional(),
  tremor: tremorSchema.optional(),
  noise: z.object({ position_mm: finite.nonnegative().max(50) }).strict().optional(),
}).strict().superRefine((x, ctx) => {
  if (x.script === undefined && x.file === undefined) ctx.addIssue({ code: 'custom', path: ['script'], message: 'missing: expected script (waypoints) or file (a recorded hand motion)' });
  if (x.script !== undefined && x.file !== undefined) ctx.addIssue({ code: 'custom', path: ['file'], message: 'script and file exclude each other: give one' });
});

export const eventSchema = z.discriminatedUnion('kind', [
  z.object({ t: finite.nonnegative(), kind: z.literal('input_dropout'), robot: robotId, duration: finite.positive() }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('clutch'), robot: robotId, on: z.boolean() }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('estop') }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('reset') }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('enable'), robot: robotId }).strict(),
  /** Teleoperation stops (the operator left the console): the arm holds; `enable` follows again. */
  z.object({ t: finite.nonnegative(), kind: z.literal('disable'), robot: robotId }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('nan_input'), robot: robotId }).strict(),
  z.object({
    t: finite.nonnegative(), kind: z.literal('motor_fault'), robot: robotId, joint: z.string(),
    /** weak: the motor gives `effort_scale` of its effort limit; locked: the joint seizes where it stands. */
    mode: z.enum(['weak', 'locked']).default('weak'),
    /** Fraction of the effort limit left (mode weak): 0 is a dead motor, 0.1 a weak one. */
    effort_scale: finite.min(0).max(1).optional(),
  }).strict().superRefine((e, ctx) => {
    if (e.mode === 'weak' && e.effort_scale === undefined) ctx.addIssue({ code: 'custom', path: ['effort_scale'], message: 'missing: expected effort_scale (0 … 1) for a weak motor' });
    if (e.mode === 'locked' && e.effort_scale !== undefined) ctx.addIssue({ code: 'custom', path: ['effort_scale'], message: 'a locked joint has no effort_scale (it holds whatever is commanded)' });
  }),
  /** Operator samples arrive `delay_ms` (+ up to `jitter_ms`) late, in order (a newer sample supersedes older ones). */
  z.object({
    t: finite.nonnegative(), kind: z.literal('input_latency'), robot: robotId, duration: finite.positive(),
    delay_ms: finite.nonnegative().max(1000), jitter_ms: finite.nonnegative().max(1000).default(0),
  }).strict(),
  /** Each operator sample is lost with this probability. */
  z.object({ t: finite.nonnegative(), kind: z.literal('packet_loss'), robot: robotId, duration: finite.positive(), probability: finite.min(0).max(1) }).strict(),
  /** Gaussian noise on the measured joint positions (rad for revolute, m for prismatic joints); the physics is untouched. */
  z.object({
    t: finite.nonnegative(), kind: z.literal('sensor_noise'), robot: robotId, duration: finite.positive().optional(),
    sigma: finite.positive().max(1), joint: z.string().optional(),
  }).strict(),
  /** Changes controller parameters at a time: an arm's scale and tremor filter, the exoskeleton's controller and guidance. */
  z.object({
    t: finite.nonnegative(), kind: z.literal('set'), robot: robotId,
    scale: finite.positive().max(10).optional(), tremor_filter: tremorFilterSchema.optional(),
    controller: z.enum(EXO_CONTROLLER_TYPES).optional(), guidance: finite.min(0).max(1).optional(),
  }).strict().refine(
    (e) => e.scale !== undefined || e.tremor_filter !== undefined || e.controller !== undefined || e.guidance !== undefined,
    'a set event with scale and/or tremor_filter (an arm), or controller and/or guidance (an exoskeleton)',
  ),
]);

const expectSchema = z.union([
  z.object({ metric: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z0-9_]+(\.[a-z0-9_]+)?$/, 'a metric name such as psm1.rcm_error_max_mm or exo.knee_rom_deg.left'), min: finite.optional(), max: finite.optional() })
    .strict().refine((e) => e.min !== undefined || e.max !== undefined, 'a metric expectation with min, max or both'),
  z.object({
    event: z.enum(EVENT_KINDS), robot: robotId.optional(),
    count_min: z.number().int().nonnegative().optional(), count_max: z.number().int().nonnegative().optional(),
    /** Only events with t0 ≤ t ≤ t1 count; alone: at least one. */
    within: z.tuple([finite.nonnegative(), finite.nonnegative()]).refine(([a, b]) => a <= b, 'a time window [from, to] with from ≤ to').optional(),
    /** No such event at all. */
    none: z.literal(true).optional(),
  }).strict().superRefine((e, ctx) => {
    const counts = e.count_min !== undefined || e.count_max !== undefined;
    if (e.none && (counts || e.within)) ctx.addIssue({ code: 'custom', path: ['none'], message: 'none: true stands alone (no count_min, count_max or within)' });
    else if (!e.none && !counts && !e.within) ctx.addIssue({ code: 'custom', path: [], message: 'an event expectation with count_min, count_max, within or none: true' });
  }),
  z.object({
    /** The robot whose tool tip (from the physics bodies, world frame) is checked at the end of the run. */
    final_tip: robotId,
    position: vec3,
    tolerance_mm: finite.positive(),
  }).strict(),
]);

/** A target region in the scene: a sphere in the world frame; `<robot>.targets_reached` counts those the tip entered. */
const targetSchema = z.object({ id: z.string().min(1), position: vec3, radius: finite.positive() }).strict();

/**
 * Runs one file as several: dotted paths into the document (`controller.psm1.scale`, `events.0.t`), each with
 * the values to try; every combination runs, in file order. See loader.ts.
 */
export const matrixSchema = z.record(z.string().min(1), z.array(z.unknown()).min(1));

export const scenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().nonnegative().default(0),
  /** Simulated duration, s. */
  duration: finite.positive().max(3600),
  /** Control and physics rate, Hz. */
  rate: finite.min(100).max(10000).default(1000),
  /** Surgical arms (psm, ecm), or one exoskeleton (exo) with its patient: see scenarios/exo/exo-schema.ts. */
  robots: z.array(z.discriminatedUnion('type', [robotSchema, exoRobotSchema])).min(1),
  objects: z.array(objectSchema).default([]),
  targets: z.array(targetSchema).default([]),
  controller: z.record(robotId, controllerSchema).default({}),
  input: z.record(robotId, inputSchema).default({}),
  events: z.array(eventSchema).default([]),
  expect: z.array(expectSchema).default([]),
  /** Expanded by the loader before validation: a runnable scenario never has one. */
  matrix: matrixSchema.optional(),
}).strict().superRefine((s, ctx) => {
  const ids = new Set<string>();
  s.robots.forEach((r, i) => {
    if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['robots', i, 'id'], message: `robot id '${r.id}' is used twice` });
    ids.add(r.id);
  });
  const known = (id: string) => ids.has(id);
  const objectIds = new Set<string>();
  s.objects.forEach((o, i) => {
    if (objectIds.has(o.id) || ids.has(o.id)) ctx.addIssue({ code: 'custom', path: ['objects', i, 'id'], message: `id '${o.id}' is used twice (robots and objects share metric names)` });
    objectIds.add(o.id);
  });
  for (const key of Object.keys(s.controller)) if (!known(key)) ctx.addIssue({ code: 'custom', path: ['controller', key], message: `no robot '${key}' in robots` });
  for (const key of Object.keys(s.input)) if (!known(key)) ctx.addIssue({ code: 'custom', path: ['input', key], message: `no robot '${key}' in robots` });
  const robotType = new Map(s.robots.map((r) => [r.id, r.type]));
  // The exoskeleton's scene is the gait trainer: it holds the exoskeleton alone, driven by its patient.
  const exoIndex = s.robots.findIndex((r) => r.type === 'exo');
  if (exoIndex >= 0) {
    if (s.robots.length > 1) ctx.addIssue({ code: 'custom', path: ['robots'], message: 'the exoskeleton is alone in its scenario (no psm or ecm beside it)' });
    if (s.objects.length > 0) ctx.addIssue({ code: 'custom', path: ['objects'], message: 'the exoskeleton scene has no objects (the treadmill is built in)' });
    if (s.targets.length > 0) ctx.addIssue({ code: 'custom', path: ['targets'], message: 'targets are for surgical arms; the exoskeleton has none' });
  }
  const jointsOf = (id: string): readonly string[] => {
    const r = s.robots.find((x) => x.id === id)!;
    return r.type === 'exo' ? exoSpec({ ankle: r.ankle }).joints.map((j) => j.name) : ROBOT_JOINTS[r.type];
  };
  // The ECM is not teleoperated (yet): it holds its joints, so it takes no operator input and no teleop events.
  for (const key of Object.keys(s.input)) {
    if (robotType.get(key) === 'ecm') ctx.addIssue({ code: 'custom', path: ['input', key], message: `robot '${key}' is an ECM: it takes no operator input (it holds its joints)` });
    if (robotType.get(key) === 'exo') ctx.addIssue({ code: 'custom', path: ['input', key], message: `robot '${key}' is an exoskeleton: its patient drives it (robots[].patient), not an operator input` });
  }
  for (const key of Object.keys(s.controller)) {
    if (robotType.get(key) === 'exo') ctx.addIssue({ code: 'custom', path: ['controller', key], message: `robot '${key}' is an exoskeleton: its controller goes in its robot entry (robots[].controller)` });
  }
  s.robots.forEach((r, i) => {
    if (r.type === 'exo') return;
    const n = ROBOT_JOINTS[r.type].length;
    if (r.joints && r.joints.length !== n) {
      ctx.addIssue({ code: 'custom', path: ['robots', i, 'joints'], message: `expected ${n} joint values (${ROBOT_JOINTS[r.type].join(', ')}), got ${r.joints.length}` });
    }
  });
  const targetIds = new Set<string>();
  s.targets.forEach((tg, i) => {
    if (targetIds.has(tg.id)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'id'], message: `target id '${tg.id}' is used twice` });
    targetIds.add(tg.id);
  });
  s.events.forEach((e, i) => {
    if ('robot' in e && !known(e.robot)) {
      ctx.addIssue({ code: 'custom', path: ['events', i, 'robot'], message: `no robot '${e.robot}' in robots` });
    } else if ('robot' in e && (e.kind === 'disable' || e.kind === 'sensor_noise') && robotType.get(e.robot) === 'exo') {
      ctx.addIssue({ code: 'custom', path: ['events', i, 'kind'], message: `robot '${e.robot}' is an exoskeleton: ${e.kind} does not apply (its events are estop, reset, enable, motor_fault, set)` });
    } else if (e.kind === 'set' && robotType.get(e.robot) === 'exo' && (e.scale !== undefined || e.tremor_filter !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['events', i, e.scale !== undefined ? 'scale' : 'tremor_filter'], message: `robot '${e.robot}' is an exoskeleton: set takes controller and guidance` });
    } else if (e.kind === 'set' && known(e.robot) && robotType.get(e.robot) !== 'exo' && (e.controller !== undefined || e.guidance !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['events', i, e.controller !== undefined ? 'controller' : 'guidance'], message: `robot '${e.robot}' is an arm: set takes scale and tremor_filter (controller and guidance are an exoskeleton's)` });
    } else if ('robot' in e && TELEOP_EVENTS.has(e.kind) && robotType.get(e.robot) === 'ecm') {
      ctx.addIssue({ code: 'custom', path: ['events', i, 'kind'], message: `robot '${e.robot}' is an ECM: it is not teleoperated, so ${e.kind} does not apply` });
    } else if ('robot' in e && INPUT_EVENTS.has(e.kind) && !(e.robot in s.input)) {
      ctx.addIssue({ code: 'custom', path: ['events', i, 'robot'], message: `${e.kind} acts on the operator input, and robot '${e.robot}' has none (add input.${e.robot})` });
    }
    if (e.t > s.duration) ctx.addIssue({ code: 'custom', path: ['events', i, 't'], message: `event at ${e.t} s is after the end of the run (${s.duration} s)` });
    if ((e.kind === 'motor_fault' || (e.kind === 'sensor_noise' && e.joint !== undefined)) && known(e.robot)) {
      const joints = jointsOf(e.robot);
      if (!joints.includes(e.joint!)) ctx.addIssue({ code: 'custom', path: ['events', i, 'joint'], message: `robot '${e.robot}' has no joint '${e.joint}'; expected one of ${joints.join(', ')}` });
    }
  });
  s.expect.forEach((e, i) => {
    if ('robot' in e && e.robot !== undefined && !known(e.robot)) ctx.addIssue({ code: 'custom', path: ['expect', i, 'robot'], message: `no robot '${e.robot}' in robots` });
    if ('final_tip' in e && !known(e.final_tip)) ctx.addIssue({ code: 'custom', path: ['expect', i, 'final_tip'], message: `no robot '${e.final_tip}' in robots` });
    else if ('final_tip' in e && robotType.get(e.final_tip) === 'exo') ctx.addIssue({ code: 'custom', path: ['expect', i, 'final_tip'], message: `robot '${e.final_tip}' is an exoskeleton: it has no tool tip (use its metrics)` });
    if ('metric' in e) {
      const owner = e.metric.slice(0, e.metric.indexOf('.')), metric = e.metric.slice(owner.length + 1);
      const names: readonly string[] | undefined = known(owner) ? (robotType.get(owner) === 'exo' ? EXO_METRIC_NAMES : METRIC_NAMES) : objectIds.has(owner) ? OBJECT_METRIC_NAMES : undefined;
      if (!names) ctx.addIssue({ code: 'custom', path: ['expect', i, 'metric'], message: `no robot or object '${owner}' in robots or objects` });
      else if (!names.includes(metric)) {
        ctx.addIssue({ code: 'custom', path: ['expect', i, 'metric'], message: `unknown metric '${metric}'; expected one of ${names.join(', ')}` });
      }
    }
  });
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioRobot = Exclude<Scenario['robots'][number], { type: 'exo' }>;
export type ScenarioController = z.output<typeof controllerSchema>;
export type ScenarioInput = z.output<typeof inputSchema>;
export type ScenarioEvent = Scenario['events'][number];
export type ScenarioExpectation = Scenario['expect'][number];
export type ScenarioObject = Scenario['objects'][number];
export type ScenarioTarget = Scenario['targets'][number];
export type ScenarioTremor = z.output<typeof tremorSchema>;

/** Events that act on teleoperation: not for an ECM. */
const TELEOP_EVENTS: ReadonlySet<string> = new Set(['enable', 'disable', 'set']);

/** Events that change what the operator's device delivers: they need an `input` for their robot. */
const INPUT_EVENTS: ReadonlySet<string> = new Set(['input_dropout', 'clutch', 'nan_input', 'input_latency', 'packet_loss']);

/** The controller block of a robot with every default filled in. */
export function controllerFor(s: Scenario, id: string): ScenarioController {
  return s.controller[id] ?? controllerSchema.parse({});
}
