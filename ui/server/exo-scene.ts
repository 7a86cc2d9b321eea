// The exoskeleton's part of `welcome.scene` (protocol.ts ExoDescription): what the page needs to draw the patient,
// the orthosis and the treadmill, and the normative tables for the gait plots' band. Read from the run's own
// exoskeleton, patient and reference gait, so the drawing is the physics.
import type { ExoDescription, ExoSegmentShape } from '../protocol.ts';
import { LIMB_NAMES, SIDES } from '../../sim/exo/exo-spec.ts';
import { BELT_HALF_WIDTH, SimExo } from '../../sim/exo/sim-exo.ts';
import { NORMATIVE_ANKLE_DEG, NORMATIVE_HIP_DEG, NORMATIVE_KNEE_DEG, STANCE_END } from '../../controller/exo/normative-gait.ts';
import type { PreparedRun } from '../../scenarios/runner.ts';
import { exoConfigs, type ExoRobot } from '../../scenarios/exo/exo-schema.ts';
import { round } from '../../scenarios/round.ts';

export function describeExo(r: ExoRobot, exo: NonNullable<PreparedRun['exo']>): ExoDescription {
  const cfg = exoConfigs(r);
  const p = exo.sim.patient;
  const b = p.body, H = b.height;
  const spec = exo.sim.spec;
  const gait = exo.gait;
  // Radii are for the picture only (the physics has no limb collision shapes), scaled with height.
  const thighR = 0.045 * H / 1.8, shankR = 0.035 * H / 1.8;
  const hang = (length: number, radius: number): ExoSegmentShape => ({ kind: 'capsule', from: [0, 0, 0], to: [0, 0, -length], radius });
  // The foot from heel to toe at the sole (the contact spheres' bottom), ankle at the origin.
  const heel = p.heelX - p.contactRadius, toe = heel + b.foot.length;
  const foot: ExoSegmentShape = { kind: 'box', center: [0.5 * (heel + toe), 0, -0.5 * b.ankleHeight], halfExtents: [0.5 * b.foot.length, 0.045 * H / 1.8, 0.5 * b.ankleHeight] };
  const segments = SimExo.BODY_NAMES.map((name) => {
    if (name === 'pelvis') {
      return { name, length: 2 * p.hipHalfWidth, shape: { kind: 'box' as const, center: [0, 0, 0.04 * H], halfExtents: [0.05 * H, p.hipHalfWidth + thighR, 0.055 * H] } };
    }
    const kind = name.split('_')[0];
    if (kind === 'thigh') return { name, length: b.thigh.length, shape: hang(b.thigh.length, thighR) };
    if (kind === 'shank') return { name, length: b.shank.length, shape: hang(b.shank.length, shankR) };
    return { name, length: b.foot.length, shape: foot };
  });
  const childOf = ['thigh', 'shank', 'foot'];
  return {
    id: r.id,
    patient: { height: H, mass: b.mass },
    segments: roundDeep(segments),
    limbJoints: [...LIMB_NAMES],
    drives: spec.joints.map((j) => ({ name: j.name, limb: j.limb, child: `${childOf[j.joint]}_${SIDES[j.side]}`, lower: round(j.lower, 6), upper: round(j.upper, 6), effort: j.effort })),
    // Two cuffs per actuated segment, at a third and two thirds of its length (as on a Lokomat orthosis).
    cuffs: roundDeep(SIDES.flatMap((s) => [
      { segment: `thigh_${s}`, at: b.thigh.length / 3, radius: thighR * 1.25 },
      { segment: `thigh_${s}`, at: (2 * b.thigh.length) / 3, radius: thighR * 1.15 },
      { segment: `shank_${s}`, at: b.shank.length / 3, radius: shankR * 1.3 },
      { segment: `shank_${s}`, at: (2 * b.shank.length) / 3, radius: shankR * 1.2 },
    ])),
    ankle: spec.ankle,
    normative: { step: 1 / NORMATIVE_HIP_DEG.length, hip_deg: [...NORMATIVE_HIP_DEG], knee_deg: [...NORMATIVE_KNEE_DEG], ankle_deg: [...NORMATIVE_ANKLE_DEG], stanceEnd: STANCE_END },
    gait: { cadence: gait.cadence, strideTime: gait.strideTime, strideLength: round(gait.strideLength, 4), hipScale: round(gait.hipScale, 4) },
    treadmill: { halfWidth: BELT_HALF_WIDTH, speed: round(gait.beltSpeed, 4) },
    controller: { type: cfg.control.type, guidance: cfg.control.type === 'position' ? 1 : cfg.control.guidance },
  };
}

/** Numbers in a plain value to 0.1 mm (the drawing needs no more; the JSON stays short). */
function roundDeep<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? round(x, 4) : x))) as T;
}
