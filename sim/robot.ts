// Builds a robot from its plain-data spec into Rapier bodies and motorised impulse joints, and keeps its
// live state in arrays (MuJoCo's "data"). Controllers see it only through the arrays it exposes
// (the hardware interface of controller/hardware.ts), never through Rapier.
import type { ImpulseJoint, RigidBody, World } from '@dimforge/rapier3d-deterministic-compat';
import type { Rapier } from './rapier.ts';
import type { JointType, LinkSpec, RobotSpec, ShapeSpec, Vec3 } from './robot-spec.ts';
import { mat4, mat4FromPose, mat4FromRows, mat4Mul, mat4ToQuat, type Mat4 } from './math/mat4.ts';
import { quatConj, quatMul, quatRotateVec } from './math/quat.ts';
import { robotGroups } from './collision-groups.ts';
import { createJointInterfaces, EFFORT_MOTOR_FACTOR, EFFORT_MOTOR_SPEED, MODE_EFFORT, MODE_POSITION, type JointInterfaces } from './joint-interfaces.ts';
import { clampAbs } from './math/clamp.ts';

/**
 * A model of the joint sensors (encoder noise, quantisation): it rewrites the measured joint positions right
 * after each read, before the velocities are derived from them. The bodies (the physics) are untouched.
 */
export interface JointSensorModel {
  measure(position: Float64Array): void;
}

export interface RobotPose {
  readonly p: Vec3;
  readonly q: readonly [number, number, number, number];
}

const TWO_PI = 2 * Math.PI;

/** The joint state and command arrays (sim/joint-interfaces.ts) are the robot's own fields, set in the constructor. */
export interface SimRobot extends JointInterfaces {}

export class SimRobot {
  readonly id: string;
  readonly spec: RobotSpec;
  readonly index: number;
  /** World pose of the robot base (for the PSM: the RCM). */
  readonly base: Mat4;
  private readonly baseQuat: Float64Array;

  /** Joint-level physics values per link: angle/displacement of each link's own joint. */
  readonly linkQ: Float64Array;
  /** Motor values last written per link (max force, target, speed, stiffness, damping); NaN = never. */
  private readonly written: Float64Array;
  /**
   * Per body 13 numbers: position, orientation, linear and angular velocity. Orientations are read every
   * step; positions every step only where a joint needs them, else on demand (`ensureTranslation`);
   * velocities only for the hash (`readBodyVelocities`), since the joint velocities come from positions.
   */
  private readonly bodyState: Float64Array;
  private readonly dt: number;
  private readonly lastPosition: Float64Array;
  /** Σ gain² of the links each joint drives: a joint reads as the gain-weighted mean of its links. */
  private readonly gainNorm: Float64Array;
  /** Per body: 1 if its position is read every step (a prismatic joint needs it), else 0. */
  private readonly translationAlways: Uint8Array;
  /** Per body: 1 if `bodyState` holds its position from the last step. */
  private readonly translationFresh: Uint8Array;
  /** Per link: 1 if its joint is revolute (read as an angle), 0 if prismatic. */
  private readonly revolute: Uint8Array;
  private readonly toolTip: Mat4;
  /** Sum of contact force magnitudes on the instrument in the last step (N). */
  contactForce = 0;
  /** The joint sensors between the physics and `position` (null: perfect encoders). */
  sensorModel: JointSensorModel | null = null;

  private bodies: RigidBody[] = [];
  private joints: ImpulseJoint[] = [];
  private readonly bodyHandles: number[] = [];
  private readonly jointHandles: number[] = [];
  /** Per link: rotation from the body frame to the link (DH) frame, [x,y,z,w]. */
  private readonly bodyToLink: Float64Array[];
  /** Per link: joint axis in body frames (identical in parent and child at home). */
  private readonly axisBody: Float64Array[];
  /** Per link: the joint anchor in the parent body frame. */
  private readonly anchorParent: Float64Array[];
  /** Home pose of each link frame in the base frame. */
  private readonly homeLink: Mat4[];
  private readonly instrumentColliders = new Set<number>();

  // Scratch (no allocation per tick).
  private readonly tq = { x: 0, y: 0, z: 0, w: 1 };
  private readonly tv = { x: 0, y: 0, z: 0 };
  private readonly qb = new Float64Array(4);
  private readonly qc = new Float64Array(4);
  private readonly va = new Float64Array(3);
  private readonly m1 = mat4();

