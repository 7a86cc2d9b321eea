// The exoskeleton scene drawn from `welcome.scene.exo`: the patient's segments (pelvis, thighs, shanks, feet, and a
// faint trunk for context), the orthosis on them (lateral bars, cuffs, a drive housing at each actuated joint) and
// the treadmill belt. `setState` puts each segment at the pose its physics body has in the treadmill's frame and
// scrolls the belt's stripes with its travel; a drive glows with its interaction torque, and the orthosis turns red
// in the safe state.
import * as THREE from 'three';
import type { ExoDescription, ExoSegmentShape, ExoState } from '../protocol.ts';

const Z = new THREE.Vector3(0, 0, 1);
/** Belt drawn this long (m) and its stripes this far apart (m): enough to read its motion. */
const BELT_LENGTH = 3.2;
const STRIPE = 0.2;

export class ExoModel {
  readonly root = new THREE.Group();
  readonly segments: THREE.Group[];
  private readonly skin = new THREE.MeshStandardMaterial({ color: 0xc99a80, roughness: 0.8 });
  private readonly trunk = new THREE.MeshStandardMaterial({ color: 0x8fa3b8, roughness: 0.9, transparent: true, opacity: 0.35 });
  private readonly frame = new THREE.MeshStandardMaterial({ color: 0x6f8fb8, metalness: 0.5, roughness: 0.4 });
  private readonly cuff = new THREE.MeshStandardMaterial({ color: 0x2b3644, roughness: 0.7 });
  /** One material per drive: its glow shows the interaction torque. */
  private readonly drives: THREE.MeshStandardMaterial[];
  private readonly stripes: THREE.LineSegments;
  private safe: boolean | undefined;

