// The patient on the treadmill with the exoskeleton strapped on, built into Rapier; its live state in arrays
// (MuJoCo's "data"). Controllers see the exoskeleton only through the `ExoHardware` arrays (controller/hardware.ts);
// the simulated patient's behaviour (scenarios/patient/) writes `muscleTorque` and reads the limb state.
//
// Bodies (fixed creation order): the gait trainer's frame, the pelvis on its vertical guide (prismatic), and per
// leg thigh, shank and foot on revolute joints about y (sagittal plane), and the belt.
//
// The treadmill is simulated in the belt's own frame: the belt is a static box and the trainer's frame (a
// kinematic body carrying the pelvis guide) moves forward at belt speed. At constant speed that is the same
// physics as a belt running backwards under a fixed frame (Galilean invariance), and it is far cheaper: a moving
// kinematic belt makes Rapier rebuild the foot contacts every step (measured: +35 µs per step, a third of the
// budget), while a static belt keeps a stance foot's contact from step to step. The frame's x is the belt travel.
//
// Why the exoskeleton has no bodies of its own: each dynamic body with its joint costs roughly 8–10 µs per step
// in this deterministic Rapier build, and the orthosis links would double the 7 bodies of the patient. The
// orthosis is strapped to the limb: its link mass rides on the limb segments (`linkMass`), and each drive is a
// one-degree-of-freedom state (reflected inertia, friction, torque limit, range stops) integrated here, coupled
// to its limb joint through the cuff: a spring-damper in joint space. The cuff torque is the human–robot
// interaction torque: it exists because drive and limb can disagree, and it is what the device measures.
//
// Joint torques (patient muscle + cuff + tissue damping) go into Rapier through each joint's motor, saturated at
// the wanted torque (as SimRobot's effort mode): numbers only across the WASM boundary, nothing allocated, and the
// reaction on the parent body comes with it. (Per-body torques through addTorque measured the same speed but
// allocate a WASM vector per call.)
import { createJointInterfaces, EFFORT_MOTOR_FACTOR, EFFORT_MOTOR_SPEED, MODE_POSITION, type JointInterfaces } from '../joint-interfaces.ts';
import type { ImpulseJoint, RigidBody, World } from '@dimforge/rapier3d-deterministic-compat';
import type { Rapier } from '../rapier.ts';
import type { MechanismJointStates, WorldMechanism } from '../world.ts';
import { groups } from '../collision-groups.ts';
import { BODY_STATE_FIELDS, newBodyScratch, writeBodyState } from '../body-state.ts';
import { LIMB_NAMES, SIDES, type ExoSpec, type PatientSpec, type TrainerSpec } from './exo-spec.ts';
import { clampAbs } from '../math/clamp.ts';

/** Joint axes (y component) for hip, knee, ankle: flexion / dorsiflexion positive. */
const AXIS_Y = [-1, 1, -1] as const;
/** Foot contact: a contact sphere this close to the belt (m) counts as touching (foot switch). */
const CONTACT_TOLERANCE = 0.004;
/** Treadmill drive acceleration limit, m/s². */
const BELT_ACCEL = 2.5;
const FEET_GROUP = 1 << 14;
const BELT_GROUP = 1 << 15;

/** Belt travel after which the frame and the patient move back along the belt, m: a power of two, so bodies near the frame shift exactly in f32. */
const RECENTRE_M = 16;
/** Belt ahead of the start, m (the same for every run), and its half-width, m. */
export const BELT_AHEAD_M = 2 * RECENTRE_M;
export const BELT_HALF_WIDTH = 0.5;

/** The drives' state and command arrays (sim/joint-interfaces.ts) are the exoskeleton's own fields. */
export interface SimExo extends JointInterfaces {}

export class SimExo implements WorldMechanism {
  readonly id: string;
  readonly spec: ExoSpec;
  readonly patient: PatientSpec;
  readonly trainer: TrainerSpec;
  readonly dt: number;

