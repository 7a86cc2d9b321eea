// The keyboard as a master device (key codes, so any layout works): W/S up/down and A/D left/right in the
// endoscope view, Q/E deeper/back, arrows wrist yaw and pitch, Z/X roll, R/F open/close the jaws, Space held
// is the clutch, Shift held is fine motion. Enter, 1–9 and V are page actions (enable, select arm, views).
import { HAND_SPEED, type DeviceRates } from './hand-motion.ts';

export type KeyAction = { kind: 'enable' } | { kind: 'select'; index: number } | { kind: 'views' };

const MOTION_KEYS = new Set([
  'KeyW', 'KeyA', 'KeyS', 'KeyD', 'KeyQ', 'KeyE', 'KeyZ', 'KeyX', 'KeyR', 'KeyF',
  'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Space', 'ShiftLeft', 'ShiftRight',
]);

function typingInto(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement && target.type !== 'range' && target.type !== 'checkbox'
    || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

export class KeyboardInput {
  private readonly down = new Set<string>();

  /** `onChange` runs whenever the held keys change. */
  constructor(target: Window, onAction: (a: KeyAction) => void, onChange: () => void) {
    target.addEventListener('keydown', (e) => {
      if (typingInto(e.target)) return;
      if (MOTION_KEYS.has(e.code)) {
        e.preventDefault(); // no page scrolling on Space and arrows
        if (!this.down.has(e.code)) {
          this.down.add(e.code);
          onChange();
        }
        return;
      }
      if (e.repeat) return;
      if (e.code === 'Enter') onAction({ kind: 'enable' });
      else if (/^Digit[1-9]$/.test(e.code)) onAction({ kind: 'select', index: Number(e.code.slice(5)) - 1 });
      else if (e.code === 'KeyV') onAction({ kind: 'views' });
    });
    target.addEventListener('keyup', (e) => {
      if (this.down.delete(e.code)) onChange();
    });
    // A key released while the page had no focus never sends keyup: forget everything held.
    target.addEventListener('blur', () => {
      this.down.clear();
      onChange();
    });
  }

  /** Adds the rates of the keys held now. */
  rates(r: DeviceRates): void {
    const k = this.down;
    if (k.size === 0) return;
    const axis = (plus: string, minus: string) => (k.has(plus) ? 1 : 0) - (k.has(minus) ? 1 : 0);
    const f = k.has('ShiftLeft') || k.has('ShiftRight') ? HAND_SPEED.fine : 1;
    const v = HAND_SPEED.move * f, w = HAND_SPEED.rotate * f;
    r.move[0] += axis('KeyD', 'KeyA') * v;
    r.move[1] += axis('KeyW', 'KeyS') * v;
    r.move[2] += axis('KeyE', 'KeyQ') * v; // back (+) toward the viewer: Q goes deeper
    r.rotate[0] += axis('ArrowUp', 'ArrowDown') * w; // pitch: the jaws tilt up
    r.rotate[1] += axis('ArrowLeft', 'ArrowRight') * w; // yaw: the jaws turn left
    r.rotate[2] += axis('KeyZ', 'KeyX') * w; // roll
    r.grip += axis('KeyR', 'KeyF') * HAND_SPEED.grip;
    if (k.has('Space')) r.clutch = true;
  }
}
