// The operator's hand for one arm, as the page's virtual master holds it: position (m) and orientation in the
// master frame (= the arm's base frame: the server's default master-to-base map is the identity), grip, clutch.
// Motions arrive in the endoscope view's frame and are turned into the base frame here, so "right" on the
// screen moves the instrument right in the picture. While the arm is not following (disabled, clutched) the
// hand's orientation is kept at the instrument's, as the dVRK aligns the master to the tool: when following
// (re)starts the orientation offset is the identity, so a wrist turn on the screen turns the jaws the same way.
import * as THREE from 'three';

/** Stay well inside the server's 1 m master workspace. */
const MAX_REACH = 0.9;

export type Vec3 = readonly [number, number, number];

export class HandPose {
  readonly p = new THREE.Vector3();
  readonly q = new THREE.Quaternion();
  grip = 0.5;
  /** Whether the orientation has been taken from the instrument yet (nothing is sent before). */
  aligned = false;
  /** Simulated time (s) of the state before this hand's first input was sent (see input-sender.ts). */
  startedAt: number | undefined;
  private readonly baseInv: THREE.Quaternion;
  private readonly d = new THREE.Vector3();
  private readonly r = new THREE.Vector3();
  private readonly dq = new THREE.Quaternion();

  constructor(base: { q: readonly number[] }) {
    this.baseInv = new THREE.Quaternion(base.q[0], base.q[1], base.q[2], base.q[3]).invert();
  }

  /** Takes the orientation of the tool tip (world pose [x,y,z,qx,qy,qz,qw]). */
  alignTo(tipWorld: ArrayLike<number>): void {
    if (tipWorld.length < 7) return;
    this.q.set(tipWorld[3], tipWorld[4], tipWorld[5], tipWorld[6]).premultiply(this.baseInv).normalize();
    this.aligned = true;
  }

  /** Moves (m) and turns (rad) the hand along / about the view axes given in the world, and changes the grip. */
  apply(move: Vec3, rotate: Vec3, grip: number, right: THREE.Vector3, up: THREE.Vector3, back: THREE.Vector3): void {
    this.d.set(0, 0, 0).addScaledVector(right, move[0]).addScaledVector(up, move[1]).addScaledVector(back, move[2]);
    if (this.d.lengthSq() > 0) {
      this.p.add(this.d.applyQuaternion(this.baseInv));
      if (this.p.length() > MAX_REACH) this.p.setLength(MAX_REACH);
    }
    this.r.set(0, 0, 0).addScaledVector(right, rotate[0]).addScaledVector(up, rotate[1]).addScaledVector(back, rotate[2]);
    const angle = this.r.length();
    if (angle > 0) {
      this.r.divideScalar(angle).applyQuaternion(this.baseInv);
      this.dq.setFromAxisAngle(this.r, angle);
      this.q.premultiply(this.dq).normalize();
    }
    this.grip = Math.min(1, Math.max(-0.5, this.grip + grip));
  }
}
