// The lower-limb exoskeleton and the patient it is strapped to, as plain data (MuJoCo's "model"): nothing here
// changes during a run. Live state is in SimExo's arrays (sim-exo.ts). Figures: ../shared/REFERENCE.md
// ("Gait and anthropometry", "Rehabilitation devices and control") and Lokomat-like orders of magnitude.
//
// Sagittal plane, world x forward (the walking direction), y to the left, z up. Every joint turns about y.
// Angles: hip and knee flexion positive, ankle dorsiflexion positive (standing upright is all zero).
import type { JointSpec } from '../robot-spec.ts';
import { anthropometry, type Anthropometry } from './anthropometry.ts';

const deg = Math.PI / 180;

export const SIDES = ['left', 'right'] as const;
export const LIMB_JOINTS = ['hip', 'knee', 'ankle'] as const;
/** The patient's limb joints in their order everywhere (3·side + joint): hip_left, knee_left, …, ankle_right. */
export const LIMB_NAMES: readonly string[] = SIDES.flatMap((s) => LIMB_JOINTS.map((j) => `${j}_${s}`));
export type Side = typeof SIDES[number];
export type LimbJoint = typeof LIMB_JOINTS[number];

/** Index of a limb joint in the patient's arrays: 3·side + joint (left hip 0 … right ankle 5). */
export function limbIndex(side: number, joint: number): number {
  return 3 * side + joint;
}

/** An actuated exoskeleton joint: a drive (motor, gearbox) coupled to one limb joint through the cuffs. */
export interface ExoJointSpec extends JointSpec {
  readonly side: number;
  readonly joint: number;
  /** Limb joint this drive acts on (limbIndex). */
  readonly limb: number;
  /** Viscous friction of the drive, N·m·s/rad. (`armature` is its reflected inertia, kg·m².) */
  readonly driveDamping: number;
  /** Cuff (strap and soft tissue) stiffness and damping between the drive and the limb, N·m/rad, N·m·s/rad. */
  readonly cuffStiffness: number;
  readonly cuffDamping: number;
}

export interface ExoSpec {
  readonly type: 'exo';
  /** The actuated joints, in order: per side hip, knee (and ankle when actuated). */
  readonly joints: readonly ExoJointSpec[];
  readonly ankle: 'passive' | 'actuated';
  /** Mass of the orthosis rigidly strapped to each thigh and shank, kg (carried by the limb). */
  readonly linkMass: { readonly thigh: number; readonly shank: number };
  /** The passive ankle's foot lifter (an elastic strap holding the forefoot up in swing): stiffness, N·m/rad, and
   *  the dorsiflexion it pulls towards, rad. */
  readonly footLifter: { readonly stiffness: number; readonly rest: number };
}

export interface ExoOptions {
  readonly ankle?: 'passive' | 'actuated';
  /** Multiplies every cuff's stiffness and damping (a stiffer or softer strap). */
  readonly cuffScale?: number;
}

// Per joint: range, drive torque limit, reflected inertia and friction, cuff, speed limit.
const JOINT_DATA: Record<LimbJoint, {
  lower: number; upper: number; effort: number; armature: number; driveDamping: number;
  cuffStiffness: number; cuffDamping: number; velocityLimit: number; stiffness: number; damping: number;
}> = {
  // Position servo gains: ~10 Hz with the reflected inertia, critically damped against the drive alone.
  hip: { lower: -25 * deg, upper: 50 * deg, effort: 120, armature: 0.15, driveDamping: 0.5, cuffStiffness: 350, cuffDamping: 4, velocityLimit: 400 * deg, stiffness: 1500, damping: 25 },
  knee: { lower: -5 * deg, upper: 80 * deg, effort: 100, armature: 0.10, driveDamping: 0.5, cuffStiffness: 300, cuffDamping: 3, velocityLimit: 500 * deg, stiffness: 1200, damping: 18 },
  ankle: { lower: -30 * deg, upper: 25 * deg, effort: 60, armature: 0.04, driveDamping: 0.2, cuffStiffness: 150, cuffDamping: 1.2, velocityLimit: 400 * deg, stiffness: 400, damping: 5 },
};

