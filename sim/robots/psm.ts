// The dVRK patient-side manipulator (PSM) with the Large Needle Driver (LND 400006).
// Kinematics, ranges and efforts from ../shared/REFERENCE.md (sawIntuitiveResearchKit psm.json and the LND tool file).
// Frame 0 is the remote centre of motion (RCM): joints 1 and 2 rotate about axes through it, so the shaft
// always passes through it (the real arm does this with a parallelogram; here the joint axes do it directly).
import type { DhRow, JointSpec, LinkSpec, RobotSpec } from '../robot-spec.ts';
import { dhHomeOrigin, IDENTITY_ROWS, rows4 } from './dh-links.ts';

const deg = Math.PI / 180;

export const PSM_DH: readonly DhRow[] = [
  { joint: 'outer_yaw', type: 'revolute', alpha: Math.PI / 2, a: 0, theta: 0, d: 0, offset: Math.PI / 2 },
  { joint: 'outer_pitch', type: 'revolute', alpha: -Math.PI / 2, a: 0, theta: 0, d: 0, offset: -Math.PI / 2 },
  { joint: 'outer_insertion', type: 'prismatic', alpha: Math.PI / 2, a: 0, theta: 0, d: 0, offset: -0.4318 },
  { joint: 'outer_roll', type: 'revolute', alpha: 0, a: 0, theta: 0, d: 0.4162, offset: 0 },
  { joint: 'outer_wrist_pitch', type: 'revolute', alpha: -Math.PI / 2, a: 0, theta: 0, d: 0, offset: -Math.PI / 2 },
  { joint: 'outer_wrist_yaw', type: 'revolute', alpha: -Math.PI / 2, a: 0.0091, theta: 0, d: 0, offset: -Math.PI / 2 },
];

/** Tool-tip offset after frame 6 (rotation to the Intuitive convention: tip z along the jaws). */
export const PSM_TOOL_TIP = [[0, -1, 0, 0], [0, 0, 1, 0], [-1, 0, 0, 0], [0, 0, 0, 1]] as const;

/** Shortest insertion the IK may command (m), and the safe distance of the wrist from the RCM. */
export const PSM_MIN_INSERTION = 0.04;

// Servo gains aim at roughly 30 Hz closed-loop bandwidth with the link inertias below, critically damped.
// Velocity limits (REFERENCE.md gives none): 2 rad/s outer yaw and pitch, 0.3 m/s insertion (under the world's
// 0.4 m/s body speed cap), 8 rad/s roll, wrist and jaw, the dVRK community's trajectory limits doubled for the
// arm and equal for the instrument. They matter: the instrument's weak servos (0.2–0.33 N·m on 1e-4 kg·m²)
// given a step of a radian or more spin the roll past 50 rad/s and fling the wrist beyond its range.
const joints: JointSpec[] = [
  { name: 'outer_yaw', type: 'revolute', lower: -91 * deg, upper: 91 * deg, effort: 4.97, trackingErrorLimit: 20 * deg, velocityLimit: 2, servo: { stiffness: 600, damping: 8 }, armature: 0.01 },
  { name: 'outer_pitch', type: 'revolute', lower: -53 * deg, upper: 53 * deg, effort: 4.97, trackingErrorLimit: 20 * deg, velocityLimit: 2, servo: { stiffness: 600, damping: 8 }, armature: 0.01 },
  { name: 'outer_insertion', type: 'prismatic', lower: 0, upper: 0.24, effort: 14.81, trackingErrorLimit: 0.02, velocityLimit: 0.3, servo: { stiffness: 8000, damping: 90 }, armature: 0.05 },
  { name: 'outer_roll', type: 'revolute', lower: -260 * deg, upper: 260 * deg, effort: 0.33, trackingErrorLimit: 35 * deg, velocityLimit: 8, servo: { stiffness: 4, damping: 0.04 }, armature: 1e-4 },
  { name: 'outer_wrist_pitch', type: 'revolute', lower: -80 * deg, upper: 80 * deg, effort: 0.25, trackingErrorLimit: 35 * deg, velocityLimit: 8, servo: { stiffness: 4, damping: 0.04 }, armature: 1e-4 },
  { name: 'outer_wrist_yaw', type: 'revolute', lower: -80 * deg, upper: 80 * deg, effort: 0.2, trackingErrorLimit: 35 * deg, velocityLimit: 8, servo: { stiffness: 4, damping: 0.04 }, armature: 1e-4 },
  // The jaw's servo is compliant: 0.001 N·m/rad, 2.5e-5 N·m·s/rad (~11 Hz and about critically damped with the
  // 3 g fingers and 1e-7 kg·m² armature). A jaw commanded past an object grips it with the servo's torque: on a
  // 4 mm peg, 0.2–0.6 mN·m per finger (0.03–0.08 N at the contact) for grip 0 … −0.5, far under the 0.16 N·m
  // effort limit, which still caps it. The stiff servo this had (2 N·m/rad, armature 5e-5) stalls at that limit,
  // ~20 N at the contact, and Rapier's contacts cannot hold that on gram-sized bodies (see PSM_MASSES): the
  // fingers sank through the peg.
  { name: 'jaw', type: 'revolute', lower: -40 * deg, upper: 80 * deg, effort: 0.16, trackingErrorLimit: 90 * deg, velocityLimit: 8, servo: { stiffness: 0.001, damping: 2.5e-5 }, armature: 1e-7 },
];

