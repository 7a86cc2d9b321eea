// The mouse on the endoscope view as a master device: left-drag moves the hand in the view plane, right-drag
// turns the wrist (yaw with x, pitch with y), the wheel moves in depth (away from you when scrolled up), and
// Shift+wheel opens and closes the jaws. Each movement is a nudge handed on at once.
import { zeroNudge, type Nudge } from './hand-motion.ts';

/** Hand metres per pixel of drag (0.1 mm of instrument per pixel at scale 0.2). */
const M_PER_PX = 0.0005;
const RAD_PER_PX = 0.008;
const M_PER_WHEEL = 0.0001;
const GRIP_PER_WHEEL = 0.002;

export class MouseInput {
  constructor(el: HTMLElement, onNudge: (n: Nudge) => void) {
    let button = -1, lastX = 0, lastY = 0;
    el.addEventListener('pointerdown', (e) => {
      button = e.button;
      lastX = e.clientX;
      lastY = e.clientY;
      el.setPointerCapture(e.pointerId);
      el.focus();
    });
    el.addEventListener('pointermove', (e) => {
      if (button < 0) return;
      const dx = e.clientX - lastX, dy = e.clientY - lastY;
      lastX = e.clientX;
      lastY = e.clientY;
      const n = zeroNudge();
      if (button === 0) {
        n.move[0] = dx * M_PER_PX;
        n.move[1] = -dy * M_PER_PX; // screen y grows downwards
      } else if (button === 2) {
        n.rotate[1] = -dx * RAD_PER_PX; // drag right: the jaws turn right
        n.rotate[0] = -dy * RAD_PER_PX; // drag down: the jaws tilt down
      } else return;
      onNudge(n);
    });
    const up = (e: PointerEvent) => {
      button = -1;
      if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    };
    el.addEventListener('pointerup', up);
    el.addEventListener('pointercancel', up);
    el.addEventListener('contextmenu', (e) => e.preventDefault());
    el.addEventListener('wheel', (e) => {
      e.preventDefault();
      const px = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
      const n = zeroNudge();
      if (e.shiftKey) n.grip = -px * GRIP_PER_WHEEL;
      else n.move[2] = px * M_PER_WHEEL;
      onNudge(n);
    }, { passive: false });
  }
}
