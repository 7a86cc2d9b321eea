// Builds a robot from its plain-data spec into Rapier bodies and motorised impulse joints, and keeps its
// live state in arrays (MuJoCo's "data"). Controllers see it only through the arrays it exposes
// (the hardware interface of controller/hardware.ts), never through Rapier.
import type { ImpulseJoint, RigidBody, World } from '@dimforge/rapier3d-deterministic-compat';
import type { Rapier } from './rapier.ts';
import type { JointType, LinkSpec, RobotSpec, ShapeSpec, Vec3 } from './robot-spec.ts';
import { mat4, mat4FromPose, mat4FromRows, mat4Mul, mat4ToQuat, type Mat4 } from './math/mat4.ts';
import { quatConj, quatMul, quatRotateVec } from './math/quat.ts';
import { robotGroups } from './collision-groups.ts';

/** How a joint is driven this tick. */
export const enum DriveMode {
  /** Rapier's motor servos to `commandPosition` (with `commandVelocity` feed-forward). */
  Position = 0,
  /** `commandEffort` is applied as a joint torque/force, clamped at the effort limit. */
  Effort = 1,
}

export interface RobotPose {
  readonly p: Vec3;
  readonly q: readonly [number, number, number, number];
}

// A velocity motor aimed at a speed it can never reach saturates at its force limit every step:
// that is exactly "apply this torque", and it stays inside the joint solver (no per-tick allocation).
const EFFORT_MOTOR_SPEED = 1e6;
const EFFORT_MOTOR_FACTOR = 1e6;

export class SimRobot {
  readonly id: string;
  readonly spec: RobotSpec;
  readonly index: number;
  /** World pose of the robot base (for the PSM: the RCM). */
  readonly base: Mat4;

  // State interfaces (read after every physics step).
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly effort: Float64Array;
  // Command interfaces (written by controllers before the step).
  readonly mode: Uint8Array;
  readonly commandPosition: Float64Array;
  readonly commandVelocity: Float64Array;
  readonly commandEffort: Float64Array;
  readonly stiffness: Float64Array;
  readonly damping: Float64Array;
  /** Fraction of each actuator's effort limit available (1 = healthy; a motor fault lowers it). */
  readonly effortScale: Float64Array;
  /** Joint-level physics values per link: angle/displacement of each link's own joint. */
  readonly linkQ: Float64Array;
  /** Sum of contact force magnitudes on the instrument in the last step (N). */
  contactForce = 0;

  private bodies: RigidBody[] = [];
  private joints: ImpulseJoint[] = [];
  private readonly bodyHandles: number[] = [];
  private readonly jointHandles: number[] = [];
  private baseHandle = -1;
  /** Per link: rotation from the body frame to the link (DH) frame, [x,y,z,w]. */
  private readonly bodyToLink: Float64Array[];
  /** Per link: joint axis in body frames (identical in parent and child at home). */
  private readonly axisBody: Float64Array[];
  /** Per link: the joint anchor in the parent body frame. */
  private readonly anchorParent: Float64Array[];
  /** Home pose of each link frame in the base frame. */
  private readonly homeLink: Mat4[];
  readonly colliderHandles: number[] = [];
  private readonly instrumentColliders = new Set<number>();

  // Scratch (no allocation per tick).
  private readonly tq = { x: 0, y: 0, z: 0, w: 1 };
  private readonly tq2 = { x: 0, y: 0, z: 0, w: 1 };
  private readonly tv = { x: 0, y: 0, z: 0 };
  private readonly tv2 = { x: 0, y: 0, z: 0 };
  private readonly qa = new Float64Array(4);
  private readonly qb = new Float64Array(4);
  private readonly qc = new Float64Array(4);
  private readonly va = new Float64Array(3);
  private readonly vb = new Float64Array(3);
  private readonly m1 = mat4();
  private readonly m2 = mat4();

