// A three.js mesh for one collision/visual shape of the scene description, in its link's frame (z up, m).
import * as THREE from 'three';
import type { LinkDescription } from '../protocol.ts';

type Shape = LinkDescription['shapes'][number];

const Y = new THREE.Vector3(0, 1, 0);

export function shapeMesh(shape: Shape, material: THREE.Material): THREE.Mesh {
  let geometry: THREE.BufferGeometry;
  const mesh = new THREE.Mesh();
  if (shape.kind === 'box') {
    const [x, y, z] = shape.halfExtents;
    geometry = new THREE.BoxGeometry(2 * x, 2 * y, 2 * z);
  } else if (shape.kind === 'sphere') {
    geometry = new THREE.SphereGeometry(shape.radius, 16, 12);
  } else {
    // three.js cylinders run along their local y: turn y onto the shape's axis.
    geometry = new THREE.CylinderGeometry(shape.radius, shape.radius, 2 * shape.halfLength, 20);
    const axis = new THREE.Vector3(shape.axis[0], shape.axis[1], shape.axis[2]).normalize();
    mesh.quaternion.setFromUnitVectors(Y, axis);
  }
  mesh.geometry = geometry;
  mesh.material = material;
  mesh.position.set(shape.center[0], shape.center[1], shape.center[2]);
  return mesh;
}
