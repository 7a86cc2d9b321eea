// One 3D view: a WebGL renderer on its own canvas and a perspective camera with z as its up (the world is z up).
// Resizes to the canvas' CSS size; renders only when asked (the page asks once per animation frame when dirty).
import * as THREE from 'three';

export class View3D {
  readonly renderer: THREE.WebGLRenderer;
  readonly camera: THREE.PerspectiveCamera;
  private width = 0;
  private height = 0;

  constructor(readonly canvas: HTMLCanvasElement, fovDeg: number) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.camera = new THREE.PerspectiveCamera(fovDeg, 1, 0.002, 5);
    this.camera.up.set(0, 0, 1);
  }

  /** Follows the canvas' size; true when it changed. */
  resize(): boolean {
    const w = this.canvas.clientWidth, h = this.canvas.clientHeight;
    if (w === this.width && h === this.height) return false;
    this.width = w;
    this.height = h;
    if (w === 0 || h === 0) return false;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    return true;
  }

  get visible(): boolean {
    return this.canvas.clientWidth > 0 && this.canvas.clientHeight > 0;
  }

  render(scene: THREE.Scene): void {
    if (this.visible) this.renderer.render(scene, this.camera);
  }

  dispose(): void {
    this.renderer.dispose();
  }
}