  constructor(id: string, spec: RobotSpec, index: number, base: RobotPose, dt: number) {
    this.dt = dt;
    this.id = id;
    this.spec = spec;
    this.index = index;
    this.base = mat4FromPose(mat4(), base.p, base.q);
    this.baseQuat = mat4ToQuat(new Float64Array(4), this.base) as Float64Array;
    const nj = spec.joints.length;
    Object.assign(this, createJointInterfaces(spec.joints));
    this.linkQ = new Float64Array(spec.links.length);
    this.bodyState = new Float64Array(13 * spec.links.length);
    this.written = new Float64Array(5 * spec.links.length).fill(Number.NaN);
    this.lastPosition = new Float64Array(nj);
    this.gainNorm = new Float64Array(nj);
    for (const link of spec.links) this.gainNorm[link.drive.joint] += link.drive.gain * link.drive.gain;
    this.toolTip = mat4FromRows(spec.toolTip);
    this.revolute = Uint8Array.from(spec.links, (l) => (spec.joints[l.drive.joint].type === 'revolute' ? 1 : 0));
    this.translationAlways = new Uint8Array(spec.links.length);
    this.translationFresh = new Uint8Array(spec.links.length);
    spec.links.forEach((l, i) => {
      if (this.revolute[i] === 0) {
        this.translationAlways[i] = 1;
        if (l.parent >= 0) this.translationAlways[l.parent] = 1;
      }
    });

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

  /** The robot's own state beyond the bodies (joint readings and their history), for snapshots. */
  saveState(): Float64Array {
    return Float64Array.from([...this.linkQ, ...this.position, ...this.velocity, ...this.lastPosition]);
  }

  /** Restores what `saveState` returned, after the world was restored from the matching snapshot. */
  loadState(world: World, data: Float64Array): void {
    const nl = this.linkQ.length, nj = this.position.length;
    this.linkQ.set(data.subarray(0, nl));
    this.position.set(data.subarray(nl, nl + nj));
    this.velocity.set(data.subarray(nl + nj, nl + 2 * nj));
    this.lastPosition.set(data.subarray(nl + 2 * nj, nl + 3 * nj));
    this.rebind(world);
  }

  /** Re-resolves body and joint objects after the world was restored from a snapshot. */
  private rebind(world: World): void {
    this.bodies = this.bodyHandles.map((h) => world.getRigidBody(h));
    this.joints = this.jointHandles.map((h) => world.getImpulseJoint(h));
    this.written.fill(Number.NaN); // the restored motors hold the snapshot's values, not ours
    this.cacheBodies();
  }

  /**
   * Seizes joint j where it stands (a jammed gearbox): the joint's limits close on its present position, so it
   * holds whatever the motor is commanded. There is no way back within a run.
   */
  lockJoint(j: number): void {
    const links = this.spec.links;
    for (let i = 0; i < links.length; i++) {
      if (links[i].drive.joint !== j) continue;
      const joint = this.joints[i] as InstanceType<Rapier['RevoluteImpulseJoint']>;
      joint.setLimits(this.linkQ[i], this.linkQ[i]);
    }
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
      this.lastPosition[j] = q[j];
      this.commandPosition[j] = q[j];
      this.velocity[j] = 0;
      this.commandVelocity[j] = 0;
      this.commandEffort[j] = 0;
    }
    this.cacheBodies();
  }