  // ---- Exoskeleton hardware interface (ExoHardware): one entry per actuated joint.
  // position … effortScale: the joint interfaces (sim/joint-interfaces.ts), set in the constructor.
  /** Measured interaction (cuff) torque per actuated joint, N·m (positive: the device pushes the limb into flexion). */
  readonly interactionTorque: Float64Array;
  /** Per drive: 1 once its driver reports a fault (set by fault injection; the safety monitor reads it). */
  readonly driveFault: Uint8Array;
  /** Per drive: 1 if its gearbox is seized. */
  private readonly locked: Uint8Array;
  /** Foot switches, left and right: 1 while the foot touches the belt. */
  readonly footContact: Uint8Array;
  /** Treadmill: commanded and actual belt speed, m/s, and the belt travel so far, m. */
  beltSpeedCommand = 0;
  beltSpeed = 0;
  beltTravel = 0;
  readonly beltAcceleration = BELT_ACCEL;

  // ---- The patient (limb joints 3·side + joint: left hip, knee, ankle, right hip, knee, ankle).
  readonly limbQ = new Float64Array(6);
  readonly limbQd = new Float64Array(6);
  /** Written by the patient's behaviour before each step: muscle (voluntary + reflex) torque per limb joint, N·m. */
  readonly muscleTorque = new Float64Array(6);
  /** Interaction torque acting on each limb joint from the device (cuff, or the passive foot lifter), N·m. */
  readonly cuffTorque = new Float64Array(6);
  /** Net torque applied at each limb joint in the last step, N·m. */
  readonly jointTorque = new Float64Array(6);
  /** Pelvis height above the belt, m; ankle x relative to the hip, m, per side; foot sole height, m, per side. */
  pelvisZ = 0;
  readonly ankleX = new Float64Array(2);
  readonly footHeight = new Float64Array(2);
  /** Body-weight support force on the pelvis, N. */
  bwsForce = 0;

  /**
   * What a recording holds per tick: each drive (angle, speed, torque), then each limb joint of the patient as
   * `patient_<joint>_<side>` (angle, speed, and the net joint torque of the step).
   */
  readonly jointStates: MechanismJointStates;

  private bodies: RigidBody[] = [];
  private joints: ImpulseJoint[] = [];
  private frame: RigidBody | undefined;
  private readonly bodyHandles: number[] = [];
  private readonly jointHandles: number[] = [];
  private frameHandle = -1;
  private readonly lastLimbQ = new Float64Array(6);
  /** Per limb joint: the motor values last written (max force, direction), to skip unchanged writes. */
  private readonly writtenForce = new Float64Array(6).fill(Number.NaN);
  private readonly writtenDir = new Float64Array(6);
  private beltWritten = Number.NaN;
  private readonly baseZ: number;
  private readonly tq = { x: 0, y: 0, z: 0, w: 1 };
  private readonly tv = { x: 0, y: 0, z: 0 };
  private readonly scratch = newBodyScratch();
  /** Absolute pitch (about +y) of thigh, shank, foot per side, from the last read. */
  private readonly pitch = new Float64Array(6);

  constructor(id: string, spec: ExoSpec, patient: PatientSpec, trainer: TrainerSpec, dt: number) {
    this.id = id;
    this.spec = spec;
    this.patient = patient;
    this.trainer = trainer;
    this.dt = dt;
    const n = spec.joints.length;
    Object.assign(this, createJointInterfaces(spec.joints));
    this.interactionTorque = new Float64Array(n);
    this.driveFault = new Uint8Array(n);
    this.locked = new Uint8Array(n);
    this.footContact = new Uint8Array(2);
    const b = patient.body;
    const nr = n + 6;
    this.jointStates = {
      names: [...spec.joints.map((j) => j.name), ...LIMB_NAMES.map((l) => `patient_${l}`)],
      position: new Float64Array(nr), velocity: new Float64Array(nr), effort: new Float64Array(nr),
    };
    this.baseZ = b.hipHeight;
  }

