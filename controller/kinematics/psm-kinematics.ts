// The dVRK PSM as a DhChain: yaw, pitch, insertion, roll, wrist pitch, wrist yaw (the jaw is not in the chain).
// Frame 0 is the remote centre of motion (RCM).
import { PSM_MIN_INSERTION, PSM_SPEC } from '../../sim/robots/psm.ts';
import { DhChain } from './dh-chain.ts';

/** Number of joints in the PSM kinematic chain (the jaw, joint 7, is not part of it). */
export const PSM_CHAIN_DOF = 6;
/** Index of the insertion joint in the PSM chain. */
export const PSM_INSERTION_JOINT = 2;
/** DH frame whose z axis is the instrument shaft (frame 3, after insertion; frame 4, after roll, shares it). */
export const PSM_SHAFT_FRAME = 3;

/** A new kinematic chain for one PSM (limits from PSM_SPEC's first six joints, insertion ≥ 0.04 m in the IK). */
export function createPsmKinematics(): DhChain {
  const joints = PSM_SPEC.joints.slice(0, PSM_CHAIN_DOF);
  return new DhChain(
    PSM_SPEC.dh,
    PSM_SPEC.toolTip,
    { lower: joints.map((j) => j.lower), upper: joints.map((j) => j.upper) },
    { minInsertion: { joint: PSM_INSERTION_JOINT, value: PSM_MIN_INSERTION } },
  );
}

/**
 * Distance (m) of the RCM (origin of frame 0) from the instrument shaft axis — the line through the origin of
 * frame 3 along z3 — for joint values q. Zero for every q is the remote-centre-of-motion property.
 * Refreshes the chain's frames (`chain.frame(i)`) to q. Allocation-free.
 */
export function shaftDistanceFromRcm(chain: DhChain, q: ArrayLike<number>): number {
  chain.frames(q);
  const f = chain.frame(PSM_SHAFT_FRAME);
  const px = f[3], py = f[7], pz = f[11];
  const zx = f[2], zy = f[6], zz = f[10];
  // |p × z| / |z|: the distance of the origin from the line p + t·z.
  const cx = py * zz - pz * zy, cy = pz * zx - px * zz, cz = px * zy - py * zx;
  return Math.hypot(cx, cy, cz) / Math.hypot(zx, zy, zz);
}
