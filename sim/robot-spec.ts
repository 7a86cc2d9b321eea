// A robot model as plain data (MuJoCo's "model"): immutable description, no live state.
// Live state lives in arrays owned by the robot instance (see robot-builder.ts).

export type Vec3 = readonly [number, number, number];
export type Rows4 = readonly (readonly [number, number, number, number])[];

export type JointType = 'revolute' | 'prismatic';

/** One row of a modified-DH (Craig) table: T = RotX(alpha)·TransX(a)·RotZ(theta)·TransZ(d). */
export interface DhRow {
  readonly joint: string;
  readonly type: JointType;
  readonly alpha: number;
  readonly a: number;
  readonly theta: number;
  readonly d: number;
  /** Added to q before it enters theta (revolute) or d (prismatic). */
  readonly offset: number;
}

/** A controllable degree of freedom, as a controller sees it. */
export interface JointSpec {
  readonly name: string;
  readonly type: JointType;
  /** Position limits, rad or m. */
  readonly lower: number;
  readonly upper: number;
  /** Largest torque (N·m) or force (N) the actuator can give. */
  readonly effort: number;
  /** Joint tracking-error limit (rad or m); exceeding it is a fault. */
  readonly trackingErrorLimit: number;
  /**
   * Fastest the joint may move, rad/s or m/s. The arms' joint control moves the servo's set point no faster (a
   * step in the command becomes a ramp, as a real drive's velocity limit makes it); the exoskeleton's safety
   * faults above it.
   */
  readonly velocityLimit: number;
  /** Default position servo: stiffness (N·m/rad or N/m) and damping (N·m·s/rad or N·s/m). */
  readonly servo: { readonly stiffness: number; readonly damping: number };
  /** Reflected actuator inertia added about the joint axis (kg·m² or kg), as MuJoCo's `armature`. */
  readonly armature: number;
}

export type ShapeSpec =
  | { readonly kind: 'cylinder'; readonly radius: number; readonly halfLength: number; readonly center: Vec3; readonly axis: Vec3 }
  | { readonly kind: 'box'; readonly halfExtents: Vec3; readonly center: Vec3 }
  | { readonly kind: 'sphere'; readonly radius: number; readonly center: Vec3 };

/**
 * A rigid link. Its frame is given at the home configuration (all q = 0) relative to its parent's frame;
 * the joint that moves it acts about (revolute) or along (prismatic) `axis` in its own frame.
 */
export interface LinkSpec {
  readonly name: string;
  /** Index of the parent link; -1 is the robot base, fixed in the world. */
  readonly parent: number;
  /** Home pose of this link's frame in the parent's frame, row-major 4×4. */
  readonly origin: Rows4;
  readonly axis: Vec3;
  /** The controllable joint that drives this link, and the factor (jaw fingers move by ±q/2). */
  readonly drive: { readonly joint: number; readonly gain: number };
  readonly mass: number;
  /** Centre of mass and principal inertia about it (kg·m²), in the link frame. */
  readonly com: Vec3;
  readonly inertia: Vec3;
  /** Collision shapes in the link frame. Links without shapes do not collide. */
  readonly shapes: readonly ShapeSpec[];
}

export interface RobotSpec {
  readonly type: string;
  readonly joints: readonly JointSpec[];
  readonly links: readonly LinkSpec[];
  /** Kinematic chain of the arm, for controllers (the jaw is not part of it). */
  readonly dh: readonly DhRow[];
  /** Fixed transform applied after the last DH frame to reach the tool tip. */
  readonly toolTip: Rows4;
  /** Index of the link whose frame is the last DH frame (the tool tip hangs off it). */
  readonly tipLink: number;
  /** Index of the link that carries the instrument shaft (its z axis is the shaft axis). */
  readonly shaftLink: number;
  /** Links whose colliders count as "the instrument" for contact force. */
  readonly instrumentLinks: readonly number[];
  /** Joint values the arm starts at, unless a scenario says otherwise. */
  readonly ready: readonly number[];
}