  /** Creates the frame, bodies, colliders, joints and the belt in a fixed order (determinism rule 4). */
  build(R: Rapier, world: World): void {
    const p = this.patient, b = p.body, x = this.spec.linkMass;
    const base = world.createRigidBody(R.RigidBodyDesc.kinematicVelocityBased().setTranslation(0, 0, this.baseZ));
    this.frame = base;
    this.frameHandle = base.handle;
    const dynamic = (z: number, y: number) => world.createRigidBody(R.RigidBodyDesc.dynamic().setTranslation(0, y, z).setCanSleep(false));
    const massAt = (body: RigidBody, m: number, cx: number, cz: number, I: number) =>
      body.setAdditionalMassProperties(m, { x: cx, y: 0, z: cz }, { x: I, y: I, z: I }, { x: 0, y: 0, z: 0, w: 1 }, true);

    const pelvis = dynamic(this.baseZ, 0);
    massAt(pelvis, b.hatMass, 0, 0, 2);
    this.push(pelvis);
    const guide = R.JointData.prismatic({ x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 1 });
    const g = world.createImpulseJoint(guide, base, pelvis, true) as InstanceType<Rapier['PrismaticImpulseJoint']>;
    g.setLimits(this.trainer.pelvisTravel[0], this.trainer.pelvisTravel[1]);
    g.setContactsEnabled(false);
    // The body-weight support unit's damper: a velocity motor aimed at rest, set once (no per-step cost in JS).
    g.configureMotorModel(R.MotorModel.ForceBased);
    g.configureMotorVelocity(0, this.trainer.pelvisDamping);
    g.setMotorMaxForce(1e5);
    this.jointHandles.push(g.handle);
    this.joints.push(g);

    const feetGroups = groups(FEET_GROUP, BELT_GROUP);
    for (let s = 0; s < 2; s++) {
      const y = (s === 0 ? 1 : -1) * p.hipHalfWidth;
      const kneeZ = this.baseZ - b.thigh.length, ankleZ = kneeZ - b.shank.length;
      // Thigh and shank carry the orthosis link mass at their own centre of mass (a parallel-axis term added).
      const mt = b.thigh.mass + x.thigh, ms = b.shank.mass + x.shank;
      const thigh = dynamic(this.baseZ, y);
      massAt(thigh, mt, 0, -b.thigh.com, b.thigh.inertia + x.thigh * (0.15 * b.thigh.length) ** 2);
      const shank = dynamic(kneeZ, y);
      massAt(shank, ms, 0, -b.shank.com, b.shank.inertia + x.shank * (0.15 * b.shank.length) ** 2);
      const foot = dynamic(ankleZ, y);
      const soleZ = -(b.ankleHeight - p.contactRadius);
      massAt(foot, b.foot.mass, 0.5 * p.ballX, 0.5 * soleZ, b.foot.inertia);
      for (const cx of [p.heelX, p.ballX]) {
        world.createCollider(R.ColliderDesc.ball(p.contactRadius).setTranslation(cx, 0, soleZ).setDensity(0)
          .setFriction(this.trainer.friction).setRestitution(0).setCollisionGroups(feetGroups), foot);
      }
      const parents = [pelvis, thigh, shank];
      const children = [thigh, shank, foot];
      const anchors = [y, 0, 0];
      const drops = [0, b.thigh.length, b.shank.length];
      for (let j = 0; j < 3; j++) {
        this.push(children[j]);
        const data = R.JointData.revolute({ x: 0, y: anchors[j], z: -drops[j] }, { x: 0, y: 0, z: 0 }, { x: 0, y: AXIS_Y[j], z: 0 });
        const joint = world.createImpulseJoint(data, parents[j], children[j], true) as InstanceType<Rapier['RevoluteImpulseJoint']>;
        joint.setContactsEnabled(false);
        // Anatomical hard stops (Rapier drops JointData limits on revolute joints: set after creation). Rapier
        // measures the hip from the upright frame the bodies were built in, ours from the tilted pelvis.
        const shift = j === 0 ? p.pelvicTilt : 0;
        joint.setLimits(p.range[j][0] - shift, p.range[j][1] - shift);
        joint.configureMotorModel(R.MotorModel.ForceBased);
        this.joints.push(joint);
        this.jointHandles.push(joint.handle);
      }
    }
    // The belt: a static box whose top is the walking surface (z = 0), from 10 m behind the start to BELT_AHEAD_M
    // ahead (the patient never gets further than RECENTRE_M and a stride). Its size is the same for every run,
    // whatever its duration: a live session (which runs on) and the replay of its recording (as long as what was
    // recorded) must collide with the same box, bit for bit, and Rapier computes contacts in f32 about its centre.
    const half = 0.5 * (BELT_AHEAD_M + 10);
    const belt = world.createRigidBody(R.RigidBodyDesc.fixed().setTranslation(half - 10, 0, -0.025));
    world.createCollider(R.ColliderDesc.cuboid(half, BELT_HALF_WIDTH, 0.025).setFriction(this.trainer.friction).setRestitution(0)
      .setCollisionGroups(groups(BELT_GROUP, FEET_GROUP)), belt);
    this.setBodyWeightSupport(this.trainer.bodyWeightSupport);
  }