  /**
   * Pushes the command interfaces into the joint motors. Called right before the physics step.
   * A motor is only reconfigured when its values changed: every change costs Rapier work in its step.
   */
  write(): void {
    const links = this.spec.links;
    const joints = this.spec.joints;
    const W = this.written;
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      const j = link.drive.joint;
      const g = link.drive.gain;
      const joint = this.joints[i] as InstanceType<Rapier['RevoluteImpulseJoint']>;
      const limit = joints[j].effort * this.effortScale[j];
      let maxForce: number, target: number, speed: number, kp: number, kd: number;
      if (this.mode[j] === MODE_POSITION) {
        maxForce = limit; target = this.commandPosition[j] * g; speed = this.commandVelocity[j] * g; kp = this.stiffness[j]; kd = this.damping[j];
      } else {
        const tau = this.commandEffort[j] * Math.sign(g);
        maxForce = Math.min(Math.abs(tau), limit); target = 0; speed = tau >= 0 ? EFFORT_MOTOR_SPEED : -EFFORT_MOTOR_SPEED; kp = 0; kd = EFFORT_MOTOR_FACTOR;
      }
      const o = 5 * i;
      if (W[o] !== maxForce) {
        joint.setMotorMaxForce(maxForce);
        W[o] = maxForce;
      }
      if (W[o + 1] !== target || W[o + 2] !== speed || W[o + 3] !== kp || W[o + 4] !== kd) {
        joint.configureMotor(target, speed, kp, kd);
        W[o + 1] = target; W[o + 2] = speed; W[o + 3] = kp; W[o + 4] = kd;
      }
    }
  }

  /**
   * Reads every body once (pose and velocities into `bodyState`), then derives joint positions and
   * velocities from it (no joint exposes its angle in Rapier).
   */
  read(): void {
    this.cacheBodies();
    const links = this.spec.links;
    const nj = this.position.length;
    const B = this.bodyState;
    const revolute = this.revolute;
    // Element by element, not set()/fill(): those are generic builtin calls, dear for a handful of joints.
    const pos = this.position, last = this.lastPosition;
    for (let j = 0; j < nj; j++) { last[j] = pos[j]; pos[j] = 0; }
    // Quaternion algebra inlined on locals: this runs for every link every tick.
    for (let i = 0; i < links.length; i++) {
      const link = links[i];
      const c = 13 * i;
      let px: number, py: number, pz: number, qx: number, qy: number, qz: number, qw: number;
      if (link.parent < 0) {
        const bq = this.baseQuat, b = this.base;
        px = b[3]; py = b[7]; pz = b[11]; qx = bq[0]; qy = bq[1]; qz = bq[2]; qw = bq[3];
      } else {
        const o = 13 * link.parent;
        px = B[o]; py = B[o + 1]; pz = B[o + 2]; qx = B[o + 3]; qy = B[o + 4]; qz = B[o + 5]; qw = B[o + 6];
      }
      const ax = this.axisBody[i];
      const ux = ax[0], uy = ax[1], uz = ax[2];
      let value: number;
      if (revolute[i] === 1) {
        // rel = conj(parent) · child; the angle about the (body-frame) axis is 2·atan2(rel_xyz · axis, rel_w).
        const cx = B[c + 3], cy = B[c + 4], cz = B[c + 5], cw = B[c + 6];
        const rx = qw * cx - qx * cw - qy * cz + qz * cy;
        const ry = qw * cy + qx * cz - qy * cw - qz * cx;
        const rz = qw * cz - qx * cy + qy * cx - qz * cw;
        const rw = qw * cw + qx * cx + qy * cy + qz * cz;
        let angle = 2 * Math.atan2(rx * ux + ry * uy + rz * uz, rw);
        // Unwrap to the branch nearest the last reading: joints such as the roll exceed ±180°.
        angle += TWO_PI * Math.round((this.linkQ[i] - angle) / TWO_PI);
        value = angle;
      } else {
        // Displacement of the child origin from the anchor, along the axis, both in world coordinates.
        const an = this.anchorParent[i];
        const wx = rotX(qx, qy, qz, qw, ux, uy, uz), wy = rotY(qx, qy, qz, qw, ux, uy, uz), wz = rotZ(qx, qy, qz, qw, ux, uy, uz);
        const ax0 = an[0], ay0 = an[1], az0 = an[2];
        const nx = rotX(qx, qy, qz, qw, ax0, ay0, az0), ny = rotY(qx, qy, qz, qw, ax0, ay0, az0), nz = rotZ(qx, qy, qz, qw, ax0, ay0, az0);
        value = wx * (B[c] - px - nx) + wy * (B[c + 1] - py - ny) + wz * (B[c + 2] - pz - nz);
      }
      this.linkQ[i] = value;
      this.position[link.drive.joint] += value * link.drive.gain;
    }
    for (let j = 0; j < nj; j++) this.position[j] /= this.gainNorm[j];
    if (this.sensorModel !== null) this.sensorModel.measure(this.position);
    // Joint velocity as an encoder-based servo sees it: the difference of positions over one step.
    for (let j = 0; j < nj; j++) this.velocity[j] = (this.position[j] - this.lastPosition[j]) / this.dt;
    this.estimateEffort();
  }

  /**
   * Orientation of every body into `bodyState`, and the position of the bodies the joint read-back needs
   * (each prismatic joint's two bodies). The other positions are read when asked for (`linkPose`, the hash):
   * every read is a call into WASM, and most ticks need only a few.
   */
  private cacheBodies(): void {
    const B = this.bodyState, fresh = this.translationFresh, always = this.translationAlways;
    for (let i = 0, o = 0; i < this.bodies.length; i++, o += 13) {
      const body = this.bodies[i];
      const r = body.rotation(this.tq); B[o + 3] = r.x; B[o + 4] = r.y; B[o + 5] = r.z; B[o + 6] = r.w;
      if (always[i] === 1) {
        const t = body.translation(this.tv); B[o] = t.x; B[o + 1] = t.y; B[o + 2] = t.z;
        fresh[i] = 1;
      } else {
        fresh[i] = 0;
      }
    }
  }

  /** Makes sure body i's position in `bodyState` is from the last step. */
  private ensureTranslation(i: number): void {
    if (this.translationFresh[i] === 1) return;
    const t = this.bodies[i].translation(this.tv), o = 13 * i;
    this.bodyState[o] = t.x; this.bodyState[o + 1] = t.y; this.bodyState[o + 2] = t.z;
    this.translationFresh[i] = 1;
  }

  /** Linear and angular velocity of every body into `bodyState` (the other 6 of 13 per body). */
  readBodyVelocities(): void {
    const B = this.bodyState;
    for (let i = 0, o = 0; i < this.bodies.length; i++, o += 13) {
      const body = this.bodies[i];
      const v = body.linvel(this.tv); B[o + 7] = v.x; B[o + 8] = v.y; B[o + 9] = v.z;
      const w = body.angvel(this.tv); B[o + 10] = w.x; B[o + 11] = w.y; B[o + 12] = w.z;
    }
  }

  /** Effort the actuator gives: the commanded torque, or the servo law, clamped at the limit. */
  private estimateEffort(): void {
    const joints = this.spec.joints;
    for (let j = 0; j < joints.length; j++) {
      const limit = joints[j].effort * this.effortScale[j];
      const raw = this.mode[j] === MODE_EFFORT
        ? this.commandEffort[j]
        : this.stiffness[j] * (this.commandPosition[j] - this.position[j]) + this.damping[j] * (this.commandVelocity[j] - this.velocity[j]);
      this.effort[j] = clampAbs(raw, limit);
    }
  }

  /** World pose of link i's frame (DH frame for arm links), from the bodies as last read. */
  linkPose(i: number, out: Mat4): Mat4 {
    this.ensureTranslation(i);
    const B = this.bodyState, o = 13 * i;
    const bq = this.qb; bq[0] = B[o + 3]; bq[1] = B[o + 4]; bq[2] = B[o + 5]; bq[3] = B[o + 6];
    const lq = quatMul(this.qc, bq, this.bodyToLink[i]);
    const p = this.va; p[0] = B[o]; p[1] = B[o + 1]; p[2] = B[o + 2];
    return mat4FromPose(out, p, lq);
  }

  /** World pose of the tool tip from the physics bodies. */
  tipPose(out: Mat4): Mat4 {
    this.linkPose(this.spec.tipLink, this.m1);
    return mat4Mul(out, this.m1, this.toolTip);
  }

  /** World position of the tool tip from the physics bodies: `tipPose`'s translation, without its rotation. */
  tipPosition(out: Float64Array): Float64Array {
    const m = this.linkPose(this.spec.tipLink, this.m1), t = this.toolTip;
    const x = t[3], y = t[7], z = t[11];
    out[0] = m[0] * x + m[1] * y + m[2] * z + m[3];
    out[1] = m[4] * x + m[5] * y + m[6] * z + m[7];
    out[2] = m[8] * x + m[9] * y + m[10] * z + m[11];
    return out;
  }

  /** Body poses and velocities as raw numbers, for the state hash: 13 per body. */
  writeBodyState(out: Float64Array, offset: number): number {
    for (let i = 0; i < this.bodies.length; i++) this.ensureTranslation(i);
    this.readBodyVelocities();
    out.set(this.bodyState, offset);
    return offset + this.bodyState.length;
  }

  get bodyCount(): number {
    return this.spec.links.length;
  }
}

// Components of the vector v rotated by the unit quaternion q (v' = v + 2w(q×v) + 2q×(q×v)), on scalars.
function rotX(x: number, y: number, z: number, w: number, vx: number, vy: number, vz: number): number {
  const ty = 2 * (z * vx - x * vz), tz = 2 * (x * vy - y * vx);
  return vx + w * 2 * (y * vz - z * vy) + (y * tz - z * ty);
}
function rotY(x: number, y: number, z: number, w: number, vx: number, vy: number, vz: number): number {
  const tx = 2 * (y * vz - z * vy), tz = 2 * (x * vy - y * vx);
  return vy + w * 2 * (z * vx - x * vz) + (z * tx - x * tz);
}
function rotZ(x: number, y: number, z: number, w: number, vx: number, vy: number, vz: number): number {
  const tx = 2 * (y * vz - z * vy), ty = 2 * (z * vx - x * vz);
  return vz + w * 2 * (x * vy - y * vx) + (x * ty - y * tx);
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
