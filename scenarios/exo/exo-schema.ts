// The exoskeleton in the scenario language: a robot entry of type `exo` with its patient, controller and gait
// trainer, validated by zod like the rest of the file (unknown fields are errors), and turned into the plain
// configs the model, the patient and the controllers take. People's units in the names (deg, ms, pct).
import { z } from 'zod';
import type { BciTriggerConfig, EmgTriggerConfig, ExoControlConfig, ExoSafetyConfig, TriggerConfig } from '../../controller/exo/exo-frame.ts';
import type { GaitParams } from '../../controller/exo/normative-gait.ts';
import type { PatientBehaviour, SpasticityParams } from '../patient/patient-model.ts';
import { ANKLE_FATIGUE } from '../patient/fatigue.ts';
import { LIMB_JOINTS, LIMB_NAMES, SIDES, type TrainerSpec } from '../../sim/exo/exo-spec.ts';

const DEG = Math.PI / 180;
/**
 * How far the harness lets the pelvis sink below standing hip height, m (for a 1.8 m patient; scaled by height).
 * Walking needs about 2.5 cm (the pelvis is lowest at double support); a stance leg that gives way more than that
 * is caught by the harness, as on a gait trainer, instead of dropping the swinging foot onto the belt.
 */
const PELVIS_DROP = 0.03;
/** The body-weight support unit's vertical damping, N·s/m. */
const PELVIS_DAMPING = 600;
const finite = z.number().refine(Number.isFinite, 'a finite number');
const fraction = finite.min(0).max(1);
const limbName = z.enum(LIMB_NAMES as [string, ...string[]]);

/** Strength: one number for every joint, per side, or per joint (missing ones 1). */
const strengthSchema = z.union([
  fraction,
  z.object({ left: fraction.default(1), right: fraction.default(1) }).strict(),
  z.record(limbName, fraction),
], { error: 'a strength 0 … 1, { left, right }, or per joint { knee_left: …, … }' });

const spasticitySchema = z.object({
  joint: limbName,
  /**
   * The motion the reflex resists (its muscle is stretched by it): knee extensor spasticity resists flexion; at the
   * ankle flexion is dorsiflexion (plantarflexor spasticity resists it).
   */
  resists: z.enum(['flexion', 'extension']).default('flexion'),
  threshold_deg: finite.min(-60).max(120),
  gain_nm_s_per_rad: finite.positive().max(50),
  velocity_threshold_deg_s: finite.nonnegative().max(500).default(10),
  /** Tonic stretch reflex (hypertonia): resistance per rad past the threshold, whatever the speed. */
  tone_nm_per_rad: finite.nonnegative().max(500).default(0),
}).strict();

// An object left out takes its fields' defaults: `.default(schema.parse({}))`, so each default is written once.
const emgSignalSchema = z.object({
  rest_mv: finite.positive().max(1).default(0.02),
  burst_mv: finite.nonnegative().max(5).default(0.2),
}).strict();

const bciSignalSchema = z.object({
  latency_ms: finite.nonnegative().max(2000).default(200),
  rate_hz: finite.positive().max(1000).default(20),
  false_positives_per_min: finite.nonnegative().max(60).default(0),
  miss_rate: fraction.default(0),
  noise: finite.nonnegative().max(0.5).default(0.05),
}).strict();

const intentSchema = z.object({
  /** Times the patient means to step, s. */
  times_s: z.array(finite.nonnegative()).default([]),
  duration_s: finite.positive().max(5).default(0.5),
  emg: emgSignalSchema.default(emgSignalSchema.parse({})),
  bci: bciSignalSchema.default(bciSignalSchema.parse({})),
}).strict();

const variabilitySchema = z.object({ timing_pct: finite.nonnegative().max(20).default(0), amplitude_pct: finite.nonnegative().max(30).default(0) }).strict();

const patientSchema = z.object({
  height_m: finite.min(1.2).max(2.2).default(1.8),
  mass_kg: finite.min(30).max(200).default(75),
  strength: strengthSchema.default(1),
  spasticity: z.array(spasticitySchema).default([]),
  /** Three-compartment fatigue: true for the default rates (ankle, REFERENCE.md), or the rates per second. */
  fatigue: z.union([z.boolean(), z.object({ F: finite.positive().max(10), R: finite.positive().max(10) }).strict()]).default(false),
  variability: variabilitySchema.default(variabilitySchema.parse({})),
  intent: intentSchema.default(intentSchema.parse({})),
}).strict();

