// Gravity compensation: the joint torques that hold the arm still against gravity,
// τ_j = −Σ_links m·gᵀ·∂p_com/∂q_j, from the DH frames of the chain and the link masses of the spec.
import type { RobotSpec } from '../../sim/robot-spec.ts';
import type { DhChain } from './dh-chain.ts';

export class GravityCompensation {
  private readonly chain: DhChain;
  /** Per arm link: the DH frame index it rides on, and its mass including links carried rigidly with it. */
  private readonly frameOf: Int32Array;
  private readonly mass: Float64Array;
  private readonly com: Float64Array;
  private readonly g = new Float64Array(3);
  /** Per DH frame: mass, then Σ m·p (scratch for `compute`). */
  private readonly acc: Float64Array;
  /** Per chain joint: 1 if prismatic (a force along z), 0 if revolute (a torque about z). */
  private readonly prismatic: Uint8Array;

  /** `gravityBase`: gravity in the robot base frame, m/s². */
  constructor(spec: RobotSpec, chain: DhChain, gravityBase: readonly [number, number, number]) {
    this.chain = chain;
    this.g.set(gravityBase);
    const n = spec.links.length;
    this.prismatic = Uint8Array.from({ length: chain.dof }, (_, j) => (spec.joints[j].type === 'prismatic' ? 1 : 0));
    this.frameOf = new Int32Array(n);
    this.acc = new Float64Array(4 * (chain.dof + 1));
    this.mass = new Float64Array(n);
    this.com = new Float64Array(3 * n);
    spec.links.forEach((link, i) => {
      // Arm links ride DH frame i+1; links past the chain (jaw fingers) ride the last frame (tiny masses).
      const f = Math.min(i + 1, chain.dof);
      this.frameOf[i] = f;
      this.mass[i] = link.mass;
      if (i + 1 <= chain.dof) this.com.set(link.com, 3 * i);
    });
  }

  /**
   * Writes the holding torque/force of each chain joint at configuration q into `out` (length ≥ dof). It leaves
   * the chain's frames at q: an IK on the same chain that next starts from q reuses them.
   */
  compute(q: ArrayLike<number>, out: Float64Array): Float64Array {
    const chain = this.chain;
    chain.frames(q);
    const dof = chain.dof;
    // Mass and first moment (Σ m·p) of the links on each frame; joint j carries every link on frames j+1 … dof,
    // so one pass from the tip inwards sums them: O(links + joints), not O(links · joints).
    const acc = this.acc;
    for (let k = 0; k < acc.length; k++) acc[k] = 0; // not fill(): a call into a generic builtin every tick
    const nLinks = this.mass.length;
    for (let i = 0; i < nLinks; i++) {
      const m = this.mass[i];
      if (m === 0) continue;
      const F = chain.frame(this.frameOf[i]);
      const cx = this.com[3 * i], cy = this.com[3 * i + 1], cz = this.com[3 * i + 2];
      const o = 4 * this.frameOf[i];
      acc[o] += m;
      acc[o + 1] += m * (F[0] * cx + F[1] * cy + F[2] * cz + F[3]);
      acc[o + 2] += m * (F[4] * cx + F[5] * cy + F[6] * cz + F[7]);
      acc[o + 3] += m * (F[8] * cx + F[9] * cy + F[10] * cz + F[11]);
    }
    const g = this.g, prismatic = this.prismatic;
    const gx = -g[0], gy = -g[1], gz = -g[2]; // per kg, the force the joints must supply
    let M = 0, sx = 0, sy = 0, sz = 0;
    for (let j = dof - 1; j >= 0; j--) {
      const o = 4 * (j + 1);
      M += acc[o]; sx += acc[o + 1]; sy += acc[o + 2]; sz += acc[o + 3];
      const J = chain.frame(j + 1);
      const zx = J[2], zy = J[6], zz = J[10];
      if (prismatic[j] === 1) {
        out[j] = M * (zx * gx + zy * gy + zz * gz);
      } else {
        // τ = z · (Σ m·(p − o)) × g', with Σ m·(p − o) = S − M·o
        const rx = sx - M * J[3], ry = sy - M * J[7], rz = sz - M * J[11];
        out[j] = zx * (ry * gz - rz * gy) + zy * (rz * gx - rx * gz) + zz * (rx * gy - ry * gx);
      }
    }
    return out;
  }
}
