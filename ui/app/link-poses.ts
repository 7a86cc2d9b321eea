// World poses of a robot's link frames from its joint positions: the forward kinematics of the spec's link
// tree (home origin, then the joint's motion about or along its axis), as the physics bodies sit when the
// joints are exactly there. The replay viewer draws recorded joint states with it.
import type { RobotSpec } from '../../sim/robot-spec.ts';
import { mat4, mat4FromPose, mat4FromRows, mat4Mul, mat4ToQuat, type Mat4 } from '../../sim/math/mat4.ts';

export class LinkPoses {
  private readonly base: Mat4;
  private readonly origins: Mat4[];
  private readonly world: Mat4[];
  private readonly motion = mat4();
  private readonly tmp = mat4();
  private readonly quat = new Float64Array(4);
  private readonly toolTip: Mat4;

  constructor(private readonly spec: RobotSpec, base: { p: ArrayLike<number>; q: ArrayLike<number> }) {
    this.base = mat4FromPose(mat4(), base.p, base.q);
    this.origins = spec.links.map((l) => mat4FromRows(l.origin));
    this.world = spec.links.map(() => mat4());
    this.toolTip = mat4FromRows(spec.toolTip);
  }

  /** Fills `out` with 7 numbers per link [x,y,z,qx,qy,qz,qw] (the layout of protocol.ts `RobotState.links`). */
  compute(q: ArrayLike<number>, out: Float64Array | number[]): void {
    const { spec } = this;
    spec.links.forEach((link, i) => {
      const parent = link.parent < 0 ? this.base : this.world[link.parent];
      const v = link.drive.gain * (q[link.drive.joint] ?? 0);
      jointMotion(this.motion, link.axis, spec.joints[link.drive.joint].type === 'prismatic', v);
      mat4Mul(this.tmp, parent, this.origins[i]);
      mat4Mul(this.world[i], this.tmp, this.motion);
      const m = this.world[i];
      mat4ToQuat(this.quat, m);
      const o = 7 * i;
      out[o] = m[3]; out[o + 1] = m[7]; out[o + 2] = m[11];
      out[o + 3] = this.quat[0]; out[o + 4] = this.quat[1]; out[o + 5] = this.quat[2]; out[o + 6] = this.quat[3];
    });
  }

  /** Tool tip (PSM) or camera (ECM) world position after `compute`: the last DH frame times the tool-tip offset. */
  tipPosition(): [number, number, number] {
    mat4Mul(this.tmp, this.world[this.spec.tipLink], this.toolTip);
    return [this.tmp[3], this.tmp[7], this.tmp[11]];
  }

  /** The same as a pose [x,y,z,qx,qy,qz,qw] (the layout of protocol.ts `RobotState.tip`). */
  tipPose(): number[] {
    mat4Mul(this.tmp, this.world[this.spec.tipLink], this.toolTip);
    mat4ToQuat(this.quat, this.tmp);
    return [this.tmp[3], this.tmp[7], this.tmp[11], this.quat[0], this.quat[1], this.quat[2], this.quat[3]];
  }
}

function jointMotion(out: Mat4, axis: readonly number[], prismatic: boolean, v: number): void {
  out.fill(0);
  out[0] = out[5] = out[10] = out[15] = 1;
  const [x, y, z] = axis;
  if (prismatic) {
    out[3] = x * v; out[7] = y * v; out[11] = z * v;
    return;
  }
  const c = Math.cos(v), s = Math.sin(v), t = 1 - c;
  out[0] = t * x * x + c; out[1] = t * x * y - s * z; out[2] = t * x * z + s * y;
  out[4] = t * x * y + s * z; out[5] = t * y * y + c; out[6] = t * y * z - s * x;
  out[8] = t * x * z - s * y; out[9] = t * y * z + s * x; out[10] = t * z * z + c;
}