  private push(body: RigidBody): void {
    this.bodies.push(body);
    this.bodyHandles.push(body.handle);
  }

  /** Body-weight support as a fraction of the patient's weight: a constant upward force on the pelvis. */
  setBodyWeightSupport(fraction: number): void {
    this.bwsForce = fraction * this.patient.body.mass * 9.81;
    const pelvis = this.bodies[0];
    pelvis.resetForces(true);
    pelvis.addForce({ x: 0, y: 0, z: this.bwsForce }, true);
  }

  /**
   * Places the legs at limb joint angles q (6, rad), at rest, the pelvis lowered until the lower foot touches
   * the belt, and the drives where their limb joints are (before a run starts).
   */
  setPose(q: ArrayLike<number>): void {
    const p = this.patient, b = p.body;
    // Lowest contact point of each foot relative to the hip, to put the pelvis at the right height.
    let lowest = Infinity;
    const soleZ = -(b.ankleHeight - p.contactRadius);
    const pitches: number[] = [];
    for (let s = 0; s < 2; s++) {
      const at = p.pelvicTilt - q[3 * s], as = at + q[3 * s + 1], af = as - q[3 * s + 2];
      pitches.push(at, as, af);
      const kz = -b.thigh.length * Math.cos(at), az = kz - b.shank.length * Math.cos(as);
      for (const cx of [p.heelX, p.ballX]) lowest = Math.min(lowest, az - cx * Math.sin(af) + soleZ * Math.cos(af) - p.contactRadius);
    }
    const hipZ = -lowest + 0.0005;
    const rot = (body: RigidBody, a: number) => body.setRotation({ x: 0, y: Math.sin(a / 2), z: 0, w: Math.cos(a / 2) }, true);
    const still = (body: RigidBody) => { body.setLinvel({ x: 0, y: 0, z: 0 }, true); body.setAngvel({ x: 0, y: 0, z: 0 }, true); };
    this.bodies[0].setTranslation({ x: 0, y: 0, z: hipZ }, true);
    still(this.bodies[0]);
    for (let s = 0; s < 2; s++) {
      const y = (s === 0 ? 1 : -1) * p.hipHalfWidth;
      const [at, as, af] = pitches.slice(3 * s, 3 * s + 3);
      const kx = -b.thigh.length * Math.sin(at), kz = hipZ - b.thigh.length * Math.cos(at);
      const ax = kx - b.shank.length * Math.sin(as), az = kz - b.shank.length * Math.cos(as);
      const [thigh, shank, foot] = this.bodies.slice(1 + 3 * s, 4 + 3 * s);
      thigh.setTranslation({ x: 0, y, z: hipZ }, true); rot(thigh, at); still(thigh);
      shank.setTranslation({ x: kx, y, z: kz }, true); rot(shank, as); still(shank);
      foot.setTranslation({ x: ax, y, z: az }, true); rot(foot, af); still(foot);
    }
    for (let i = 0; i < 6; i++) { this.limbQ[i] = q[i]; this.lastLimbQ[i] = q[i]; this.limbQd[i] = 0; }
    const joints = this.spec.joints;
    for (let j = 0; j < joints.length; j++) {
      const v = q[joints[j].limb];
      this.position[j] = v; this.velocity[j] = 0; this.commandPosition[j] = v; this.commandVelocity[j] = 0; this.commandEffort[j] = 0;
    }
    this.read();
  }