  constructor(id: string, spec: RobotSpec, index: number, base: RobotPose) {
    this.id = id;
    this.spec = spec;
    this.index = index;
    this.base = mat4FromPose(mat4(), base.p, base.q);
    const nj = spec.joints.length;
    this.position = new Float64Array(nj);
    this.velocity = new Float64Array(nj);
    this.effort = new Float64Array(nj);
    this.mode = new Uint8Array(nj);
    this.commandPosition = new Float64Array(nj);
    this.commandVelocity = new Float64Array(nj);
    this.commandEffort = new Float64Array(nj);
    this.stiffness = Float64Array.from(spec.joints, (j) => j.servo.stiffness);
    this.damping = Float64Array.from(spec.joints, (j) => j.servo.damping);
    this.effortScale = new Float64Array(nj).fill(1);
    this.linkQ = new Float64Array(spec.links.length);

    // Home pose of every link frame in the base frame, parents first.
    this.homeLink = [];
    for (const link of spec.links) {
      const parent = link.parent < 0 ? mat4() : this.homeLink[link.parent];
      this.homeLink.push(mat4Mul(mat4(), parent, mat4FromRows(link.origin)));
    }
    this.bodyToLink = this.homeLink.map((m) => mat4ToQuat(new Float64Array(4), m) as Float64Array);
    this.axisBody = spec.links.map((link, i) => quatRotateVec(new Float64Array(3), this.bodyToLink[i], link.axis) as Float64Array);
    this.anchorParent = spec.links.map((link, i) => {
      const h = this.homeLink[i];
      const a = new Float64Array([h[3], h[7], h[11]]);
      if (link.parent >= 0) {
        const ph = this.homeLink[link.parent];
        a[0] -= ph[3]; a[1] -= ph[7]; a[2] -= ph[11];
      }
      return a;
    });
  }

  /** Creates bodies, colliders and joints in a fixed order (determinism rule 4). */
  build(R: Rapier, world: World): void {
    const spec = this.spec;
    const baseQuat = mat4ToQuat(new Float64Array(4), this.base);
    const baseBody = world.createRigidBody(
      R.RigidBodyDesc.fixed()
        .setTranslation(this.base[3], this.base[7], this.base[11])
        .setRotation({ x: baseQuat[0], y: baseQuat[1], z: baseQuat[2], w: baseQuat[3] }),
    );
    this.baseHandle = baseBody.handle;
    const groups = robotGroups(this.index);
    const instrument = new Set(spec.instrumentLinks);

    spec.links.forEach((link, i) => {
      const world_link = mat4Mul(mat4(), this.base, this.homeLink[i]);
      // Bodies share the base orientation at home, so each joint axis reads the same in parent and child.
      const body = world.createRigidBody(
        R.RigidBodyDesc.dynamic()
          .setTranslation(world_link[3], world_link[7], world_link[11])
          .setRotation({ x: baseQuat[0], y: baseQuat[1], z: baseQuat[2], w: baseQuat[3] })
          .setCanSleep(false),
      );
      const b2l = this.bodyToLink[i];
      const com = quatRotateVec(new Float64Array(3), b2l, link.com);
      const inertia = inertiaWithArmature(link, spec.joints[link.drive.joint].armature);
      body.setAdditionalMassProperties(
        link.mass,
        { x: com[0], y: com[1], z: com[2] },
        { x: inertia[0], y: inertia[1], z: inertia[2] },
        { x: b2l[0], y: b2l[1], z: b2l[2], w: b2l[3] },
        true,
      );
      for (const shape of link.shapes) {
        const desc = colliderDesc(R, shape, b2l).setDensity(0).setCollisionGroups(groups).setFriction(0.8);
        if (instrument.has(i)) {
          desc.setActiveEvents(R.ActiveEvents.CONTACT_FORCE_EVENTS).setContactForceEventThreshold(0);
        }
        const collider = world.createCollider(desc, body);
        this.colliderHandles.push(collider.handle);
        if (instrument.has(i)) this.instrumentColliders.add(collider.handle);
      }
      this.bodies.push(body);
      this.bodyHandles.push(body.handle);

      const parent = link.parent < 0 ? baseBody : this.bodies[link.parent];
      const a = this.anchorParent[i];
      const ax = this.axisBody[i];
      const jspec = spec.joints[link.drive.joint];
      const data = jspec.type === 'revolute'
        ? R.JointData.revolute({ x: a[0], y: a[1], z: a[2] }, { x: 0, y: 0, z: 0 }, { x: ax[0], y: ax[1], z: ax[2] })
        : R.JointData.prismatic({ x: a[0], y: a[1], z: a[2] }, { x: 0, y: 0, z: 0 }, { x: ax[0], y: ax[1], z: ax[2] });
      const joint = world.createImpulseJoint(data, parent, body, true) as
        InstanceType<Rapier['RevoluteImpulseJoint']> | InstanceType<Rapier['PrismaticImpulseJoint']>;
      joint.setContactsEnabled(false);
      const g = link.drive.gain;
      // Limits must be set after creation (Rapier drops JointData limits on revolute joints).
      joint.setLimits(Math.min(jspec.lower * g, jspec.upper * g), Math.max(jspec.lower * g, jspec.upper * g));
      joint.configureMotorModel(R.MotorModel.ForceBased);
      joint.setMotorMaxForce(jspec.effort);
      this.joints.push(joint);
      this.jointHandles.push(joint.handle);
    });
  }