const triggerSchema = z.union([
  z.literal('continuous'),
  z.object({
    kind: z.literal('emg'),
    action: z.enum(['step', 'bout']).default('step'),
    bout_strides: z.number().int().positive().max(1000).default(4),
    refractory_ms: finite.nonnegative().max(10000).default(1000),
    k_sd: finite.positive().max(20).default(3),
    baseline_s: finite.positive().max(60).default(1),
    dwell_ms: finite.positive().max(1000).default(50),
    envelope_hz: finite.positive().max(50).default(5),
  }).strict(),
  z.object({
    kind: z.literal('bci'),
    action: z.enum(['step', 'bout']).default('step'),
    bout_strides: z.number().int().positive().max(1000).default(4),
    refractory_ms: finite.nonnegative().max(10000).default(1000),
    threshold: fraction.default(0.6),
    dwell_ms: finite.positive().max(2000).default(100),
  }).strict(),
], { error: "'continuous', or { kind: emg, … } or { kind: bci, … }" });

const controllerBase = {
  cadence_steps_per_min: finite.min(40).max(150).default(100),
  /** Default: what the normative curves give for the patient's legs. */
  stride_length_m: finite.min(0.3).max(2).optional(),
  trigger: triggerSchema.default('continuous'),
  /** Impedance at full guidance per joint kind [hip, knee, ankle], N·m/rad and N·m·s/rad. */
  stiffness_nm_per_rad: z.tuple([finite.positive(), finite.positive(), finite.positive()]).default([800, 600, 250]),
  damping_nm_s_per_rad: z.tuple([finite.nonnegative(), finite.nonnegative(), finite.nonnegative()]).default([25, 15, 5]),
  interaction_limit_nm: finite.positive().max(500).default(100),
  /** Safe state: the hold's torque cap as a share of each drive's limit. */
  hold_torque_fraction: fraction.default(0.4),
};

const controllerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('position'), ...controllerBase }).strict(),
  z.object({ type: z.literal('impedance'), guidance: fraction.default(1), ...controllerBase }).strict(),
  z.object({
    type: z.literal('path'), guidance: fraction.default(1),
    tunnel_deg: finite.positive().max(30).default(5), tunnel_stiffness_nm_per_rad: finite.positive().max(5000).default(300),
    support_nm: finite.nonnegative().max(100).default(5), ...controllerBase,
  }).strict(),
  z.object({
    type: z.literal('aan'),
    /** Guidance at the start (the first stride). */
    guidance: fraction.default(1),
    forgetting: finite.positive().lt(1).default(0.85),
    /** Guidance added per degree of stride RMS tracking error beyond the dead band. */
    gain: finite.nonnegative().max(1).default(0.2),
    dead_band_deg: finite.nonnegative().max(30).default(2.5),
    min_guidance: fraction.default(0),
    ...controllerBase,
  }).strict(),
]);

const trainerSchema = z.object({
  /** Body-weight support, share of the patient's weight (0 … 0.9). */
  body_weight_support: finite.min(0).max(0.9).default(0.3),
  friction: finite.positive().max(2).default(0.5),
}).strict();

export const exoRobotSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a lower-case robot id such as exo'),
  /** exo: a lower-limb exoskeleton on a patient walking on a treadmill (gait trainer). */
  type: z.literal('exo'),
  ankle: z.enum(['passive', 'actuated']).default('passive'),
  patient: patientSchema.default(patientSchema.parse({})),
  controller: controllerSchema.default(controllerSchema.parse({ type: 'position' })),
  trainer: trainerSchema.default(trainerSchema.parse({})),
}).strict();

export type ExoRobot = z.output<typeof exoRobotSchema>;

/** Metrics every exoskeleton has, as `<robot>.<metric>`. */
export const EXO_METRIC_NAMES: readonly string[] = [
  ...LIMB_JOINTS.flatMap((j) => SIDES.flatMap((s) => [`${j}_rom_deg.${s}`, `${j}_rmse_deg.${s}`])),
  'symmetry_index_pct', 'step_length_symmetry_pct', 'hip_rom_symmetry_pct', 'knee_rom_symmetry_pct',
  'active_participation_pct', 'active_participation_pct.left', 'active_participation_pct.right',
  'assistance_start', 'assistance_end', 'assistance_end.left', 'assistance_end.right', 'assistance_min.left', 'assistance_min.right',
  'strides_to_half_assistance',
  'interaction_torque_peak_nm', 'interaction_torque_mean_nm',
  'strides', 'cadence_steps_per_min', 'step_length_m.left', 'step_length_m.right',
  'steps_triggered', 'intents', 'false_triggers', 'missed_intents', 'step_onset_latency_ms', 'intent_detection_latency_ms',
  'safe_state_latency_ticks', 'fatigue_capacity_min',
];

export interface ExoConfigs {
  readonly behaviour: PatientBehaviour;
  readonly control: ExoControlConfig;
  readonly trigger: TriggerConfig;
  readonly safety: ExoSafetyConfig;
  readonly gait: GaitParams;
  readonly trainer: TrainerSpec;
}

