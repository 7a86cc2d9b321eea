// A gamepad (standard mapping) as a master device, polled once per animation frame: left stick moves in the
// view plane, right stick Y in depth and X turns the wrist (yaw), LB/RB roll, the right trigger closes the
// jaws, A held is the clutch, Start enables teleoperation.
import { HAND_SPEED, type DeviceRates } from './hand-motion.ts';

const DEADZONE = 0.15;
const dead = (v: number | undefined) => (v === undefined || Math.abs(v) < DEADZONE ? 0 : (v - Math.sign(v) * DEADZONE) / (1 - DEADZONE));

export class GamepadInput {
  private startWasDown = false;
  /** Name of the pad in use ('' when none). */
  connected = '';

  constructor(private readonly onEnable: () => void) {}

  /** Adds the rates of the first connected pad. */
  rates(r: DeviceRates): void {
    const pads = typeof navigator.getGamepads === 'function' ? navigator.getGamepads() : [];
    const pad = pads.find((p): p is Gamepad => p !== null && p.connected);
    this.connected = pad?.id ?? '';
    if (!pad) return;
    const a = pad.axes, b = pad.buttons;
    const pressed = (i: number) => b[i]?.pressed ?? false;
    const v = HAND_SPEED.move, w = HAND_SPEED.rotate;
    r.move[0] += dead(a[0]) * v;
    r.move[1] -= dead(a[1]) * v; // stick up is negative
    r.move[2] += dead(a[3]) * v; // right stick up: deeper
    r.rotate[1] -= dead(a[2]) * w;
    r.rotate[2] += ((pressed(4) ? 1 : 0) - (pressed(5) ? 1 : 0)) * w;
    const trigger = b[7]?.value ?? 0;
    if (trigger > 0.05) r.grip -= trigger * HAND_SPEED.grip;
    if (pressed(0)) r.clutch = true;
    const start = pressed(9);
    if (start && !this.startWasDown) this.onEnable();
    this.startWasDown = start;
  }
}