  /** Re-resolves body and joint objects after the world was restored from a snapshot. */
  rebind(world: World): void {
    this.bodies = this.bodyHandles.map((h) => world.getRigidBody(h));
    this.joints = this.jointHandles.map((h) => world.getImpulseJoint(h));
  }

  isInstrumentCollider(handle: number): boolean {
    return this.instrumentColliders.has(handle);
  }

  /** Teleports the links to joint positions q (before a run starts), at rest, and servos there. */
  setJointPositions(q: ArrayLike<number>): void {
    const links = this.spec.links;
    const linkWorld: Mat4[] = [];
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      const v = q[link.drive.joint] * link.drive.gain;
      this.linkQ[i] = v;
      const parent = link.parent < 0 ? this.base : linkWorld[link.parent];
      const local = mat4Mul(mat4(), mat4FromRows(link.origin), jointMotion(link, this.spec.joints[link.drive.joint].type, v));
      const w = mat4Mul(mat4(), parent, local);
      linkWorld.push(w);
      // Body orientation = link orientation · (body→link)⁻¹.
      const lq = mat4ToQuat(new Float64Array(4), w);
      const bq = quatMul(new Float64Array(4), lq, quatConj(new Float64Array(4), this.bodyToLink[i]));
      const body = this.bodies[i];
      body.setTranslation({ x: w[3], y: w[7], z: w[11] }, true);
      body.setRotation({ x: bq[0], y: bq[1], z: bq[2], w: bq[3] }, true);
      body.setLinvel({ x: 0, y: 0, z: 0 }, true);
      body.setAngvel({ x: 0, y: 0, z: 0 }, true);
    }
    for (let j = 0; j < this.position.length; j++) {
      this.position[j] = q[j];
      this.commandPosition[j] = q[j];
      this.velocity[j] = 0;
      this.commandVelocity[j] = 0;
      this.commandEffort[j] = 0;
    }
  }

  /** Pushes the command interfaces into the joint motors. Called right before the physics step. */
  write(): void {
    const links = this.spec.links;
    const joints = this.spec.joints;
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      const j = link.drive.joint;
      const g = link.drive.gain;
      const joint = this.joints[i] as InstanceType<Rapier['RevoluteImpulseJoint']>;
      const limit = joints[j].effort * this.effortScale[j];
      if (this.mode[j] === DriveMode.Position) {
        joint.setMotorMaxForce(limit);
        joint.configureMotor(this.commandPosition[j] * g, this.commandVelocity[j] * g, this.stiffness[j], this.damping[j]);
      } else {
        const tau = this.commandEffort[j] * Math.sign(g);
        const mag = Math.min(Math.abs(tau), limit);
        joint.setMotorMaxForce(mag);
        joint.configureMotorVelocity(tau >= 0 ? EFFORT_MOTOR_SPEED : -EFFORT_MOTOR_SPEED, EFFORT_MOTOR_FACTOR);
      }
    }
  }

  /** Reads joint positions and velocities back from the bodies (no joint exposes its angle in Rapier). */
  read(): void {
    const links = this.spec.links;
    const nj = this.position.length;
    this.position.fill(0);
    this.velocity.fill(0);
    const norm = this.effort; // reuse as Σgain² accumulator, then overwrite with efforts below
    norm.fill(0);
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      const child = this.bodies[i];
      const jt = this.spec.joints[link.drive.joint].type;
      const ax = this.axisBody[i];
      let value: number;
      let rate: number;
      if (link.parent < 0) {
        // Parent is the fixed base: its pose is this.base.
        const bq = this.qa; mat4ToQuat(bq, this.base);
        value = this.measure(jt, i, bq, this.base[3], this.base[7], this.base[11], child);
        rate = this.measureRate(jt, bq, null, child, ax);
      } else {
        const parent = this.bodies[link.parent];
        const pr = parent.rotation(this.tq2);
        const bq = this.qa; bq[0] = pr.x; bq[1] = pr.y; bq[2] = pr.z; bq[3] = pr.w;
        const pt = parent.translation(this.tv2);
        value = this.measure(jt, i, bq, pt.x, pt.y, pt.z, child);
        rate = this.measureRate(jt, bq, parent, child, ax);
      }
      this.linkQ[i] = value;
      const j = link.drive.joint;
      const g = link.drive.gain;
      this.position[j] += value * g;
      this.velocity[j] += rate * g;
      norm[j] += g * g;
    }
    for (let j = 0; j < nj; j++) {
      this.position[j] /= norm[j];
      this.velocity[j] /= norm[j];
    }
    this.estimateEffort();
  }

  /** Joint value of link i: angle about, or displacement along, its axis relative to its parent. */
  private measure(type: string, i: number, parentQ: Float64Array, px: number, py: number, pz: number, child: RigidBody): number {
    const ax = this.axisBody[i];
    const cr = child.rotation(this.tq);
    if (type === 'revolute') {
      const cq = this.qb; cq[0] = cr.x; cq[1] = cr.y; cq[2] = cr.z; cq[3] = cr.w;
      const rel = quatMul(this.qc, quatConj(this.qc, parentQ), cq); // quatMul reads its inputs before writing
      const s = rel[0] * ax[0] + rel[1] * ax[1] + rel[2] * ax[2];
      let angle = 2 * Math.atan2(s, rel[3]);
      // Unwrap to the branch nearest the last reading: joints such as the roll exceed ±180°.
      const prev = this.linkQ[i];
      const TWO_PI = 2 * Math.PI;
      angle += TWO_PI * Math.round((prev - angle) / TWO_PI);
      return angle;
    }
    const ct = child.translation(this.tv);
    // d = axis_world · (p_child − anchor_world)
    const aw = quatRotateVec(this.va, parentQ, ax);
    const an = quatRotateVec(this.vb, parentQ, this.anchorParent[i]);
    return aw[0] * (ct.x - px - an[0]) + aw[1] * (ct.y - py - an[1]) + aw[2] * (ct.z - pz - an[2]);
  }

  private measureRate(type: string, parentQ: Float64Array, parent: RigidBody | null, child: RigidBody, ax: Float64Array): number {
    const aw = quatRotateVec(this.va, parentQ, ax);
    const cv = type === 'revolute' ? child.angvel(this.tv) : child.linvel(this.tv);
    let x = cv.x, y = cv.y, z = cv.z;
    if (parent) {
      const pv = type === 'revolute' ? parent.angvel(this.tv2) : parent.linvel(this.tv2);
      x -= pv.x; y -= pv.y; z -= pv.z;
    }
    return aw[0] * x + aw[1] * y + aw[2] * z;
  }

  /** Effort the actuator gives: the commanded torque, or the servo law, clamped at the limit. */
  private estimateEffort(): void {
    const joints = this.spec.joints;
    for (let j = 0; j < joints.length; j++) {
      const limit = joints[j].effort * this.effortScale[j];
      const raw = this.mode[j] === DriveMode.Effort
        ? this.commandEffort[j]
        : this.stiffness[j] * (this.commandPosition[j] - this.position[j]) + this.damping[j] * (this.commandVelocity[j] - this.velocity[j]);
      this.effort[j] = raw > limit ? limit : raw < -limit ? -limit : raw;
    }
  }

  /** World pose of link i's frame (DH frame for arm links), from the physics bodies. */
  linkPose(i: number, out: Mat4): Mat4 {
    const body = this.bodies[i];
    const t = body.translation(this.tv);
    const r = body.rotation(this.tq);
    const bq = this.qb; bq[0] = r.x; bq[1] = r.y; bq[2] = r.z; bq[3] = r.w;
    const lq = quatMul(this.qc, bq, this.bodyToLink[i]);
    const p = this.va; p[0] = t.x; p[1] = t.y; p[2] = t.z;
    return mat4FromPose(out, p, lq);
  }

  /** World pose of the tool tip from the physics bodies. */
  tipPose(out: Mat4): Mat4 {
    this.linkPose(this.spec.tipLink, this.m1);
    if (!this.toolTip) this.toolTip = mat4FromRows(this.spec.toolTip);
    return mat4Mul(out, this.m1, this.toolTip);
  }
  private toolTip: Mat4 | undefined;

  /** Body poses and velocities as raw numbers, for the state hash: 13 per body. */
  writeBodyState(out: Float64Array, offset: number): number {
    for (const body of this.bodies) {
      const t = body.translation(this.tv); out[offset++] = t.x; out[offset++] = t.y; out[offset++] = t.z;
      const r = body.rotation(this.tq); out[offset++] = r.x; out[offset++] = r.y; out[offset++] = r.z; out[offset++] = r.w;
      const v = body.linvel(this.tv); out[offset++] = v.x; out[offset++] = v.y; out[offset++] = v.z;
      const w = body.angvel(this.tv); out[offset++] = w.x; out[offset++] = w.y; out[offset++] = w.z;
    }
    return offset;
  }

  get bodyCount(): number {
    return this.spec.links.length;
  }

  /** Handle of the fixed base body. */
  get baseBodyHandle(): number {
    return this.baseHandle;
  }

  /** Scratch matrix for callers that need a second pose without allocating. */
  get scratch(): Mat4 {
    return this.m2;
  }
}

