// The 3D scene of a SceneDescription: lights, a floor grid, the phantom and objects, the targets and every
// robot. World frame as in the simulator: z up, metres (cameras take z as their up).
import * as THREE from 'three';
import type { RobotState, SceneDescription } from '../protocol.ts';
import { RobotModel } from './robot-model.ts';
import { ExoModel } from './exo-model.ts';

export const BACKGROUND = 0x20262e;

export class WorldScene {
  readonly scene = new THREE.Scene();
  readonly robots = new Map<string, RobotModel>();
  /** The patient, orthosis and treadmill, in the exoskeleton's scene. */
  readonly exo: ExoModel | undefined;
  /** Meshes of the free objects by id: the ones `state` (or a recording's `/tf`) moves. */
  readonly freeObjects = new Map<string, THREE.Mesh>();
  /** A point the cameras aim at by default: the centre of the work (targets, else objects, else below the RCMs). */
  readonly focus = new THREE.Vector3();

  constructor(readonly desc: SceneDescription) {
    this.scene.background = new THREE.Color(BACKGROUND);
    this.scene.add(new THREE.HemisphereLight(0xdfe8f5, 0x30343a, 1.4));
    const key = new THREE.DirectionalLight(0xffffff, 2.2);
    key.position.set(0.3, -0.4, 0.8);
    this.scene.add(key);
    const fill = new THREE.DirectionalLight(0xbfd4ff, 0.6);
    fill.position.set(-0.5, 0.3, 0.4);
    this.scene.add(fill);

    const floorZ = Math.min(0, ...desc.objects.map((o) => o.position[2] - objectHalfHeight(o))) - (desc.exo ? 0.06 : 0.001);
    // The arms work in a 0.6 m field; the gait trainer stands on a 6 m floor (0.25 m squares).
    const grid = desc.exo ? new THREE.GridHelper(6, 24, 0x46505c, 0x2f363f) : new THREE.GridHelper(0.6, 24, 0x46505c, 0x2f363f);
    grid.rotation.x = Math.PI / 2; // GridHelper lies in x–z; stand it in x–y (z up)
    grid.position.z = floorZ;
    this.scene.add(grid);

    for (const o of desc.objects) {
      const mesh = objectMesh(o);
      this.scene.add(mesh);
      if (!o.fixed) this.freeObjects.set(o.id, mesh);
      if (isPhantom(o)) this.scene.add(phantomGrid(o));
    }
    for (const t of desc.targets) {
      const m = new THREE.Mesh(
        new THREE.SphereGeometry(t.radius, 20, 14),
        new THREE.MeshStandardMaterial({ color: 0x3fd0c9, transparent: true, opacity: 0.45, emissive: 0x0d3b39 }),
      );
      m.name = `target/${t.id}`;
      m.position.set(t.position[0], t.position[1], t.position[2]);
      this.scene.add(m);
    }
    for (const r of desc.robots) {
      const model = new RobotModel(r);
      this.robots.set(r.id, model);
      this.scene.add(model.root);
    }
    if (desc.exo) {
      this.exo = new ExoModel(desc.exo);
      this.scene.add(this.exo.root);
    }
    this.focus.copy(this.exo ? this.exo.focus : defaultFocus(desc));
  }

  /** How far the orbit camera stands back, relative to the arms' default (the exoskeleton's scene is 2 m tall). */
  get viewScale(): number {
    return this.exo ? 5.5 : 1;
  }

  /** Frees the GPU buffers of every geometry and material (when another scene replaces this one). */
  dispose(): void {
    this.scene.traverse((o) => {
      if (o instanceof THREE.Mesh || o instanceof THREE.LineSegments) {
        o.geometry.dispose();
        for (const m of Array.isArray(o.material) ? o.material : [o.material]) (m as THREE.Material).dispose();
      }
    });
  }

  applyRobotState(r: RobotState, selected: boolean): void {
    const model = this.robots.get(r.id);
    if (!model) return;
    model.setLinkPoses(r.links);
    if (r.tip.length >= 3) model.setTip(r.tip);
    model.setLook(r.safe, selected);
  }

