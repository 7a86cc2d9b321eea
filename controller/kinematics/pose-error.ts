// The error between two poses (row-major 4×4, same reference frame) as a 6-vector [Δp; Δr]:
// Δp = p_target − p_current, Δr = rotation vector of R_target·R_currentᵀ (the rotation, expressed in the
// reference frame, that carries the current orientation onto the target). This is the quantity the
// geometric Jacobian [v; ω] maps joint velocities onto, to first order.
import { mat4, mat4InvertRigid, mat4Mul, mat4ToQuat, type Mat4 } from '../../sim/math/mat4.ts';
import { quatToRotvec } from '../../sim/math/quat.ts';

export class PoseError {
  private readonly inv: Mat4 = mat4();
  private readonly rel: Mat4 = mat4();
  private readonly quat = new Float64Array(4);
  private readonly rotvec = new Float64Array(3);

  /** Writes [Δp; Δr] into out[0..5]. Allocation-free. */
  compute(out: Float64Array, target: Mat4, current: Mat4): void {
    out[0] = target[3] - current[3];
    out[1] = target[7] - current[7];
    out[2] = target[11] - current[11];
    mat4InvertRigid(this.inv, current);
    mat4Mul(this.rel, target, this.inv); // rotation part = R_target·R_currentᵀ
    mat4ToQuat(this.quat, this.rel);
    quatToRotvec(this.rotvec, this.quat);
    out[3] = this.rotvec[0];
    out[4] = this.rotvec[1];
    out[5] = this.rotvec[2];
  }
}
