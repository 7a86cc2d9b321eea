// Gravity compensation: the joint torques that hold the arm still against gravity,
// τ_j = −Σ_links m·gᵀ·∂p_com/∂q_j, from the DH frames of the chain and the link masses of the spec.
import type { RobotSpec } from '../../sim/robot-spec.ts';
import type { DhChain } from './dh-chain.ts';

export class GravityCompensation {
  private readonly chain: DhChain;
  private readonly spec: RobotSpec;
  /** Per arm link: the DH frame index it rides on, and its mass including links carried rigidly with it. */
  private readonly frameOf: Int32Array;
  private readonly mass: Float64Array;
  private readonly com: Float64Array;
  private readonly g = new Float64Array(3);
  private readonly pc = new Float64Array(3);

  /** `gravityBase`: gravity in the robot base frame, m/s². */
  constructor(spec: RobotSpec, chain: DhChain, gravityBase: readonly [number, number, number]) {
    this.spec = spec;
    this.chain = chain;
    this.g.set(gravityBase);
    const n = spec.links.length;
    this.frameOf = new Int32Array(n);
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

  /** Writes the holding torque/force of each chain joint into `out` (length ≥ dof). Call after nothing else used the chain's frames. */
  compute(q: ArrayLike<number>, out: Float64Array): Float64Array {
    const chain = this.chain;
    chain.frames(q);
    const dof = chain.dof;
    for (let j = 0; j < dof; j++) out[j] = 0;
    const links = this.spec.links;
    const g = this.g, pc = this.pc;
    for (let i = 0; i < links.length; i++) {
      const m = this.mass[i];
      if (m === 0) continue;
      const F = chain.frame(this.frameOf[i]);
      const cx = this.com[3 * i], cy = this.com[3 * i + 1], cz = this.com[3 * i + 2];
      pc[0] = F[0] * cx + F[1] * cy + F[2] * cz + F[3];
      pc[1] = F[4] * cx + F[5] * cy + F[6] * cz + F[7];
      pc[2] = F[8] * cx + F[9] * cy + F[10] * cz + F[11];
      const fx = -m * g[0], fy = -m * g[1], fz = -m * g[2]; // force the joints must supply
      const last = this.frameOf[i];
      for (let j = 0; j < last; j++) {
        const J = chain.frame(j + 1);
        const zx = J[2], zy = J[6], zz = J[10];
        if (this.spec.joints[j].type === 'prismatic') {
          out[j] += zx * fx + zy * fy + zz * fz;
        } else {
          const rx = pc[0] - J[3], ry = pc[1] - J[7], rz = pc[2] - J[11];
          // τ = z · (r × f)
          out[j] += zx * (ry * fz - rz * fy) + zy * (rz * fx - rx * fz) + zz * (rx * fy - ry * fx);
        }
      }
    }
    return out;
  }
}