  /**
   * Seizes drive j where it stands (a jammed gearbox): it holds its position whatever is commanded.
   */
  lockJoint(j: number): void {
    this.locked[j] = 1;
  }

  // ------------------------------------------------------------------------------------------- the step

  /** Drives, cuffs and joint torques for the coming step; the belt's speed. */
  beforeStep(): void {
    const dt = this.dt;
    const joints = this.spec.joints;
    const cuff = this.cuffTorque;
    cuff.fill(0);
    for (let j = 0; j < joints.length; j++) {
      const js = joints[j];
      const l = js.limb;
      const ql = this.limbQ[l], wl = this.limbQd[l];
      const th = this.position[j], w = this.velocity[j];
      const I = js.armature, kc = js.cuffStiffness, dc = js.cuffDamping, b = js.driveDamping;
      const limit = js.effort * this.effortScale[j];
      let w1: number, tau: number;
      if (this.locked[j] === 1) {
        w1 = 0;
        tau = kc * (th - ql) - dc * wl; // the seized gearbox carries the cuff load
      } else {
        // Implicit in the drive's own state (servo and cuff springs are stiff against its small inertia); the limb
        // state is from the last step. I·w' = I·w + dt·(τm − τc − b·w'), θ' = θ + dt·w', with the servo
        // τm = kp·(q* − θ') + kd·(q̇* − w') and the cuff τc = kc·(θ' − q) + dc·(w' − q̇) solved for w'. When τm would
        // pass the torque limit it is clamped and the equation solved again with τm fixed.
        const rhsCuff = -kc * (th - ql) + dc * wl;
        if (this.mode[j] === MODE_POSITION) {
          const kp = this.stiffness[j], kd = this.damping[j];
          const qs = this.commandPosition[j], vs = this.commandVelocity[j];
          w1 = (I * w + dt * (kp * (qs - th) + kd * vs + rhsCuff)) / (I + dt * (kd + dc + b) + dt * dt * (kp + kc));
          tau = kp * (qs - th - dt * w1) + kd * (vs - w1);
        } else {
          tau = this.commandEffort[j];
          w1 = Number.NaN;
        }
        if (tau > limit || tau < -limit || Number.isNaN(w1)) {
          tau = clampAbs(tau, limit);
          w1 = (I * w + dt * (tau + rhsCuff)) / (I + dt * (dc + b) + dt * dt * kc);
        }
      }
      let th1 = th + dt * w1;
      // The orthosis' mechanical end stops.
      if (th1 > js.upper) { th1 = js.upper; w1 = 0; } else if (th1 < js.lower) { th1 = js.lower; w1 = 0; }
      this.position[j] = th1;
      this.velocity[j] = w1;
      this.effort[j] = tau;
      const tc = kc * (th1 - ql) + dc * (w1 - wl);
      this.interactionTorque[j] = tc;
      cuff[l] = tc;
    }
    // A passive ankle has the orthosis' foot lifter: an elastic strap pulling the forefoot up (its rest angle).
    if (this.spec.ankle === 'passive') {
      const fl = this.spec.footLifter;
      cuff[2] = fl.stiffness * (fl.rest - this.limbQ[2]);
      cuff[5] = fl.stiffness * (fl.rest - this.limbQ[5]);
    }
    const damp = this.patient.passiveDamping;
    for (let i = 0; i < 6; i++) this.jointTorque[i] = this.muscleTorque[i] + cuff[i] - damp[i % 3] * this.limbQd[i];
    for (let i = 0; i < 6; i++) this.writeJointTorque(i, this.jointTorque[i]);
    this.driveBelt();
  }