const SHAFT_RADIUS = 0.0042; // 8.4 mm instrument shaft
const SHAFT_LENGTH = PSM_DH[3].d;

/**
 * Link masses (kg). The real arm is counterbalanced about the RCM, so the yaw and pitch links carry
 * their mass at the RCM; the carriage (sterile adapter + instrument housing) moves with insertion.
 */
export const PSM_MASSES = {
  yaw: 1.5, pitch: 1.2, carriage: 0.45, shaft: 0.04, wristPitch: 0.003, wristYaw: 0.002, finger: 0.003,
} as const;
// The jaw fingers weigh 3 g each, about three times the metal of a real one. Rapier's contacts are soft: at
// 1 kHz a contact pushed with a force F settles about 7·(F/m)·dt² deep, m the mass it pushes (the lighter
// body's), so gram-sized bodies take only fractions of a newton. With 1 g fingers a held 3 g peg sat deeper in
// them and slipped out at grip −0.5; with 3 g it holds over grip −0.5 … 0, peg 2–5 g and grasp depths 7–8.5 mm
// (measured in the handover scenario). The gravity compensation models the same mass.

function link(i: number, name: string, mass: number, com: [number, number, number], inertia: [number, number, number], shapes: LinkSpec['shapes']): LinkSpec {
  return { name, parent: i - 1, origin: rows4(dhHomeOrigin(PSM_DH[i])), axis: [0, 0, 1], drive: { joint: i, gain: 1 }, mass, com, inertia, shapes };
}

/**
 * Jaw finger geometry (m, in the finger's link frame = frame 6 at the jaw pivot): 10 mm long along +y6 (the
 * approach direction), 3 mm wide along z6, 1.6 mm thick along x6; the inner faces meet at x6 = 0 when the jaw
 * reads 0. A finger turns by ±q/2 about z6; with q > 0 each moves to its own side (finger a, +q/2, sits on −x6).
 */
export const PSM_FINGER = { length: 0.01, halfWidth: 0.0015, halfThickness: 0.0008 } as const;

/**
 * The gripping surface of a finger: two rows of spheres along its length (radius = half the thickness, rows at
 * z6 = ±0.7 mm so the spheres fill the 3 mm width), 1 mm apart — the Large Needle Driver's jaws are serrated.
 * Why spheres and not a box: at this scale (mm features) Rapier 0.21's polyhedral contact manifolds (box–box,
 * box–cylinder, capsule–capsule) lose or misplace their contact points — box–box gives none at all — while
 * sphere contacts against any convex shape are exact (checked to 1 µm against cylinders and capsules). Two rows
 * give each finger two contacts across a peg held crosswise, so it cannot swing freely about the squeeze axis;
 * the 1 mm pitch leaves 0.18 mm deep grooves between the spheres. 32 spheres per arm cost ~10 % of a step.
 */
