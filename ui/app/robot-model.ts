// One robot drawn from its scene description: a group per link frame carrying the link's shapes, "bones"
// between link frame origins (so links without shapes, like the instrument above the distal shaft, still
// show), the RCM marker and a tool-tip marker. `setLinkPoses` puts every link at its world pose (z up, m).
import * as THREE from 'three';
import type { RobotDescription } from '../protocol.ts';
import { shapeMesh } from './shape-mesh.ts';

const Y = new THREE.Vector3(0, 1, 0);

export class RobotModel {
  readonly root = new THREE.Group();
  readonly links: THREE.Group[];
  readonly tip = new THREE.Mesh(new THREE.SphereGeometry(0.0015, 12, 8), new THREE.MeshBasicMaterial({ color: 0x54d17a }));
  private readonly bones: { mesh: THREE.Mesh; from: number; to: number }[] = [];
  private readonly metal = new THREE.MeshStandardMaterial({ color: 0xb8c2cc, metalness: 0.55, roughness: 0.35 });
  private readonly dark = new THREE.MeshStandardMaterial({ color: 0x3d4650, metalness: 0.4, roughness: 0.5 });
  private readonly jaw = new THREE.MeshStandardMaterial({ color: 0x9aa3ad, metalness: 0.7, roughness: 0.3 });
  private readonly base = new THREE.Vector3();
  private readonly a = new THREE.Vector3();
  private readonly b = new THREE.Vector3();

  constructor(readonly desc: RobotDescription) {
    this.root.name = desc.id;
    const [bx, by, bz] = desc.base.p;
    this.base.set(bx, by, bz);
    this.links = desc.links.map((link) => {
      const g = new THREE.Group();
      g.name = `${desc.id}/${link.name}`;
      const material = /jaw|finger/.test(link.name) ? this.jaw : this.metal;
      for (const s of link.shapes) g.add(shapeMesh(s, material));
      if (link.shapes.length === 0) g.add(new THREE.Mesh(new THREE.SphereGeometry(0.004, 12, 8), this.dark));
      this.root.add(g);
      return g;
    });
    // Bones from each link's parent frame (or the base) to its own frame.
    const boneGeometry = new THREE.CylinderGeometry(0.0028, 0.0028, 1, 12);
    boneGeometry.translate(0, 0.5, 0);
    desc.links.forEach((link, i) => {
      const mesh = new THREE.Mesh(boneGeometry, this.dark);
      mesh.visible = false;
      this.root.add(mesh);
      this.bones.push({ mesh, from: link.parent, to: i });
    });
    this.root.add(rcmMarker(desc));
    this.root.add(this.tip);
    this.tip.visible = false;
  }

  /** 7 numbers per link, [x,y,z,qx,qy,qz,qw], world frame (protocol.ts `RobotState.links`). */
  setLinkPoses(poses: ArrayLike<number>): void {
    const n = Math.min(this.links.length, Math.floor(poses.length / 7));
    for (let i = 0; i < n; i++) {
      const o = 7 * i, g = this.links[i];
      g.position.set(poses[o], poses[o + 1], poses[o + 2]);
      g.quaternion.set(poses[o + 3], poses[o + 4], poses[o + 5], poses[o + 6]);
    }
    for (const bone of this.bones) {
      if (bone.to >= n || bone.from >= n) continue;
      const from = bone.from < 0 ? this.base : this.links[bone.from].position;
      const to = this.links[bone.to].position;
      this.a.copy(to).sub(from);
      const len = this.a.length();
      bone.mesh.visible = len > 1e-4;
      if (!bone.mesh.visible) continue;
      bone.mesh.position.copy(from);
      bone.mesh.quaternion.setFromUnitVectors(Y, this.b.copy(this.a).divideScalar(len));
      bone.mesh.scale.set(1, len, 1);
    }
  }

  /** Tool tip (PSM) or camera (ECM) world pose [x,y,z,qx,qy,qz,qw]. */
  setTip(pose: ArrayLike<number>): void {
    this.tip.visible = true;
    this.tip.position.set(pose[0], pose[1], pose[2]);
  }

  /** Tints the arm: red while it is in the safe state, a blue glow when it is the one the operator drives. */
  setLook(safe: boolean, selected: boolean): void {
    const emissive = safe ? 0x661010 : selected ? 0x0d2440 : 0x000000;
    for (const m of [this.metal, this.dark, this.jaw]) m.emissive.setHex(emissive);
  }
}

function rcmMarker(desc: RobotDescription): THREE.Object3D {
  const g = new THREE.Group();
  g.name = `${desc.id}/rcm`;
  const [x, y, z] = desc.base.p;
  const [qx, qy, qz, qw] = desc.base.q;
  g.position.set(x, y, z);
  g.quaternion.set(qx, qy, qz, qw);
  const ring = new THREE.Mesh(new THREE.TorusGeometry(0.009, 0.0009, 8, 32), new THREE.MeshBasicMaterial({ color: 0xf3c244 }));
  g.add(ring);
  g.add(new THREE.Mesh(new THREE.SphereGeometry(0.0015, 12, 8), new THREE.MeshBasicMaterial({ color: 0xf3c244 })));
  return g;
}
