// The scenario language: one zod schema is both the validator and the documentation of the format.
// Unknown fields are errors, so a typo cannot pass silently.
import { z } from 'zod';

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
  'tracking_error_max_deg', 'tremor_attenuation_db', 'filter_lag_ms',
] as const;

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
  type: z.literal('psm'),
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

const inputSchema = z.object({
  script: z.array(waypointSchema).min(1).refine(
    (w) => w.every((x, i) => i === 0 || x.t > w[i - 1].t),
    'waypoints in strictly increasing time',
  ),
  tremor: z.object({
    frequency_hz: finite.positive().max(100),
    amplitude_mm: finite.nonnegative().max(50),
  }).strict().optional(),
  noise: z.object({ position_mm: finite.nonnegative().max(50) }).strict().optional(),
}).strict();

export const eventSchema = z.discriminatedUnion('kind', [
  z.object({ t: finite.nonnegative(), kind: z.literal('input_dropout'), robot: robotId, duration: finite.positive() }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('clutch'), robot: robotId, on: z.boolean() }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('estop') }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('reset') }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('enable'), robot: robotId }).strict(),
  z.object({ t: finite.nonnegative(), kind: z.literal('nan_input'), robot: robotId }).strict(),
  z.object({
    t: finite.nonnegative(), kind: z.literal('motor_fault'), robot: robotId, joint: z.string(),
    /** Fraction of the effort limit left: 0 is a dead motor, 0.1 a weak one. */
    effort_scale: finite.min(0).max(1),
  }).strict(),
]);

const eventKinds = [
  'watchdog', 'estop', 'non_finite', 'input_rejected', 'tracking_error', 'force_limit', 'joint_limit',
  'teleop_state', 'clutch', 'safe_state', 'reset', 'enable', 'input_dropout', 'motor_fault',
] as const;

const expectSchema = z.union([
  z.object({ metric: z.string().regex(/^[a-z][a-z0-9_]*\.[a-z0-9_]+$/, 'a metric name such as psm1.rcm_error_max_mm'), min: finite.optional(), max: finite.optional() })
    .strict().refine((e) => e.min !== undefined || e.max !== undefined, 'a metric expectation with min, max or both'),
  z.object({ event: z.enum(eventKinds), robot: robotId.optional(), count_min: z.number().int().nonnegative().optional(), count_max: z.number().int().nonnegative().optional() })
    .strict().refine((e) => e.count_min !== undefined || e.count_max !== undefined, 'an event expectation with count_min, count_max or both'),
]);

export const scenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().nonnegative().default(0),
  /** Simulated duration, s. */
  duration: finite.positive().max(3600),
  /** Control and physics rate, Hz. */
  rate: finite.min(100).max(10000).default(1000),
  robots: z.array(robotSchema).min(1),
  objects: z.array(objectSchema).default([]),
  controller: z.record(robotId, controllerSchema).default({}),
  input: z.record(robotId, inputSchema).default({}),
  events: z.array(eventSchema).default([]),
  expect: z.array(expectSchema).default([]),
}).strict().superRefine((s, ctx) => {
  const ids = new Set<string>();
  s.robots.forEach((r, i) => {
    if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['robots', i, 'id'], message: `robot id '${r.id}' is used twice` });
    ids.add(r.id);
  });
  const known = (id: string) => ids.has(id);
  for (const key of Object.keys(s.controller)) if (!known(key)) ctx.addIssue({ code: 'custom', path: ['controller', key], message: `no robot '${key}' in robots` });
  for (const key of Object.keys(s.input)) if (!known(key)) ctx.addIssue({ code: 'custom', path: ['input', key], message: `no robot '${key}' in robots` });
  s.events.forEach((e, i) => {
    if ('robot' in e && !known(e.robot)) ctx.addIssue({ code: 'custom', path: ['events', i, 'robot'], message: `no robot '${e.robot}' in robots` });
    if (e.t > s.duration) ctx.addIssue({ code: 'custom', path: ['events', i, 't'], message: `event at ${e.t} s is after the end of the run (${s.duration} s)` });
  });
  s.expect.forEach((e, i) => {
    if ('robot' in e && e.robot !== undefined && !known(e.robot)) ctx.addIssue({ code: 'custom', path: ['expect', i, 'robot'], message: `no robot '${e.robot}' in robots` });
    if ('metric' in e) {
      const [robot, metric] = e.metric.split('.');
      if (!known(robot)) ctx.addIssue({ code: 'custom', path: ['expect', i, 'metric'], message: `no robot '${robot}' in robots` });
      else if (!(METRIC_NAMES as readonly string[]).includes(metric)) {
        ctx.addIssue({ code: 'custom', path: ['expect', i, 'metric'], message: `unknown metric '${metric}'; expected one of ${METRIC_NAMES.join(', ')}` });
      }
    }
  });
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioRobot = Scenario['robots'][number];
export type ScenarioController = z.output<typeof controllerSchema>;
export type ScenarioInput = z.output<typeof inputSchema>;
export type ScenarioEvent = Scenario['events'][number];
export type ScenarioExpectation = Scenario['expect'][number];
export type ScenarioObject = Scenario['objects'][number];

/** The controller block of a robot with every default filled in. */
export function controllerFor(s: Scenario, id: string): ScenarioController {
  return s.controller[id] ?? controllerSchema.parse({});
}