function fingerShapes(side: 1 | -1): LinkSpec['shapes'] {
  const r = PSM_FINGER.halfThickness, x = -side * r, zRow = PSM_FINGER.halfWidth - r;
  const shapes: { kind: 'sphere'; radius: number; center: [number, number, number] }[] = [];
  for (let y = 0.0015; y <= PSM_FINGER.length - r + 1e-9; y += 0.001) {
    for (const z of [-zRow, zRow]) shapes.push({ kind: 'sphere', radius: r, center: [x, y, z] });
  }
  return shapes;
}

/** A 10 × 1.6 × 3 mm plate of the finger's mass about its centre (x6 thickness, y6 length, z6 width). */
const FINGER_INERTIA: [number, number, number] = (() => {
  const m = PSM_MASSES.finger, t = 2 * PSM_FINGER.halfThickness, l = PSM_FINGER.length, w = 2 * PSM_FINGER.halfWidth;
  return [(m * (l * l + w * w)) / 12, (m * (t * t + w * w)) / 12, (m * (l * l + t * t)) / 12];
})();

function finger(name: string, side: 1 | -1): LinkSpec {
  // Fingers close along x6 and point along +y6, the tip's approach direction; they open in the x6–y6 plane
  // about z6. Finger a (side 1) follows +q/2, so it sits on −x6 to open away from finger b (the fingers used to
  // sit the other way round and crossed each other as the jaw opened).
  return {
    name, parent: 5, origin: IDENTITY_ROWS, axis: [0, 0, 1], drive: { joint: 6, gain: side * 0.5 },
    mass: PSM_MASSES.finger, com: [-side * PSM_FINGER.halfThickness, PSM_FINGER.length / 2, 0], inertia: FINGER_INERTIA,
    shapes: fingerShapes(side),
  };
}

const links: LinkSpec[] = [
  link(0, 'yaw_link', PSM_MASSES.yaw, [0, 0, 0], [0.02, 0.02, 0.02], []),
  link(1, 'pitch_link', PSM_MASSES.pitch, [0, 0, 0], [0.015, 0.015, 0.015], []),
  // Frame 3 sits at the instrument's proximal end, 0.4162 m behind the wrist; the carriage is there.
  link(2, 'carriage', PSM_MASSES.carriage, [0, 0, -0.03], [0.0008, 0.0008, 0.0004], []),
  // Frame 4 is at the wrist; the shaft runs back from it along −z4.
  link(3, 'shaft', PSM_MASSES.shaft, [0, 0, -SHAFT_LENGTH / 2], [6e-4, 6e-4, 4e-7], [
    { kind: 'cylinder', radius: SHAFT_RADIUS, halfLength: 0.1, center: [0, 0, -0.1], axis: [0, 0, 1] },
  ]),
  link(4, 'wrist_pitch_link', PSM_MASSES.wristPitch, [0.0045, 0, 0], [1e-7, 1e-7, 1e-7], [
    { kind: 'sphere', radius: 0.003, center: [0.0045, 0, 0] },
  ]),
  link(5, 'wrist_yaw_link', PSM_MASSES.wristYaw, [0, 0, 0], [1e-7, 1e-7, 1e-7], []),
  finger('jaw_finger_a', 1),
  finger('jaw_finger_b', -1),
];

export const PSM_SPEC: RobotSpec = {
  type: 'psm',
  joints,
  links,
  dh: PSM_DH,
  toolTip: PSM_TOOL_TIP,
  tipLink: 5,
  shaftLink: 3,
  instrumentLinks: [3, 4, 5, 6, 7],
  ready: [0, 0, 0.12, 0, 0, 0, 20 * deg],
};
