// The dVRK endoscope camera manipulator (ECM) with a 0° stereo endoscope.
// Kinematics, ranges and efforts from ../shared/REFERENCE.md (sawIntuitiveResearchKit ecm.json). Frame 0 is the
// remote centre of motion (RCM); yaw and pitch rotate about axes through it, insertion slides the endoscope along
// its shaft, roll turns it about the shaft. The camera sits at the endoscope tip (DH frame 4) and looks along the
// shaft, away from the RCM.
import type { DhRow, JointSpec, LinkSpec, RobotSpec } from '../robot-spec.ts';
import { dhHomeOrigin, rows4 } from './dh-links.ts';

const deg = Math.PI / 180;

export const ECM_DH: readonly DhRow[] = [
  { joint: 'yaw', type: 'revolute', alpha: Math.PI / 2, a: 0, theta: 0, d: 0, offset: Math.PI / 2 },
  { joint: 'pitch', type: 'revolute', alpha: -Math.PI / 2, a: 0, theta: 0, d: 0, offset: -Math.PI / 2 },
  { joint: 'insertion', type: 'prismatic', alpha: Math.PI / 2, a: 0, theta: 0, d: 0, offset: -0.3822 },
  { joint: 'roll', type: 'revolute', alpha: 0, a: 0, theta: 0, d: 0.3829, offset: 0 },
];

/**
 * The camera frame after DH frame 4, in the computer-vision convention: z along the optical axis (the shaft,
 * away from the RCM, into the scene), x to the right of the image, y down it. A rotation of −90° about z4: with
 * the ECM upright (base orientation identity, yaw 0) and the scope pitched towards +y, image right is world +x
 * and image up points away from the ECM, as a surgeon looking over the table expects.
 */
export const ECM_CAMERA = [[0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] as const;

/** Endoscope geometry (m): a 12 mm stereo endoscope; the part drawn and collided is its distal 0.3 m. */
export const ECM_SCOPE = { radius: 0.006, length: 0.3 } as const;

/**
 * Link masses (kg), plausible for the arm and a stereo endoscope. The yaw and pitch links are counterbalanced
 * about the RCM (their mass sits at it, as on the real arm); the insertion carriage (sterile adapter and
 * drive) rides behind the endoscope's proximal end; the endoscope (shaft, optics and the camera head at its
 * proximal end) turns with the roll joint, its centre of mass 0.3 m behind the tip, near the camera head.
 */
export const ECM_MASSES = { yaw: 4.0, pitch: 3.0, carriage: 0.8, endoscope: 0.9 } as const;

// Servo gains: about 15 Hz closed-loop bandwidth for yaw and pitch with the endoscope's inertia about the RCM
// (≈ 0.12 kg·m² at mid insertion, armature included), 15 Hz for the insertion with the 1.7 kg it moves, a
// stiff roll; each near critically damped. The tracking-error limits are the dVRK's (7°, 10 mm); the velocity
// limits (1 rad/s, 0.2 m/s, 2 rad/s roll) are a camera arm's, slower than the instruments'.
const joints: JointSpec[] = [
  { name: 'yaw', type: 'revolute', lower: -90 * deg, upper: 90 * deg, effort: 26.9, trackingErrorLimit: 7 * deg, velocityLimit: 1, servo: { stiffness: 1200, damping: 24 }, armature: 0.05 },
  { name: 'pitch', type: 'revolute', lower: -44 * deg, upper: 65 * deg, effort: 26.9, trackingErrorLimit: 7 * deg, velocityLimit: 1, servo: { stiffness: 1200, damping: 24 }, armature: 0.05 },
  { name: 'insertion', type: 'prismatic', lower: 0, upper: 0.255, effort: 80.7, trackingErrorLimit: 0.01, velocityLimit: 0.2, servo: { stiffness: 15000, damping: 320 }, armature: 0.1 },
  { name: 'roll', type: 'revolute', lower: -88 * deg, upper: 88 * deg, effort: 0.88, trackingErrorLimit: 7 * deg, velocityLimit: 2, servo: { stiffness: 20, damping: 0.4 }, armature: 0.002 },
];

function link(i: number, name: string, mass: number, com: [number, number, number], inertia: [number, number, number], shapes: LinkSpec['shapes']): LinkSpec {
  return { name, parent: i - 1, origin: rows4(dhHomeOrigin(ECM_DH[i])), axis: [0, 0, 1], drive: { joint: i, gain: 1 }, mass, com, inertia, shapes };
}

const links: LinkSpec[] = [
  link(0, 'yaw_link', ECM_MASSES.yaw, [0, 0, 0], [0.05, 0.05, 0.05], []),
  link(1, 'pitch_link', ECM_MASSES.pitch, [0, 0, 0], [0.04, 0.04, 0.04], []),
  // Frame 3 sits 0.3829 m behind the tip, at the endoscope's proximal end; the carriage is just behind it.
  link(2, 'carriage', ECM_MASSES.carriage, [0, 0, -0.03], [0.002, 0.002, 0.001], []),
  // Frame 4 is the tip; the shaft runs back from it along −z4, the camera head near its proximal end.
  link(3, 'endoscope', ECM_MASSES.endoscope, [0, 0, -0.3], [0.012, 0.012, 4e-4], [
    { kind: 'cylinder', radius: ECM_SCOPE.radius, halfLength: ECM_SCOPE.length / 2, center: [0, 0, -ECM_SCOPE.length / 2], axis: [0, 0, 1] },
  ]),
];

export const ECM_SPEC: RobotSpec = {
  type: 'ecm',
  joints,
  links,
  dh: ECM_DH,
  toolTip: ECM_CAMERA,
  tipLink: 3,
  shaftLink: 3,
  instrumentLinks: [3],
  ready: [0, 0, 0.06, 0],
};
