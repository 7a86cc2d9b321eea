// The dVRK ECM as a DhChain: yaw, pitch, insertion, roll, then the camera frame at the endoscope tip.
// Frame 0 is the remote centre of motion (RCM).
import { ECM_SPEC } from '../../sim/robots/ecm.ts';
import { DhChain } from './dh-chain.ts';

/** Number of joints in the ECM kinematic chain (all of them). */
export const ECM_CHAIN_DOF = 4;
/** Index of the insertion joint in the ECM chain. */
export const ECM_INSERTION_JOINT = 2;

/** A new kinematic chain for one ECM, its tip the camera frame (z the optical axis, x right, y down the image). */
export function createEcmKinematics(): DhChain {
  const joints = ECM_SPEC.joints;
  return new DhChain(ECM_SPEC.dh, ECM_SPEC.toolTip, { lower: joints.map((j) => j.lower), upper: joints.map((j) => j.upper) });
}
