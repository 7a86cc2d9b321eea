// Segment lengths, masses and inertias of the lower limbs from body height and mass, by the Dempster tables
// as Winter gives them (../shared/REFERENCE.md, "Gait and anthropometry"). Plain data: the patient model
// (patient-spec.ts) is built from these numbers and nothing else.

/** Fractions of body mass, segment length from the proximal end to the centre of mass, radius of gyration. */
export const WINTER = {
  mass: { thigh: 0.100, shank: 0.0465, foot: 0.0145, hat: 0.678 },
  com: { thigh: 0.433, shank: 0.433, foot: 0.50 },
  gyration: { thigh: 0.323, shank: 0.302, foot: 0.475 },
  /** Fractions of body height. */
  length: { thigh: 0.245, shank: 0.246, foot: 0.152, hipHeight: 0.530, kneeHeight: 0.285, ankleHeight: 0.039 },
} as const;

export interface Segment {
  /** Length, m (thigh: hip–knee; shank: knee–ankle; foot: heel–toe). */
  readonly length: number;
  readonly mass: number;
  /** Centre of mass from the proximal joint, m. */
  readonly com: number;
  /** Moment of inertia about the centre of mass (sagittal axis), kg·m². */
  readonly inertia: number;
}

export interface Anthropometry {
  readonly height: number;
  readonly mass: number;
  readonly thigh: Segment;
  readonly shank: Segment;
  readonly foot: Segment;
  /** Head, arms and trunk: carried by the pelvis body. */
  readonly hatMass: number;
  readonly hipHeight: number;
  readonly ankleHeight: number;
}

function segment(H: number, M: number, lengthFrac: number, massFrac: number, comFrac: number, gyrFrac: number): Segment {
  const length = lengthFrac * H;
  const mass = massFrac * M;
  return { length, mass, com: comFrac * length, inertia: mass * (gyrFrac * length) ** 2 };
}

/** The Dempster/Winter segment model of a person of height `H` (m) and mass `M` (kg). */
export function anthropometry(H: number, M: number): Anthropometry {
  if (!(H > 0.5 && H < 2.5)) throw new Error(`height ${H} m is outside 0.5 … 2.5 m`);
  if (!(M > 10 && M < 300)) throw new Error(`mass ${M} kg is outside 10 … 300 kg`);
  const L = WINTER.length, m = WINTER.mass, c = WINTER.com, g = WINTER.gyration;
  return {
    height: H,
    mass: M,
    thigh: segment(H, M, L.thigh, m.thigh, c.thigh, g.thigh),
    shank: segment(H, M, L.shank, m.shank, c.shank, g.shank),
    foot: segment(H, M, L.foot, m.foot, c.foot, g.foot),
    hatMass: m.hat * M,
    hipHeight: L.hipHeight * H,
    ankleHeight: L.ankleHeight * H,
  };
}
