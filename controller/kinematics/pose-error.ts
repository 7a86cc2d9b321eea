// The error between two poses (row-major 4×4, same reference frame) as a 6-vector [Δp; Δr]:
// Δp = p_target − p_current, Δr = rotation vector of R_target·R_currentᵀ (the rotation, expressed in the
// reference frame, that carries the current orientation onto the target). This is the quantity the
// geometric Jacobian [v; ω] maps joint velocities onto, to first order.
import type { Mat4 } from '../../sim/math/mat4.ts';

export class PoseError {
  /** Writes [Δp; Δr] into out[0..5]. Allocation-free (scalar arithmetic only: it runs every tick). */
  compute(out: Float64Array, target: Mat4, current: Mat4): void {
    out[0] = target[3] - current[3];
    out[1] = target[7] - current[7];
    out[2] = target[11] - current[11];
    // M = R_target · R_currentᵀ, then its quaternion (Shepperd) and rotation vector.
    const t0 = target[0], t1 = target[1], t2 = target[2], t4 = target[4], t5 = target[5], t6 = target[6], t8 = target[8], t9 = target[9], t10 = target[10];
    const c0 = current[0], c1 = current[1], c2 = current[2], c4 = current[4], c5 = current[5], c6 = current[6], c8 = current[8], c9 = current[9], c10 = current[10];
    const m00 = t0 * c0 + t1 * c1 + t2 * c2, m01 = t0 * c4 + t1 * c5 + t2 * c6, m02 = t0 * c8 + t1 * c9 + t2 * c10;
    const m10 = t4 * c0 + t5 * c1 + t6 * c2, m11 = t4 * c4 + t5 * c5 + t6 * c6, m12 = t4 * c8 + t5 * c9 + t6 * c10;
    const m20 = t8 * c0 + t9 * c1 + t10 * c2, m21 = t8 * c4 + t9 * c5 + t10 * c6, m22 = t8 * c8 + t9 * c9 + t10 * c10;
    let x: number, y: number, z: number, w: number;
    const tr = m00 + m11 + m22;
    if (tr > 0) {
      const k = Math.sqrt(tr + 1) * 2;
      w = 0.25 * k; x = (m21 - m12) / k; y = (m02 - m20) / k; z = (m10 - m01) / k;
    } else if (m00 > m11 && m00 > m22) {
      const k = Math.sqrt(1 + m00 - m11 - m22) * 2;
      w = (m21 - m12) / k; x = 0.25 * k; y = (m01 + m10) / k; z = (m02 + m20) / k;
    } else if (m11 > m22) {
      const k = Math.sqrt(1 + m11 - m00 - m22) * 2;
      w = (m02 - m20) / k; x = (m01 + m10) / k; y = 0.25 * k; z = (m12 + m21) / k;
    } else {
      const k = Math.sqrt(1 + m22 - m00 - m11) * 2;
      w = (m10 - m01) / k; x = (m02 + m20) / k; y = (m12 + m21) / k; z = 0.25 * k;
    }
    if (w < 0) { x = -x; y = -y; z = -z; w = -w; }
    // Rotation vector, shortest way.
    const sn = Math.sqrt(x * x + y * y + z * z);
    const f = sn < 1e-12 ? 2 / (w || 1) : (2 * Math.atan2(sn, w)) / sn;
    out[3] = x * f;
    out[4] = y * f;
    out[5] = z * f;
  }
}
