// Environment objects: a table or phantom surface and rigid objects (box, sphere, cylinder), as plain data.
import type { Collider, RigidBody, World } from '@dimforge/rapier3d-deterministic-compat';
import type { Rapier } from './rapier.ts';
import type { Vec3 } from './robot-spec.ts';
import { ENV_GROUPS } from './collision-groups.ts';

export type ObjectShape =
  | { readonly shape: 'box'; readonly size: Vec3 }
  | { readonly shape: 'sphere'; readonly radius: number }
  | { readonly shape: 'cylinder'; readonly radius: number; readonly height: number };

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
  } else {
    // Rapier cylinders run along local y; the scenario's cylinders stand along z.
    cd = R.ColliderDesc.cylinder(spec.height / 2, spec.radius).setRotation({ x: Math.SQRT1_2, y: 0, z: 0, w: Math.SQRT1_2 });
    volume = Math.PI * spec.radius ** 2 * spec.height;
  }
  const mass = spec.mass ?? 0.05;
  cd.setDensity(spec.fixed ? 0 : mass / volume).setFriction(spec.friction ?? 0.8).setCollisionGroups(ENV_GROUPS);
  const collider = world.createCollider(cd, body);
  return { spec, body, bodyHandle: body.handle, collider };
}

/** A default phantom: a fixed slab whose top surface is at `topZ`. */
export function phantomSpec(topZ: number, center: Vec3 = [0, 0, 0]): ObjectSpec {
  const thickness = 0.02;
  return { id: 'phantom', shape: 'box', size: [0.3, 0.3, thickness], position: [center[0], center[1], topZ - thickness / 2], fixed: true };
}
