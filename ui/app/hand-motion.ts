// What the input devices ask of the operator's hand, in the endoscope view's frame (right, up, back toward
// the viewer): rates held over time (keys, sticks) and one-off nudges (mouse drags, wheel), plus the clutch.
export interface DeviceRates {
  /** Hand velocity along the view's right, up and back axes, m/s. */
  readonly move: [number, number, number];
  /** Hand angular velocity about the view's right, up and back axes, rad/s. */
  readonly rotate: [number, number, number];
  /** Grip change per second (0 closed … 1 open, down to −0.5 squeezed). */
  grip: number;
  clutch: boolean;
}

export interface Nudge {
  /** Hand translation (m) and rotation (rad) in the view frame, and grip change, applied once. */
  readonly move: [number, number, number];
  readonly rotate: [number, number, number];
  grip: number;
}

export function zeroRates(): DeviceRates {
  return { move: [0, 0, 0], rotate: [0, 0, 0], grip: 0, clutch: false };
}

export function zeroNudge(): Nudge {
  return { move: [0, 0, 0], rotate: [0, 0, 0], grip: 0 };
}

export function sameRates(a: DeviceRates, b: DeviceRates): boolean {
  return a.clutch === b.clutch && a.grip === b.grip && a.move.every((v, i) => v === b.move[i]) && a.rotate.every((v, i) => v === b.rotate[i]);
}

/** Hand speeds of the keyboard and gamepad at full deflection (the instrument moves `scale` times as fast). */
export const HAND_SPEED = { move: 0.1, rotate: (60 * Math.PI) / 180, grip: 1.0, fine: 0.25 } as const;
