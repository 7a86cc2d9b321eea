// Gravity compensation against physics: the holding torque of each joint is −∂V/∂q of the arm's potential
// energy V(q) = −Σ m·gᵀ·p_com(q), taken numerically from the DH frames (independent of the code under test).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GravityCompensation } from './gravity.ts';
import { createPsmKinematics, PSM_CHAIN_DOF } from './psm-kinematics.ts';
import { PSM_SPEC } from '../../sim/robots/psm.ts';

const deg = Math.PI / 180;
const num = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });

/** V(q) for gravity g (base frame): every link's mass at its centre of mass, fingers at the last frame's origin. */
function potential(q: readonly number[], g: readonly number[]): number {
  const chain = createPsmKinematics();
  chain.frames(q);
  let v = 0;
  PSM_SPEC.links.forEach((link, i) => {
    const f = Math.min(i + 1, PSM_CHAIN_DOF);
    const F = chain.frame(f);
    const c = i + 1 <= PSM_CHAIN_DOF ? link.com : [0, 0, 0];
    const p = [0, 1, 2].map((r) => F[4 * r] * c[0] + F[4 * r + 1] * c[1] + F[4 * r + 2] * c[2] + F[4 * r + 3]);
    v -= link.mass * (g[0] * p[0] + g[1] * p[1] + g[2] * p[2]);
  });
  return v;
}

describe('gravity compensation', () => {
  it('equals ∂V/∂q (the torque that holds the arm) for any pose and direction of gravity', () => {
    fc.assert(
      fc.property(
        fc.tuple(num(-80 * deg, 80 * deg), num(-50 * deg, 50 * deg), num(0.05, 0.23), num(-3, 3), num(-70 * deg, 70 * deg), num(-70 * deg, 70 * deg)),
        fc.tuple(num(-1, 1), num(-1, 1), num(-1, 1)).filter((v) => Math.hypot(...v) > 0.1),
        (q, dir) => {
          const n = Math.hypot(...dir);
          const g = dir.map((x) => (9.81 * x) / n) as [number, number, number];
          const tau = new GravityCompensation(PSM_SPEC, createPsmKinematics(), g).compute(q, new Float64Array(16));
          for (let j = 0; j < PSM_CHAIN_DOF; j++) {
            const h = 1e-6, qp = [...q], qm = [...q];
            qp[j] += h; qm[j] -= h;
            const dV = (potential(qp, g) - potential(qm, g)) / (2 * h);
            // The joint must supply +∂V/∂q to hold the arm still.
            expect(Math.abs(tau[j] - dV)).toBeLessThan(1e-6 + 1e-6 * Math.abs(dV));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