  constructor(readonly desc: ExoDescription) {
    this.root.name = `exo/${desc.id}`;
    const byName = new Map<string, THREE.Group>();
    this.segments = desc.segments.map((s) => {
      const g = new THREE.Group();
      g.name = `exo/${s.name}`;
      g.add(segmentMesh(s.shape, this.skin));
      byName.set(s.name, g);
      this.root.add(g);
      return g;
    });
    const pelvis = byName.get('pelvis')!;
    const H = desc.patient.height;
    const torso = new THREE.Mesh(new THREE.CapsuleGeometry(0.1 * H, 0.2 * H, 6, 16), this.trunk);
    torso.rotation.x = Math.PI / 2;
    torso.position.z = 0.3 * H;
    torso.scale.set(0.65, 1, 1); // flatter front to back (local x is the walking direction)
    pelvis.add(torso);

    // The orthosis: per segment a lateral bar from joint to joint and the cuffs (all ride on the segment's body).
    const lateral = (name: string) => (name.endsWith('_left') ? 1 : -1);
    const radiusOf = (name: string) => {
      const s = desc.segments.find((x) => x.name === name)!.shape;
      return s.kind === 'capsule' ? s.radius : 0.04;
    };
    for (const s of desc.segments) {
      if (!/^(thigh|shank)_/.test(s.name)) continue;
      const g = byName.get(s.name)!;
      const y = lateral(s.name) * (radiusOf(s.name) + 0.02);
      const bar = new THREE.Mesh(new THREE.BoxGeometry(0.035, 0.012, s.length), this.frame);
      bar.position.set(0, y, -s.length / 2);
      g.add(bar);
    }
    for (const c of desc.cuffs) {
      const g = byName.get(c.segment);
      if (!g) continue;
      const ring = new THREE.Mesh(new THREE.CylinderGeometry(c.radius, c.radius, 0.05, 24, 1, true), this.cuff);
      ring.rotation.x = Math.PI / 2; // cylinder's axis (y) along the segment (z)
      ring.position.z = -c.at;
      (ring.material as THREE.MeshStandardMaterial).side = THREE.DoubleSide;
      g.add(ring);
    }
    this.drives = desc.drives.map((d) => {
      const m = new THREE.MeshStandardMaterial({ color: 0x3a4656, metalness: 0.4, roughness: 0.5, emissive: 0x000000 });
      const g = byName.get(d.child);
      if (g) {
        const housing = new THREE.Mesh(new THREE.CylinderGeometry(0.045, 0.045, 0.05, 24), m);
        housing.name = `exo/drive/${d.name}`;
        housing.position.y = lateral(d.child) * (radiusOf(d.child) + 0.045);
        g.add(housing);
      }
      return m;
    });

    // The treadmill: the belt's top is z = 0; the stripes run backwards with the belt.
    const hw = desc.treadmill.halfWidth;
    const belt = new THREE.Mesh(new THREE.BoxGeometry(BELT_LENGTH, 2 * hw, 0.04), new THREE.MeshStandardMaterial({ color: 0x1c2127, roughness: 0.95 }));
    belt.position.set(0, 0, -0.02);
    belt.name = 'exo/belt';
    this.root.add(belt);
    for (const side of [1, -1]) {
      const rail = new THREE.Mesh(new THREE.BoxGeometry(BELT_LENGTH + 0.2, 0.08, 0.1), new THREE.MeshStandardMaterial({ color: 0x4a5563, metalness: 0.3, roughness: 0.6 }));
      rail.position.set(0, side * (hw + 0.04), -0.01);
      this.root.add(rail);
    }
    const n = Math.round(BELT_LENGTH / STRIPE);
    const pts: number[] = [];
    for (let i = 0; i < n; i++) pts.push(0, -hw, 0.001, 0, hw, 0.001);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
    this.stripes = new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: 0x56616e }));
    this.root.add(this.stripes);
    this.scrollBelt(0);
  }

  /** Where the cameras aim: the hips. */
  get focus(): THREE.Vector3 {
    return new THREE.Vector3(0, 0, 0.42 * this.desc.patient.height);
  }

  setState(s: ExoState): void {
    const p = s.segments;
    const n = Math.min(this.segments.length, Math.floor(p.length / 7));
    for (let i = 0; i < n; i++) {
      const o = 7 * i, g = this.segments[i];
      g.position.set(p[o], p[o + 1], p[o + 2]);
      g.quaternion.set(p[o + 3], p[o + 4], p[o + 5], p[o + 6]);
    }
    for (let j = 0; j < this.drives.length; j++) {
      // Glow from nothing to orange at a quarter of the drive's torque limit.
      const k = Math.min(1, Math.abs(s.interactionTorque[j] ?? 0) / (0.25 * this.desc.drives[j].effort));
      this.drives[j].emissive.setRGB(0.9 * k, 0.35 * k, 0);
    }
    if (s.safe !== this.safe) {
      this.safe = s.safe;
      this.frame.emissive.setHex(s.safe ? 0x661010 : 0x000000);
      this.cuff.emissive.setHex(s.safe ? 0x441010 : 0x000000);
    }
    this.scrollBelt(s.beltTravel);
  }

  /** The stripes at the belt's travel: the patient walks forward (+x), the belt moves back under them. */
  private scrollBelt(travel: number): void {
    const pos = this.stripes.geometry.getAttribute('position') as THREE.BufferAttribute;
    const shift = travel - Math.floor(travel / STRIPE) * STRIPE;
    for (let i = 0; i < pos.count / 2; i++) {
      const x = -BELT_LENGTH / 2 + i * STRIPE + (STRIPE - shift);
      pos.setX(2 * i, x);
      pos.setX(2 * i + 1, x);
    }
    pos.needsUpdate = true;
  }
}

function segmentMesh(shape: ExoSegmentShape, material: THREE.Material): THREE.Mesh {
  if (shape.kind === 'box') {
    const [hx, hy, hz] = shape.halfExtents;
    const m = new THREE.Mesh(new THREE.BoxGeometry(2 * hx, 2 * hy, 2 * hz), material);
    m.position.set(shape.center[0], shape.center[1], shape.center[2]);
    return m;
  }
  const a = new THREE.Vector3(...shape.from), b = new THREE.Vector3(...shape.to);
  const d = b.clone().sub(a);
  const len = d.length();
  const geometry = new THREE.CapsuleGeometry(shape.radius, Math.max(1e-3, len - 2 * shape.radius), 6, 16);
  geometry.rotateX(Math.PI / 2); // along z
  const m = new THREE.Mesh(geometry, material);
  m.position.copy(a).add(b).multiplyScalar(0.5);
  if (len > 0) m.quaternion.setFromUnitVectors(Z, d.divideScalar(len));
  return m;
}