  /** Puts a free object at its world pose [x,y,z,qx,qy,qz,qw] (z up, as the link poses); unknown ids are ignored. */
  setObjectPose(id: string, pose: ArrayLike<number>): void {
    const mesh = this.freeObjects.get(id);
    if (!mesh || pose.length < 7) return;
    mesh.position.set(pose[0], pose[1], pose[2]);
    mesh.quaternion.set(pose[3], pose[4], pose[5], pose[6]);
  }

  /** The drawn pose [x,y,z,qx,qy,qz,qw] of each free object (for `window.steadysim` and the tests). */
  objectPoses(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [id, m] of this.freeObjects) out[id] = [...m.position.toArray(), ...m.quaternion.toArray()];
    return out;
  }
}

type SceneObject = SceneDescription['objects'][number];

function objectHalfHeight(o: SceneObject): number {
  if (o.shape === 'box' && o.size) return o.size[2] / 2;
  if (o.shape === 'sphere' && o.radius) return o.radius;
  return (o.height ?? 0) / 2;
}

function isPhantom(o: SceneObject): boolean {
  return o.fixed && o.shape === 'box' && !o.orientation && o.size !== undefined;
}

/** A 1 cm grid on the phantom's top face, so depth and motion read in the endoscope view. */
function phantomGrid(o: SceneObject): THREE.Object3D {
  const [sx, sy, sz] = o.size!;
  const size = Math.min(sx, sy);
  const grid = new THREE.GridHelper(size, Math.round(size / 0.01), 0x7a4a46, 0x8c5a55);
  grid.rotation.x = Math.PI / 2;
  grid.position.set(o.position[0], o.position[1], o.position[2] + sz / 2 + 0.0002);
  return grid;
}

function objectMesh(o: SceneObject): THREE.Mesh {
  const phantom = isPhantom(o);
  const material = new THREE.MeshStandardMaterial({ color: phantom ? 0xa8706b : 0x6f9fd8, roughness: phantom ? 0.85 : 0.5 });
  let geometry: THREE.BufferGeometry;
  const mesh = new THREE.Mesh();
  if (o.shape === 'box' && o.size) geometry = new THREE.BoxGeometry(o.size[0], o.size[1], o.size[2]);
  else if (o.shape === 'sphere' && o.radius) geometry = new THREE.SphereGeometry(o.radius, 20, 14);
  else {
    // cylinder and peg: along the object's z
    geometry = new THREE.CylinderGeometry(o.radius ?? 0.005, o.radius ?? 0.005, o.height ?? 0.01, 24);
    geometry.rotateX(Math.PI / 2);
  }
  mesh.geometry = geometry;
  mesh.material = material;
  mesh.name = `object/${o.id}`;
  mesh.position.set(o.position[0], o.position[1], o.position[2]);
  if (o.orientation) mesh.quaternion.set(o.orientation[0], o.orientation[1], o.orientation[2], o.orientation[3]);
  return mesh;
}

function defaultFocus(desc: SceneDescription): THREE.Vector3 {
  const pts = desc.targets.length ? desc.targets.map((t) => t.position) : desc.objects.length ? desc.objects.map((o) => o.position) : [];
  const v = new THREE.Vector3();
  if (pts.length) {
    for (const p of pts) v.add(new THREE.Vector3(p[0], p[1], p[2]));
    v.divideScalar(pts.length);
    if (!desc.targets.length) {
      // objects: aim at the top of the highest one near the centre (the phantom's surface)
      v.z = Math.max(...desc.objects.map((o) => o.position[2] + objectHalfHeight(o)));
    }
    return v;
  }
  for (const r of desc.robots) v.add(new THREE.Vector3(r.base.p[0], r.base.p[1], r.base.p[2] - 0.1));
  return desc.robots.length ? v.divideScalar(desc.robots.length) : v;
}
