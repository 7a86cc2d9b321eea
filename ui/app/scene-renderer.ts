// Draws a WorldScene into the orbit and endoscope views: once per animation frame, only when something changed
// (a state arrived, a camera moved, a view resized). When frames are expensive (a software GL such as
// SwiftShader takes ~100 ms per frame and would keep a CPU busy), it draws less often, leaving the CPU to the
// simulation: a new frame only after twice the time the last one took to reach the screen.
import type { EndoscopeView } from './endoscope-view.ts';
import type { OrbitView } from './orbit-view.ts';
import type { WorldScene } from './world-scene.ts';

/** Frames slower than this (ms, draw to the next animation frame) count as expensive. */
const SLOW_FRAME_MS = 40;

export class SceneRenderer {
  world: WorldScene | undefined;
  private dirty = true;
  private lastDraw = 0;
  private justDrew = false;
  /** Time from a draw to the next animation frame, ms (smoothed): what a frame costs. */
  frameMs = 16;
  /** Frames drawn (for the display and the tests). */
  frames = 0;
  /** Time the last draw took on the main thread, ms (smoothed). */
  drawMs = 0;

  constructor(readonly orbit: OrbitView, readonly endoscope: EndoscopeView) {
    const loop = (now: number) => {
      this.draw(now);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  markDirty = (): void => {
    this.dirty = true;
  };

  private draw(now: number): void {
    if (this.justDrew) {
      this.frameMs += 0.3 * (now - this.lastDraw - this.frameMs);
      this.justDrew = false;
    }
    const a = this.orbit.resize(), b = this.endoscope.resize(); // both, always
    if (a || b) this.dirty = true;
    if (!this.world || !this.dirty) return;
    if (this.frameMs > SLOW_FRAME_MS && now - this.lastDraw < 2 * this.frameMs) return;
    this.dirty = false;
    const t0 = performance.now();
    this.orbit.render(this.world.scene);
    this.endoscope.render(this.world.scene);
    this.drawMs += 0.2 * (performance.now() - t0 - this.drawMs);
    this.lastDraw = now;
    this.justDrew = true;
    this.frames++;
  }
}