  /** A joint torque through the joint's motor: a velocity motor aimed at a speed it never reaches saturates at it. */
  private writeJointTorque(i: number, tau: number): void {
    const joint = this.joints[1 + i] as InstanceType<Rapier['RevoluteImpulseJoint']>;
    const f = tau < 0 ? -tau : tau;
    const dir = tau >= 0 ? 1 : -1;
    if (this.writtenForce[i] !== f) {
      joint.setMotorMaxForce(f);
      this.writtenForce[i] = f;
    }
    if (this.writtenDir[i] !== dir) {
      joint.configureMotor(0, dir * EFFORT_MOTOR_SPEED, 0, EFFORT_MOTOR_FACTOR);
      this.writtenDir[i] = dir;
    }
  }

  /** The treadmill drive: the belt speed ramps to its command; the trainer's frame moves forward at it. */
  private driveBelt(): void {
    const dv = BELT_ACCEL * this.dt;
    const err = this.beltSpeedCommand - this.beltSpeed;
    this.beltSpeed += clampAbs(err, dv);
    if (this.beltWritten !== this.beltSpeed) {
      this.tv.x = this.beltSpeed; this.tv.y = 0; this.tv.z = 0;
      this.frame!.setLinvel(this.tv, true);
      this.beltWritten = this.beltSpeed;
    }
    this.beltTravel += this.beltSpeed * this.dt;
  }

  afterStep(): void {
    this.read();
    const js = this.jointStates, n = this.position.length;
    js.position.set(this.position); js.velocity.set(this.velocity); js.effort.set(this.effort);
    js.position.set(this.limbQ, n); js.velocity.set(this.limbQd, n); js.effort.set(this.jointTorque, n);
    if (this.frame!.translation(this.tv).x >= RECENTRE_M) this.recentre();
  }

  /**
   * Moves the trainer frame and the patient back along the static belt by RECENTRE_M, velocities kept: the belt is
   * uniform, so nothing the patient feels changes, and a walk of any length (a live session) stays on the belt.
   * Every body sits within a few metres of the frame, so in Rapier's f32 the subtraction is exact (Sterbenz).
   */
  private recentre(): void {
    const t = this.tv;
    this.frame!.translation(t);
    t.x -= RECENTRE_M;
    this.frame!.setTranslation(t, true);
    for (let i = 0; i < this.bodies.length; i++) {
      const b = this.bodies[i];
      b.translation(t);
      t.x -= RECENTRE_M;
      b.setTranslation(t, true);
    }
  }

  /** Limb joint angles from the body orientations (planar: each is a rotation about y), velocities by difference. */
  private read(): void {
    const bodies = this.bodies;
    const P = this.pitch;
    for (let i = 0; i < 6; i++) {
      const r = bodies[1 + i].rotation(this.tq);
      P[i] = 2 * Math.atan2(r.y, r.w);
    }
    this.pelvisZ = bodies[0].translation(this.tv).z;
    const q = this.limbQ, last = this.lastLimbQ, qd = this.limbQd, inv = 1 / this.dt;
    const p = this.patient, b = p.body, tilt = p.pelvicTilt;
    const soleZ = -(b.ankleHeight - p.contactRadius);
    for (let s = 0; s < 2; s++) {
      const at = P[3 * s], as = P[3 * s + 1], af = P[3 * s + 2];
      const o = 3 * s;
      last[o] = q[o]; last[o + 1] = q[o + 1]; last[o + 2] = q[o + 2];
      q[o] = tilt - at;
      q[o + 1] = as - at;
      q[o + 2] = as - af;
      qd[o] = (q[o] - last[o]) * inv; qd[o + 1] = (q[o + 1] - last[o + 1]) * inv; qd[o + 2] = (q[o + 2] - last[o + 2]) * inv;
      // Planar forward kinematics to the foot: ankle x, and the lowest contact sphere's height (foot switch).
      const st = Math.sin(at), ct = Math.cos(at), ss = Math.sin(as), cs = Math.cos(as), sf = Math.sin(af), cf = Math.cos(af);
      const ax = -b.thigh.length * st - b.shank.length * ss;
      const az = this.pelvisZ - b.thigh.length * ct - b.shank.length * cs;
      this.ankleX[s] = ax;
      const heel = az - p.heelX * sf + soleZ * cf, ball = az - p.ballX * sf + soleZ * cf;
      const low = (heel < ball ? heel : ball) - p.contactRadius;
      this.footHeight[s] = low;
      this.footContact[s] = low < CONTACT_TOLERANCE ? 1 : 0;
    }
  }

