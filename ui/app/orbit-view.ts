// The free view: OrbitControls about the work (left-drag turns, wheel zooms, right-drag pans).
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { View3D } from './view-3d.ts';

export class OrbitView extends View3D {
  readonly controls: OrbitControls;

  constructor(canvas: HTMLCanvasElement, onChange: () => void) {
    super(canvas, 45);
    this.camera.position.set(0.35, -0.45, 0.35);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', onChange);
  }

  /**
   * Aims at a point from the default direction (called when a scene arrives), `scale` times the arms' distance;
   * the far plane goes with it.
   */
  frame(focus: THREE.Vector3, scale = 1): void {
    this.controls.target.copy(focus);
    this.camera.position.copy(focus).add(new THREE.Vector3(0.3, -0.4, 0.3).multiplyScalar(scale));
    this.camera.near = 0.002 * scale;
    this.camera.far = 5 * scale;
    this.camera.updateProjectionMatrix();
    this.controls.update();
  }

  override dispose(): void {
    this.controls.dispose();
    super.dispose();
  }
}
