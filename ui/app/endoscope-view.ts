// The endoscope view: the camera at the ECM's camera pose (the tip of the ECM), or, in a scene without an
// ECM, a fixed endoscope looking down at the work from in front. Its axes are the operator's frame for input:
// "right", "up" and "back" on the screen are the directions the hand moves the instrument in.
import * as THREE from 'three';
import { View3D } from './view-3d.ts';

/** The ECM camera frame looks along its +z with +y down (the dVRK / OpenCV convention); three.js looks along −z with +y up. */
const CAMERA_FROM_ECM = new THREE.Quaternion().setFromAxisAngle(new THREE.Vector3(1, 0, 0), Math.PI);

/** Where the default endoscope sits relative to what it looks at (m): in front (−y) and above. */
const DEFAULT_OFFSET = new THREE.Vector3(0, -0.11, 0.1);

export class EndoscopeView extends View3D {
  private aimed = false;

  constructor(canvas: HTMLCanvasElement) {
    super(canvas, 60);
    this.camera.near = 0.001;
    this.camera.updateProjectionMatrix();
  }

  /** Follows the ECM camera pose [x,y,z,qx,qy,qz,qw] (world). */
  followEcm(pose: ArrayLike<number>): void {
    this.camera.position.set(pose[0], pose[1], pose[2]);
    this.camera.quaternion.set(pose[3], pose[4], pose[5], pose[6]).multiply(CAMERA_FROM_ECM);
    this.camera.updateMatrixWorld();
    this.aimed = true;
  }

  /** Without an ECM: aims once at `target` (the instrument tips when the first state arrives). */
  aimDefault(target: THREE.Vector3, force = false): void {
    if (this.aimed && !force) return;
    this.camera.position.copy(target).add(DEFAULT_OFFSET);
    this.camera.lookAt(target);
    this.camera.updateMatrixWorld();
    this.aimed = true;
  }

  resetAim(): void {
    this.aimed = false;
  }

  /** The camera's right, up and back (toward the viewer) directions in the world. */
  axes(right: THREE.Vector3, up: THREE.Vector3, back: THREE.Vector3): void {
    const e = this.camera.matrixWorld.elements;
    right.set(e[0], e[1], e[2]).normalize();
    up.set(e[4], e[5], e[6]).normalize();
    back.set(e[8], e[9], e[10]).normalize();
  }
}