function jointMotion(link: LinkSpec, type: JointType, v: number): Mat4 {
  const m = mat4();
  const [x, y, z] = link.axis;
  if (type === 'prismatic') {
    m[3] = x * v; m[7] = y * v; m[11] = z * v;
    return m;
  }
  // Only axis-aligned z joints occur in DH-built robots, but keep the general Rodrigues form.
  const c = Math.cos(v), s = Math.sin(v), t = 1 - c;
  return m.set([
    t * x * x + c, t * x * y - s * z, t * x * z + s * y, 0,
    t * x * y + s * z, t * y * y + c, t * y * z - s * x, 0,
    t * x * z - s * y, t * y * z + s * x, t * z * z + c, 0,
    0, 0, 0, 1,
  ]), m;
}

function inertiaWithArmature(link: LinkSpec, armature: number): [number, number, number] {
  const out: [number, number, number] = [link.inertia[0], link.inertia[1], link.inertia[2]];
  // Armature acts about the joint axis; link axes are unit vectors along x, y or z of the link frame.
  for (let k = 0; k < 3; k++) out[k] += armature * link.axis[k] * link.axis[k];
  return out;
}

function colliderDesc(R: Rapier, shape: ShapeSpec, bodyToLink: Float64Array) {
  const c = quatRotateVec(new Float64Array(3), bodyToLink, shape.center);
  let desc;
  let rot: ArrayLike<number> = bodyToLink;
  if (shape.kind === 'box') {
    desc = R.ColliderDesc.cuboid(shape.halfExtents[0], shape.halfExtents[1], shape.halfExtents[2]);
  } else if (shape.kind === 'sphere') {
    desc = R.ColliderDesc.ball(shape.radius);
  } else {
    // Rapier cylinders run along their local y; rotate y onto the shape axis (in the link frame), then into the body.
    desc = R.ColliderDesc.cylinder(shape.halfLength, shape.radius);
    const toAxis = quatFromTo([0, 1, 0], shape.axis);
    rot = quatMul(new Float64Array(4), bodyToLink, toAxis);
  }
  return desc.setTranslation(c[0], c[1], c[2]).setRotation({ x: rot[0], y: rot[1], z: rot[2], w: rot[3] });
}

function quatFromTo(a: Vec3, b: Vec3): Float64Array {
  const d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const cx = a[1] * b[2] - a[2] * b[1], cy = a[2] * b[0] - a[0] * b[2], cz = a[0] * b[1] - a[1] * b[0];
  if (d < -0.999999) return new Float64Array([1, 0, 0, 0]); // 180° about x (a is y here)
  const q = new Float64Array([cx, cy, cz, 1 + d]);
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return q.map((v) => v / n);
}