export function exoSpec(o: ExoOptions = {}): ExoSpec {
  const ankle = o.ankle ?? 'passive';
  const cuff = o.cuffScale ?? 1;
  const joints: ExoJointSpec[] = [];
  for (let s = 0; s < 2; s++) {
    for (let j = 0; j < 3; j++) {
      if (j === 2 && ankle === 'passive') continue;
      const name = LIMB_JOINTS[j];
      const d = JOINT_DATA[name];
      joints.push({
        name: `${name}_${SIDES[s]}`, type: 'revolute', lower: d.lower, upper: d.upper, effort: d.effort,
        // Tracking error past 15° between the drive and its reference is a fault.
        trackingErrorLimit: 15 * deg,
        servo: { stiffness: d.stiffness, damping: d.damping }, armature: d.armature,
        side: s, joint: j, limb: limbIndex(s, j), driveDamping: d.driveDamping,
        cuffStiffness: d.cuffStiffness * cuff, cuffDamping: d.cuffDamping * cuff, velocityLimit: d.velocityLimit,
      });
    }
  }
  return { type: 'exo', joints, ankle, linkMass: { thigh: 2.0, shank: 1.5 }, footLifter: { stiffness: 15, rest: 5 * deg } };
}

/** The patient's body as the physics sees it. */
export interface PatientSpec {
  readonly body: Anthropometry;
  /** Lateral distance of each hip joint from the pelvis centre, m. */
  readonly hipHalfWidth: number;
  /**
   * Anterior tilt of the pelvis, held by the trainer's pelvis strap, rad. Hip angles are measured from the
   * pelvis: with the usual ~10° tilt of walking, a leading leg at 28° hip flexion and a trailing one at −10°
   * reach the belt together at heel strike (with an upright pelvis the trailing toe would sit 7 cm lower).
   */
  readonly pelvicTilt: number;
  /** Foot contact spheres (heel, ball of the foot): x forward of the ankle, m; radius, m. */
  readonly heelX: number;
  readonly ballX: number;
  readonly contactRadius: number;
  /** Passive joint damping (tissue), N·m·s/rad, and anatomical range (hard stops), rad. Per limb joint. */
  readonly passiveDamping: readonly [number, number, number];
  readonly range: readonly (readonly [number, number])[];
}

export function patientSpec(height: number, mass: number): PatientSpec {
  const body = anthropometry(height, mass);
  const Lf = body.foot.length;
  return {
    body,
    hipHalfWidth: 0.05 * height,
    pelvicTilt: 10 * deg,
    heelX: -0.2 * Lf,
    ballX: 0.58 * Lf,
    contactRadius: 0.025,
    passiveDamping: [1.0, 0.5, 0.3],
    range: [[-30 * deg, 120 * deg], [-3 * deg, 140 * deg], [-45 * deg, 30 * deg]],
  };
}

/** The treadmill and the gait trainer's frame: belt, body-weight support, pelvis guide. */
export interface TrainerSpec {
  /** Body-weight support, a fraction of body weight (0 … 1), as a vertical force on the pelvis. */
  readonly bodyWeightSupport: number;
  /** Foot–belt friction coefficient. */
  readonly friction: number;
  /** Pelvis guide: vertical travel allowed below and above standing hip height, m. */
  readonly pelvisTravel: readonly [number, number];
  /** Damping of the pelvis' vertical motion by the body-weight support unit, N·s/m. */
  readonly pelvisDamping: number;
}

export const DEFAULT_TRAINER: TrainerSpec = { bodyWeightSupport: 0.3, friction: 0.9, pelvisTravel: [-0.2, 0.05], pelvisDamping: 600 };