// Always a Float64Array: as number[] the healthy patient's [1, 1, …] and a weak one's fractions are arrays of two
// different kinds to V8, and the per-tick muscle model that reads them would be compiled once for each.
function strengthOf(s: ExoRobot['patient']['strength']): Float64Array {
  if (typeof s === 'number') return new Float64Array(6).fill(s);
  if ('left' in s || 'right' in s) {
    const lr = s as { left: number; right: number };
    return Float64Array.of(lr.left, lr.left, lr.left, lr.right, lr.right, lr.right);
  }
  const per = s as Record<string, number>;
  return Float64Array.from(LIMB_NAMES, (n) => per[n] ?? 1);
}

export function exoConfigs(r: ExoRobot): ExoConfigs {
  const p = r.patient, c = r.controller;
  const spasticity: SpasticityParams[] = p.spasticity.map((x) => ({
    limb: LIMB_NAMES.indexOf(x.joint),
    direction: x.resists === 'flexion' ? 1 : -1,
    threshold: (x.resists === 'flexion' ? 1 : -1) * x.threshold_deg * DEG,
    gain: x.gain_nm_s_per_rad,
    velocityThreshold: x.velocity_threshold_deg_s * DEG,
    tone: x.tone_nm_per_rad,
  }));
  const fatigue = p.fatigue === false ? undefined : p.fatigue === true ? ANKLE_FATIGUE : { ...ANKLE_FATIGUE, F: p.fatigue.F, R: p.fatigue.R };
  const behaviour: PatientBehaviour = {
    strength: strengthOf(p.strength),
    // A healthy person's leg follows their intended gait within a few degrees under these gains.
    kp: [1500, 1500, 1500], kd: [40, 25, 6], maxTorque: [250, 250, 200],
    spasticity,
    fatigue,
    timingSd: p.variability.timing_pct / 100,
    amplitudeSd: p.variability.amplitude_pct / 100,
    intent: {
      times: p.intent.times_s,
      durationS: p.intent.duration_s,
      emg: { restMv: p.intent.emg.rest_mv, burstMv: p.intent.emg.burst_mv, tauS: 0.03 },
      bci: {
        latencyS: p.intent.bci.latency_ms / 1000, rateHz: p.intent.bci.rate_hz, restConfidence: 0.2, activeConfidence: 0.85,
        noise: p.intent.bci.noise, falsePositivesPerMin: p.intent.bci.false_positives_per_min, missRate: p.intent.bci.miss_rate,
      },
    },
  };
  const control: ExoControlConfig = {
    type: c.type,
    guidance: c.type === 'position' ? 1 : c.guidance,
    stiffness: c.stiffness_nm_per_rad,
    damping: c.damping_nm_s_per_rad,
    tunnelDeg: c.type === 'path' ? c.tunnel_deg : 0,
    tunnelStiffness: c.type === 'path' ? c.tunnel_stiffness_nm_per_rad : 0,
    support: c.type === 'path' ? c.support_nm : 0,
    forgetting: c.type === 'aan' ? c.forgetting : 1,
    gain: c.type === 'aan' ? c.gain : 0,
    deadBandDeg: c.type === 'aan' ? c.dead_band_deg : 0,
    minGuidance: c.type === 'aan' ? c.min_guidance : 0,
  };
  const t = c.trigger;
  const emg: EmgTriggerConfig = t !== 'continuous' && t.kind === 'emg'
    ? { k: t.k_sd, baselineS: t.baseline_s, dwellS: t.dwell_ms / 1000, envelopeHz: t.envelope_hz }
    : { k: 3, baselineS: 1, dwellS: 0.05, envelopeHz: 5 };
  const bci: BciTriggerConfig = t !== 'continuous' && t.kind === 'bci' ? { threshold: t.threshold, dwellS: t.dwell_ms / 1000 } : { threshold: 0.6, dwellS: 0.1 };
  const trigger: TriggerConfig = t === 'continuous'
    ? { kind: 'continuous', action: 'bout', boutStrides: 0, refractoryS: 0, emg, bci }
    : { kind: t.kind, action: t.action, boutStrides: t.bout_strides, refractoryS: t.refractory_ms / 1000, emg, bci };
  const safety: ExoSafetyConfig = {
    interactionLimit: c.interaction_limit_nm, torqueSaturationS: 0.15, holdStiffness: 0.5, holdTorque: c.hold_torque_fraction, rangeMargin: 0.5 * DEG,
  };
  const gait: GaitParams = { cadence: c.cadence_steps_per_min, strideLength: c.stride_length_m };
  const trainer: TrainerSpec = { bodyWeightSupport: r.trainer.body_weight_support, friction: r.trainer.friction, pelvisTravel: [-PELVIS_DROP * r.patient.height_m / 1.8, 0.05], pelvisDamping: PELVIS_DAMPING };
  return { behaviour, control, trigger, safety, gait, trainer };
}