  // ------------------------------------------------------------------------------------------- state

  /** The bodies' names, in the order of `bodyPose`: pelvis, then per side thigh, shank, foot. */
  static readonly BODY_NAMES = ['pelvis', ...SIDES.flatMap((s) => ['thigh', 'shank', 'foot'].map((x) => `${x}_${s}`))];

  /**
   * Pose of body i in the treadmill's frame (x along the belt from the trainer frame, which walks with the patient;
   * so the patient stays in place and the belt runs backwards under them): [x, y, z, qx, qy, qz, qw] into out at o.
   * For the live view, not the tick.
   */
  bodyPose(i: number, out: number[] | Float64Array, o = 0): void {
    const body = this.bodies[i];
    const fx = this.frame!.translation(this.tv).x;
    const t = body.translation(this.tv);
    out[o] = t.x - fx; out[o + 1] = t.y; out[o + 2] = t.z;
    const r = body.rotation(this.tq);
    out[o + 3] = r.x; out[o + 4] = r.y; out[o + 5] = r.z; out[o + 6] = r.w;
  }

  /** Per body 13 numbers (pose, velocities), the belt, the drives and the limb readings. */
  get stateLength(): number {
    return BODY_STATE_FIELDS.length * SimExo.BODY_NAMES.length + 3 + 3 * this.position.length + 6 * 2;
  }

  writeState(out: Float64Array, o: number): number {
    for (const body of this.bodies) o = writeBodyState(out, o, body, this.scratch);
    out[o++] = this.beltSpeed; out[o++] = this.beltTravel; out[o++] = this.frame!.translation(this.tv).x;
    for (let j = 0; j < this.position.length; j++) { out[o++] = this.position[j]; out[o++] = this.velocity[j]; out[o++] = this.interactionTorque[j]; }
    for (let i = 0; i < 6; i++) { out[o++] = this.limbQ[i]; out[o++] = this.limbQd[i]; }
    return o;
  }

  stateLabels(): string[] {
    const out: string[] = [];
    for (const n of SimExo.BODY_NAMES) for (const c of BODY_STATE_FIELDS) out.push(`${this.id} body ${n} ${c}`);
    out.push(`${this.id} belt speed`, `${this.id} belt travel`, `${this.id} frame x`);
    for (const j of this.spec.joints) out.push(`${this.id} drive ${j.name} position`, `${this.id} drive ${j.name} velocity`, `${this.id} drive ${j.name} interaction_torque`);
    for (const l of LIMB_NAMES) out.push(`${this.id} limb ${l} angle`, `${this.id} limb ${l} velocity`);
    return out;
  }

  save(): Float64Array {
    return Float64Array.from([
      ...this.position, ...this.velocity, ...this.effort, ...this.interactionTorque, ...this.limbQ, ...this.limbQd, ...this.lastLimbQ,
      this.beltSpeed, this.beltTravel, this.beltSpeedCommand,
    ]);
  }

  load(world: World, d: Float64Array): void {
    const n = this.position.length;
    let o = 0;
    for (const a of [this.position, this.velocity, this.effort, this.interactionTorque]) { a.set(d.subarray(o, o + n)); o += n; }
    for (const a of [this.limbQ, this.limbQd, this.lastLimbQ]) { a.set(d.subarray(o, o + 6)); o += 6; }
    this.beltSpeed = d[o++]; this.beltTravel = d[o++]; this.beltSpeedCommand = d[o++];
    this.bodies = this.bodyHandles.map((h) => world.getRigidBody(h));
    this.joints = this.jointHandles.map((h) => world.getImpulseJoint(h));
    this.frame = world.getRigidBody(this.frameHandle);
    this.writtenForce.fill(Number.NaN);
    this.writtenDir.fill(0);
    this.beltWritten = Number.NaN;
  }
}
