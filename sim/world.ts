// The physics world: Rapier with z up and a fixed dt, the robots and objects in it, snapshots and the state hash.
import type { EventQueue, TempContactForceEvent, World } from '@dimforge/rapier3d-deterministic-compat';
import type { Rapier } from './rapier.ts';
import type { RobotSpec } from './robot-spec.ts';
import { SimRobot, type RobotPose } from './robot.ts';
import { buildObject, type ObjectSpec, type SimObject } from './environment.ts';
import { StateHasher } from './state-hash.ts';

// Rapier's raw step takes a hook object and two filter functions; with no hooks it is given nothing for each
// (what World.step passes when it has no hooks).
const NO_HOOKS = undefined as unknown as object; // the binding's type says object; Rapier accepts undefined
const NO_FILTER = null as unknown as Function; // the binding types it Function; Rapier tests it for null

export interface WorldOptions {
  /** Physics step, s. Default 1 ms (1 kHz, the dVRK teleoperation rate). */
  readonly dt?: number;
  readonly gravity?: readonly [number, number, number];
  /**
   * Rapier solver iterations (TGS substeps) per step. More keep long joint chains stiffer; each costs about
   * 13 µs on the PSM. 3 holds the RCM within 0.07 mm in every library scenario, as 4 and 8 did.
   */
  readonly solverIterations?: number;
  /**
   * Rapier's length unit, m (default 0.001, the millimetre scene of the arms). Rapier also caps every body's
   * speed at 400 length units per second (measured: 0.4 m/s at 0.001), so a scene whose bodies move faster (the
   * exoskeleton's swinging feet) needs a larger one.
   */
  readonly lengthUnit?: number;
}

export interface WorldSnapshot {
  readonly tick: number;
  readonly physics: Uint8Array;
  readonly robots: readonly Float64Array[];
  readonly mechanisms?: readonly Float64Array[];
}

/**
 * Anything besides robots and objects that lives in the world and takes part in each step (the exoskeleton with
 * its patient, sim/exo/): forces in before the Rapier step, state out after it, its share of the state hash.
 */
export interface WorldMechanism {
  readonly id: string;
  beforeStep(): void;
  afterStep(): void;
  /** How many numbers `writeState` writes into the state hash, and their names. */
  readonly stateLength: number;
  writeState(out: Float64Array, offset: number): number;
  stateLabels(): string[];
  /** Its own state beyond the bodies, for snapshots; `load` re-binds to the restored world. */
  save(): Float64Array;
  load(world: World, data: Float64Array): void;
  /** Joint states to record each tick (fresh after every step), if it has joints. */
  readonly jointStates?: MechanismJointStates;
}

export interface MechanismJointStates {
  readonly names: readonly string[];
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly effort: Float64Array;
}

export class SimWorld {
  readonly R: Rapier;
  readonly dt: number;
  world: World;
  readonly robots: SimRobot[] = [];
  readonly objects: SimObject[] = [];
  readonly mechanisms: WorldMechanism[] = [];
  tick = 0;
  private readonly events: EventQueue;
  /**
   * One event wrapper for every contact-force event, and one callback: `EventQueue.drainContactForceEvents`
   * makes a new wrapper and a new closure on every call, i.e. every tick, events or not.
   */
  private readonly contactEvent: TempContactForceEvent;
  /** The world's gravity as Rapier's raw vector, made on the first step (gravity never changes in a run). */
  private rawGravity: ReturnType<Rapier['VectorOps']['intoRaw']> | undefined;
  private readonly onRawContactForce = (raw: TempContactForceEvent['raw']): void => {
    const e = this.contactEvent;
    e.raw = raw;
    this.collectContact(e);
    e.free(); // frees `raw`, as Rapier's own drain does
  };
  private hasher: StateHasher | undefined;

  constructor(R: Rapier, options: WorldOptions = {}) {
    this.R = R;
    this.dt = options.dt ?? 0.001;
    const g = options.gravity ?? [0, 0, -9.81];
    this.world = new R.World({ x: g[0], y: g[1], z: g[2] });
    this.world.timestep = this.dt;
    this.world.numSolverIterations = options.solverIterations ?? 3;
    // The scene is millimetre-sized (jaw fingers, pegs), so Rapier's length-based tolerances are set for
    // millimetres: with its default (metres) it predicts contacts 20 mm ahead and keeps reusing a pair's contact
    // points until the bodies have moved centimetres, so jaws closing on a peg pushed against stale points
    // and passed through it, and two instruments 10 mm apart pushed each other. Runs without contacts keep
    // their state hashes. The price: Rapier caps body speeds at 400 length units per second, 0.4 m/s here.
    // Teleoperated arms stay under 0.1 m/s in every library scenario (a weak joint dropping under gravity, in
    // motor-faults, reaches the cap), but a free object cannot fall faster: one dropped from 8 mm or more
    // lands late. A larger unit lifts the cap but changes the contacts the grasp and the phantom press were
    // tuned on (at 0.01 the press's peak force went from 1.15 N to 3 N); the exoskeleton uses 0.05.
    this.world.lengthUnit = options.lengthUnit ?? 0.001;
    this.events = new R.EventQueue(true);
    this.contactEvent = new R.TempContactForceEvent();
  }

