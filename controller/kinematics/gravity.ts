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
  /** Per chain joint: 1 if prismatic (a force along z), 0 if revolute (a torque about z). */
  private readonly prismatic: Uint8Array;

  /** `gravityBase`: gravity in the robot base frame, m/s². */
  constructor(spec: RobotSpec, chain: DhChain, gravityBase: readonly [number, number, number]) {
    this.chain = chain;
    this.g.set(gravityBase);
    const n = spec.links.length;
    this.prismatic = Uint8Array.from({ length: chain.dof }, (_, j) => (spec.joints[j].type === 'prismatic' ? 1 : 0));
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
    const nLinks = this.mass.length;
    const g = this.g, prismatic = this.prismatic;
    const gx = g[0], gy = g[1], gz = g[2];
    for (let i = 0; i < nLinks; i++) {
      const m = this.mass[i];
      if (m === 0) continue;
      const F = chain.frame(this.frameOf[i]);
      const cx = this.com[3 * i], cy = this.com[3 * i + 1], cz = this.com[3 * i + 2];
      const px = F[0] * cx + F[1] * cy + F[2] * cz + F[3];
      const py = F[4] * cx + F[5] * cy + F[6] * cz + F[7];
      const pz = F[8] * cx + F[9] * cy + F[10] * cz + F[11];
      const fx = -m * gx, fy = -m * gy, fz = -m * gz; // force the joints must supply
      const last = this.frameOf[i];
      for (let j = 0; j < last; j++) {
        const J = chain.frame(j + 1);
        const zx = J[2], zy = J[6], zz = J[10];
        if (prismatic[j] === 1) {
          out[j] += zx * fx + zy * fy + zz * fz;
        } else {
          const rx = px - J[3], ry = py - J[7], rz = pz - J[11];
          // τ = z · (r × f)
          out[j] += zx * (ry * fz - rz * fy) + zy * (rz * fx - rx * fz) + zz * (rx * fy - ry * fx);
        }
      }
    }
    return out;
  }
}
