// The 13 numbers the state hash keeps per rigid body: position, orientation (x, y, z, w), linear and angular
// velocity, in that order. The free objects and the exoskeleton's bodies are written by this one function (the
// arms cache theirs between steps: sim/robot.ts).
import type { RigidBody } from '@dimforge/rapier3d-deterministic-compat';

export const BODY_STATE_FIELDS = ['x', 'y', 'z', 'qx', 'qy', 'qz', 'qw', 'vx', 'vy', 'vz', 'wx', 'wy', 'wz'] as const;

/** Objects Rapier writes its read-backs into, instead of making new ones. */
export interface BodyScratch {
  readonly v: { x: number; y: number; z: number };
  readonly q: { x: number; y: number; z: number; w: number };
}

export function newBodyScratch(): BodyScratch {
  return { v: { x: 0, y: 0, z: 0 }, q: { x: 0, y: 0, z: 0, w: 1 } };
}

/** Writes `body`'s 13 numbers at `out[o]`; returns the offset after them. */
export function writeBodyState(out: Float64Array, o: number, body: RigidBody, s: BodyScratch): number {
  const t = body.translation(s.v); out[o++] = t.x; out[o++] = t.y; out[o++] = t.z;
  const r = body.rotation(s.q); out[o++] = r.x; out[o++] = r.y; out[o++] = r.z; out[o++] = r.w;
  const v = body.linvel(s.v); out[o++] = v.x; out[o++] = v.y; out[o++] = v.z;
  const w = body.angvel(s.v); out[o++] = w.x; out[o++] = w.y; out[o++] = w.z;
  return o;
}
