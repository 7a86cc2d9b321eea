// Environment objects: a table or phantom surface and rigid objects (box, sphere, cylinder, peg), as plain data.
import type { Collider, RigidBody, World } from '@dimforge/rapier3d-deterministic-compat';
import type { Rapier } from './rapier.ts';
import type { Vec3 } from './robot-spec.ts';
import { ENV_GROUPS } from './collision-groups.ts';

export type ObjectShape =
  | { readonly shape: 'box'; readonly size: Vec3 }
  | { readonly shape: 'sphere'; readonly radius: number }
  | { readonly shape: 'cylinder'; readonly radius: number; readonly height: number }
  /** A small graspable peg: a cylinder along its z with rounded edges (see `pegCollider`). */
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

/** Default mass of a peg, kg: a few grams, a steel pin of a few millimetres. */
export const PEG_DEFAULT_MASS = 0.003;
/** Default friction of a peg (combined with the instrument's 0.8 by Rapier's average rule: 0.9). */
export const PEG_DEFAULT_FRICTION = 1.0;
/** The peg's head, as fractions of the shaft radius and of the total height. */
export const PEG_HEAD = { radius: 1.5, height: 0.15 } as const;

/**
 * A peg as on a peg board: a cylindrical shaft of `radius` with a wider head on top (1.5 × the radius,
 * 15 % of the height), `height` overall, standing on its flat foot; the body's origin is the centre of the
 * overall height. Flat-ended cylinders rather than rounded ones: Rapier's contacts of a sphere (the jaw
 * fingers) against a cylinder are exact, against a rounded cylinder 0.1–0.2 mm off at this size.
 * The mass (default 3 g) is spread evenly over both parts, so Rapier places the centre of mass and computes
 * the inertia of the whole.
 */
function buildPeg(R: Rapier, world: World, body: RigidBody, spec: ObjectSpec & { readonly shape: 'peg' }): Collider {
  const r = spec.radius, h = spec.height;
  const hr = PEG_HEAD.radius * r, hh = PEG_HEAD.height * h, sh = h - hh;
  const volume = Math.PI * (r * r * sh + hr * hr * hh);
  const density = spec.fixed ? 0 : (spec.mass ?? PEG_DEFAULT_MASS) / volume;
  const friction = spec.friction ?? PEG_DEFAULT_FRICTION;
  const part = (radius: number, height: number, zCentre: number) => R.ColliderDesc.cylinder(height / 2, radius)
    .setRotation(Y_TO_Z).setTranslation(0, 0, zCentre)
    .setDensity(density).setFriction(friction).setCollisionGroups(ENV_GROUPS);
  const shaft = world.createCollider(part(r, sh, -h / 2 + sh / 2), body);
  world.createCollider(part(hr, hh, h / 2 - hh / 2), body);
  return shaft;
}

/** A default phantom: a fixed slab whose top surface is at `topZ`. */
export function phantomSpec(topZ: number, center: Vec3 = [0, 0, 0]): ObjectSpec {
  const thickness = 0.02;
  return { id: 'phantom', shape: 'box', size: [0.3, 0.3, thickness], position: [center[0], center[1], topZ - thickness / 2], fixed: true };
}