  addRobot(id: string, spec: RobotSpec, base: RobotPose, q0: readonly number[] = spec.ready): SimRobot {
    const robot = new SimRobot(id, spec, this.robots.length, base, this.dt);
    robot.build(this.R, this.world);
    robot.setJointPositions(q0);
    this.robots.push(robot);
    this.hasher = undefined;
    return robot;
  }

  addObject(spec: ObjectSpec): SimObject {
    const obj = buildObject(this.R, this.world, spec);
    this.objects.push(obj);
    this.hasher = undefined;
    return obj;
  }

  /** Adds a mechanism that is already built into `world` (its bodies created in a fixed order). */
  addMechanism(m: WorldMechanism): void {
    this.mechanisms.push(m);
    this.hasher = undefined;
  }

  robot(id: string): SimRobot {
    const r = this.robots.find((x) => x.id === id);
    if (!r) throw new Error(`no robot '${id}' in the world`);
    return r;
  }

  /** One physics step: commands in, Rapier step, states out. */
  step(): void {
    const robots = this.robots;
    for (let i = 0; i < robots.length; i++) {
      robots[i].write();
      robots[i].contactForce = 0;
    }
    const mech = this.mechanisms;
    for (let i = 0; i < mech.length; i++) mech[i].beforeStep();
    this.pipelineStep();
    this.events.raw.drainContactForceEvents(this.onRawContactForce);
    for (let i = 0; i < robots.length; i++) robots[i].read();
    for (let i = 0; i < mech.length; i++) mech[i].afterStep();
    this.tick++;
  }

  /**
   * Commands in and the Rapier step, nothing else: no state read-back, no contact bookkeeping.
   * The benchmark reports it beside `step()` to show what the read-back costs.
   */
  stepPhysicsOnly(): void {
    const robots = this.robots;
    for (let i = 0; i < robots.length; i++) robots[i].write();
    for (let i = 0; i < this.mechanisms.length; i++) this.mechanisms[i].beforeStep();
    this.pipelineStep();
    this.tick++;
  }

  /**
   * Rapier's step through its raw pipeline, without the two costs of `World.step` that buy us nothing: after
   * every step it calls `mapNewSoftBodies`, which walks every body and collider handle through a JS callback (a
   * Map lookup each) to wrap the pieces torn soft bodies split off — our worlds hold no soft bodies and create
   * every body and collider through the API, which wraps them at creation; the walk cost 0.6 µs per collider, a
   * fifth of the PSM's step — and it converts the gravity vector into a new wasm object (with a finalizer) each
   * step, where ours is made once. No physics hooks: every filter is an interaction group.
   */
  private pipelineStep(): void {
    const w = this.world;
    const g = (this.rawGravity ??= this.R.VectorOps.intoRaw(w.gravity));
    w.physicsPipeline.raw.stepWithEvents(g, w.integrationParameters.raw, w.islands.raw, w.broadPhase.raw, w.narrowPhase.raw,
      w.bodies.raw, w.colliders.raw, w.softBodies.raw, w.impulseJoints.raw, w.multibodyJoints.raw, w.ccdSolver.raw,
      this.events.raw, NO_HOOKS, NO_FILTER, NO_FILTER);
  }

  private collectContact(e: TempContactForceEvent): void {
    const c1 = e.collider1(), c2 = e.collider2();
    const f = e.totalForceMagnitude();
    const robots = this.robots;
    for (let i = 0; i < robots.length; i++) {
      if (robots[i].isInstrumentCollider(c1) || robots[i].isInstrumentCollider(c2)) robots[i].contactForce += f;
    }
  }

  takeSnapshot(): WorldSnapshot {
    return {
      tick: this.tick,
      physics: this.world.takeSnapshot(),
      robots: this.robots.map((r) => r.saveState()),
      mechanisms: this.mechanisms.map((m) => m.save()),
    };
  }

  restoreSnapshot(s: WorldSnapshot): void {
    const old = this.world;
    this.world = this.R.World.restoreSnapshot(s.physics);
    old.free();
    this.tick = s.tick;
    this.robots.forEach((r, i) => r.loadState(this.world, s.robots[i]));
    this.mechanisms.forEach((m, i) => { if (s.mechanisms?.[i]) m.load(this.world, s.mechanisms[i]); });
    for (const o of this.objects) o.body = this.world.getRigidBody(o.bodyHandle);
  }

  /**
   * SHA-256 (hex) of the raw float64 bytes of every body pose and velocity, every joint state,
   * and the controller state the caller passes (filter memory, targets, …).
   */
  stateHash(controllerState?: Float64Array): string {
    this.hasher ??= new StateHasher(this);
    return this.hasher.hash(controllerState);
  }

  /** The raw numbers behind the last `stateHash` (the hasher's buffer: copy to keep). */
  lastHashedState(): Float64Array {
    this.hasher ??= new StateHasher(this);
    return this.hasher.lastState;
  }

  /** Names of the numbers of `lastHashedState`, with `controller` naming the controller's tail. */
  stateLabels(controller: readonly string[] = []): string[] {
    this.hasher ??= new StateHasher(this);
    return this.hasher.labels(controller);
  }

  free(): void {
    this.world.free();
    this.events.free();
    this.rawGravity?.free();
    this.rawGravity = undefined;
  }
}
