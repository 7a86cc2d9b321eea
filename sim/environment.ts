// Environment objects: a table or phantom surface and rigid objects (box, sphere, cylinder, peg), as plain data.
import type { Collider, RigidBody, World } from '@dimforge/rapier3d-deterministic-compat';
import type { Rapier } from './rapier.ts';
import type { Vec3 } from './robot-spec.ts';
import { ENV_GROUPS } from './collision-groups.ts';

export type ObjectShape =
  | { readonly shape: 'box'; readonly size: Vec3 }
  | { readonly shape: 'sphere'; readonly radius: number }
  | { readonly shape: 'cylinder'; readonly radius: number; readonly height: number }
  /** A small graspable peg: a flat-ended cylinder along its z, a few grams (see `buildPeg`). */
  | { readonly shape: 'peg'; readonly radius: number; readonly height: number };

export type ObjectSpec = ObjectShape & {
  readonly id: string;
  /** Centre position in the world (m) and orientation [x,y,z,w]. */
  readonly position: Vec3;
  readonly orientation?: readonly [number, number, number, number];
  /** Mass in kg; ignored when fixed. */
  readonly mass?: number;
  readonly fixed?: boolean;
  readonly friction?: number;
};

export interface SimObject {
  readonly spec: ObjectSpec;
  body: RigidBody;
  readonly bodyHandle: number;
  readonly collider: Collider;
}

export function buildObject(R: Rapier, world: World, spec: ObjectSpec): SimObject {
  const q = spec.orientation ?? [0, 0, 0, 1];
  const desc = (spec.fixed ? R.RigidBodyDesc.fixed() : R.RigidBodyDesc.dynamic())
    .setTranslation(spec.position[0], spec.position[1], spec.position[2])
    .setRotation({ x: q[0], y: q[1], z: q[2], w: q[3] });
  const body = world.createRigidBody(desc);
  let cd;
  let volume: number;
  if (spec.shape === 'box') {
    cd = R.ColliderDesc.cuboid(spec.size[0] / 2, spec.size[1] / 2, spec.size[2] / 2);
    volume = spec.size[0] * spec.size[1] * spec.size[2];
  } else if (spec.shape === 'sphere') {
    cd = R.ColliderDesc.ball(spec.radius);
    volume = (4 / 3) * Math.PI * spec.radius ** 3;
  } else if (spec.shape === 'cylinder') {
    // Rapier cylinders run along local y; the scenario's cylinders stand along z.
    cd = R.ColliderDesc.cylinder(spec.height / 2, spec.radius).setRotation(Y_TO_Z);
    volume = Math.PI * spec.radius ** 2 * spec.height;
  } else {
    return { spec, body, bodyHandle: body.handle, collider: buildPeg(R, world, body, spec) };
  }
  const mass = spec.mass ?? 0.05;
  cd.setDensity(spec.fixed ? 0 : mass / volume).setFriction(spec.friction ?? 0.8).setCollisionGroups(ENV_GROUPS);
  const collider = world.createCollider(cd, body);
  return { spec, body, bodyHandle: body.handle, collider };
}

/** Rotates Rapier's cylinder axis (local y) onto z. */
const Y_TO_Z = { x: Math.SQRT1_2, y: 0, z: 0, w: Math.SQRT1_2 };

/** Default mass of a peg, kg: a few grams (a 4 × 20 mm steel pin weighs 2 g). */
export const PEG_DEFAULT_MASS = 0.003;
/** Default friction of a peg: combined with the instrument's 0.8 by Rapier's average rule, 0.9. */
export const PEG_DEFAULT_FRICTION = 1.0;

/**
 * A peg: a flat-ended cylinder standing along z, `height` long, to be picked up with the jaws.
 * - Flat ends, not rounded or capsule ends: it stands on the phantom, and Rapier's contacts of a sphere (the
 *   jaw fingers, see sim/robots/psm.ts) against a cylinder are exact, against a rounded cylinder 0.1–0.2 mm off.
 * - No head: with a head the centre of mass moves up, above where a second jaw can take the shaft below the
 *   first, and a peg held above its centre of mass topples out of the grip (it is an inverted pendulum whose
 *   only restoring torque is the grip's). A plain cylinder keeps it at mid-height, below both grasps.
 * - Mass (default 3 g) and inertia are those of a solid cylinder, set explicitly.
 */
function buildPeg(R: Rapier, world: World, body: RigidBody, spec: ObjectSpec & { readonly shape: 'peg' }): Collider {
  const r = spec.radius, h = spec.height;
  const cd = R.ColliderDesc.cylinder(h / 2, r).setRotation(Y_TO_Z)
    .setFriction(spec.friction ?? PEG_DEFAULT_FRICTION).setCollisionGroups(ENV_GROUPS);
  if (spec.fixed) return world.createCollider(cd.setDensity(0), body);
  const m = spec.mass ?? PEG_DEFAULT_MASS;
  // About its axis m·r²/2, about a diameter m·(3r² + h²)/12 (collider frame: y is the axis, before Y_TO_Z).
  const axial = (m * r * r) / 2, transverse = (m * (3 * r * r + h * h)) / 12;
  cd.setMassProperties(m, { x: 0, y: 0, z: 0 }, { x: transverse, y: axial, z: transverse }, { x: 0, y: 0, z: 0, w: 1 });
  return world.createCollider(cd, body);
}

/** A default phantom: a fixed slab whose top surface is at `topZ`. */
export function phantomSpec(topZ: number, center: Vec3 = [0, 0, 0]): ObjectSpec {
  const thickness = 0.02;
  return { id: 'phantom', shape: 'box', size: [0.3, 0.3, thickness], position: [center[0], center[1], topZ - thickness / 2], fixed: true };
}
