// DhChain on the PSM: the Jacobian against finite differences, the IK round trip, limits, and robustness.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DhChain, type IkResult } from './dh-chain.ts';
import { choleskyFactor, choleskySolve, solveDamped6 } from './linalg.ts';
import { createPsmKinematics } from './psm-kinematics.ts';
import { PSM_DH, PSM_TOOL_TIP } from '../../sim/robots/psm.ts';

const deg = Math.PI / 180;
const LOWER = [-91 * deg, -53 * deg, 0, -260 * deg, -80 * deg, -80 * deg];
const UPPER = [91 * deg, 53 * deg, 0.24, 260 * deg, 80 * deg, 80 * deg];

const num = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
/** q within the limits, insertion ≥ 5 cm, wrist joints 10° away from their ±80° limits. */
const qWorkspace = fc.tuple(num(LOWER[0], UPPER[0]), num(LOWER[1], UPPER[1]), num(0.05, 0.24), num(LOWER[3], UPPER[3]), num(-70 * deg, 70 * deg), num(-70 * deg, 70 * deg));
/** A unit perturbation per joint, scaled by the caller. */
const unit6 = fc.tuple(num(-1, 1), num(-1, 1), num(-1, 1), num(-1, 1), num(-1, 1), num(-1, 1));

// ---- helpers on plain numbers (independent of the code under test)

function rot(m: ArrayLike<number>): number[][] {
  return [[m[0], m[1], m[2]], [m[4], m[5], m[6]], [m[8], m[9], m[10]]];
}

/** Angle of Ra·Rbᵀ, rad. */
function rotationAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const A = rot(a), B = rot(b);
  let tr = 0;
  for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) tr += A[i][k] * B[i][k];
  const c = Math.min(1, Math.max(-1, (tr - 1) / 2));
  // acos is ill-conditioned near 0; use the skew part there.
  let sx = 0, sy = 0, sz = 0;
  for (let k = 0; k < 3; k++) {
    sx += A[2][k] * B[1][k] - A[1][k] * B[2][k];
    sy += A[0][k] * B[2][k] - A[2][k] * B[0][k];
    sz += A[1][k] * B[0][k] - A[0][k] * B[1][k];
  }
  return Math.atan2(Math.hypot(sx, sy, sz) / 2, c);
}

function positionDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[3] - b[3], a[7] - b[7], a[11] - b[11]);
}

/** Determinant of a 6×6 row-major matrix, by Gaussian elimination with partial pivoting. */
function det6(m: Float64Array): number {
  const a = Array.from({ length: 6 }, (_, r) => Array.from(m.subarray(r * 6, r * 6 + 6)));
  let det = 1;
  for (let col = 0; col < 6; col++) {
    let piv = col;
    for (let r = col + 1; r < 6; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    if (piv !== col) { [a[piv], a[col]] = [a[col], a[piv]]; det = -det; }
    det *= a[col][col];
    if (a[col][col] === 0) return 0;
    for (let r = col + 1; r < 6; r++) {
      const f = a[r][col] / a[col][col];
      for (let k = col; k < 6; k++) a[r][k] -= f * a[col][k];
    }
  }
  return det;
}

function expectFiniteWithin(chain: DhChain, q: ArrayLike<number>): void {
  for (let i = 0; i < chain.dof; i++) {
    expect(Number.isFinite(q[i]), `q[${i}] = ${q[i]}`).toBe(true);
    expect(q[i]).toBeGreaterThanOrEqual(chain.limits.lower[i]);
    expect(q[i]).toBeLessThanOrEqual(chain.limits.upper[i]);
  }
  expect(q[2]).toBeGreaterThanOrEqual(0.04);
}

describe('jacobian', () => {
  it('matches central finite differences of fk, position and orientation', () => {
    const c = createPsmKinematics();
    const J = new Float64Array(36);
    const tp = new Float64Array(16), tm = new Float64Array(16);
    const h = 1e-6;
    fc.assert(
      fc.property(fc.tuple(num(-1.6, 1.6), num(-0.95, 0.95), num(0, 0.24), num(-4.5, 4.5), num(-1.4, 1.4), num(-1.4, 1.4)), (q) => {
        c.jacobian(q, J);
        for (let j = 0; j < 6; j++) {
          const qp = [...q], qm = [...q];
          qp[j] += h; qm[j] -= h;
          c.fk(qp, tp);
          c.fk(qm, tm);
          // Linear velocity.
          const v = [(tp[3] - tm[3]) / (2 * h), (tp[7] - tm[7]) / (2 * h), (tp[11] - tm[11]) / (2 * h)];
          // Angular velocity: ω ≈ vee(skew part of R+·R−ᵀ) / (2h) (the angle is ~1e-6, so sin θ = θ to 1e-13).
          const P = rot(tp), Mm = rot(tm);
          const RR = (i: number, k: number) => P[i][0] * Mm[k][0] + P[i][1] * Mm[k][1] + P[i][2] * Mm[k][2];
          const w = [(RR(2, 1) - RR(1, 2)) / (4 * h), (RR(0, 2) - RR(2, 0)) / (4 * h), (RR(1, 0) - RR(0, 1)) / (4 * h)];
          for (let r = 0; r < 3; r++) {
            expect(Math.abs(J[r * 6 + j] - v[r]), `J[${r}][${j}] at q=${q}`).toBeLessThanOrEqual(1e-6);
            expect(Math.abs(J[(r + 3) * 6 + j] - w[r]), `J[${r + 3}][${j}] at q=${q}`).toBeLessThanOrEqual(1e-6);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('ik', () => {
  it('round-trips fk from a seed perturbed by up to 0.2 rad / 20 mm', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16), got = new Float64Array(16), qOut = new Float64Array(6);
    fc.assert(
      fc.property(qWorkspace, unit6, (q, p) => {
        c.fk(q, target);
        const seed = q.map((v, i) => v + p[i] * (i === 2 ? 0.02 : 0.2));
        const r = c.ik(target, seed, qOut, { maxIterations: 50 });
        expect(r.converged, `q=${q} seed=${seed} ${JSON.stringify(r)}`).toBe(true);
        expectFiniteWithin(c, qOut);
        c.fk(qOut, got);
        expect(positionDistance(got, target)).toBeLessThanOrEqual(1e-6);
        expect(rotationAngle(got, target)).toBeLessThanOrEqual(1e-5);
        // The reported errors are honest.
        expect(Math.abs(r.positionError - positionDistance(got, target))).toBeLessThanOrEqual(1e-12);
        expect(Math.abs(r.orientationError - rotationAngle(got, target))).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 400 },
    );
  });

  it('converges from the ready pose to targets in a working volume, given enough iterations', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16), got = new Float64Array(16), qOut = new Float64Array(6);
    const ready = [0, 0, 0.12, 0, 0, 0];
    // Yaw ±57°, pitch ±46°, insertion 5–23 cm, roll ±115°, wrist ±63°.
    const volume = fc.tuple(num(-1, 1), num(-0.8, 0.8), num(0.05, 0.23), num(-2, 2), num(-1.1, 1.1), num(-1.1, 1.1));
    fc.assert(
      fc.property(volume, (q) => {
        c.fk(q, target);
        const r = c.ik(target, ready, qOut, { maxIterations: 100 });
        expect(r.converged, `q=${q} ${JSON.stringify(r)}`).toBe(true);
        expectFiniteWithin(c, qOut);
        c.fk(qOut, got);
        expect(positionDistance(got, target)).toBeLessThanOrEqual(1e-6);
        expect(rotationAngle(got, target)).toBeLessThanOrEqual(1e-5);
      }),
      { numRuns: 300 },
    );
  });

  /** Follows a smooth joint-space trajectory (speed scaled by `speed`) through fk, at 1 kHz, warm-starting each tick. */
  function track(speed: number): { maxIterations: number; maxStep: number } {
    const c = createPsmKinematics();
    const target = new Float64Array(16), prev = new Float64Array(16);
    const qTrue = [0, 0, 0, 0, 0, 0];
    const at = (k: number): number[] => {
      const t = k * 1e-3 * speed;
      qTrue[0] = 0.1 + 0.05 * Math.sin(t);
      qTrue[1] = -0.2 + 0.05 * Math.cos(t) - 0.05;
      qTrue[2] = 0.12 + 0.01 * Math.sin(1.5 * t);
      qTrue[3] = 0.3 + 0.2 * Math.sin(0.5 * t);
      qTrue[4] = 0.2 + 0.2 * Math.sin(0.75 * t);
      qTrue[5] = -0.1 + 0.2 * Math.cos(0.75 * t) - 0.2;
      return qTrue;
    };
    const q = Float64Array.from(at(0));
    let maxIterations = 0, maxStep = 0;
    c.fk(q, prev);
    for (let k = 1; k <= 2000; k++) {
      c.fk(at(k), target);
      maxStep = Math.max(maxStep, positionDistance(target, prev));
      prev.set(target);
      const r = c.ik(target, q, q); // qOut aliases the seed
      expect(r.converged, `tick ${k}`).toBe(true);
      expect(r.limited).toBe(false);
      maxIterations = Math.max(maxIterations, r.iterations);
    }
    // An unchanged target costs no step at all.
    expect(c.ik(target, q, q).iterations).toBe(0);
    return { maxIterations, maxStep };
  }

  it('tracks a target moving µm per tick in one iteration per tick, warm-started from the last solution', () => {
    const slow = track(1);
    expect(slow.maxStep).toBeGreaterThan(1e-5); // up to ~16 µm per tick (16 mm/s)
    expect(slow.maxStep).toBeLessThan(2e-5);
    expect(slow.maxIterations).toBe(1);
    const fast = track(10);
    expect(fast.maxStep).toBeGreaterThan(1e-4); // up to ~160 µm per tick (16 cm/s, a quick hand)
    expect(fast.maxIterations).toBeLessThanOrEqual(2);
  });

  it('leaves frame(i) and tip() at the solution', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16), qOut = new Float64Array(6), check = new Float64Array(16);
    c.fk([0.2, 0.1, 0.1, 0.4, -0.3, 0.2], target);
    c.ik(target, [0.25, 0.05, 0.11, 0.3, -0.2, 0.3], qOut);
    const tip = Float64Array.from(c.tip());
    const f4 = Float64Array.from(c.frame(4));
    c.fk(qOut, check);
    expect(Array.from(tip)).toEqual(Array.from(check));
    expect(Array.from(f4)).toEqual(Array.from(c.frame(4)));
  });
});

describe('frames kept for the configuration the chain holds', () => {
  // The loop's gravity model computes the chain's frames at the joint command, and the next tick's IK starts
  // from that command on the same chain: it must find exactly the frames a fresh chain computes, and nothing
  // stale when the joints differ, by however little.
  const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => Array.from(a).every((x, i) => Object.is(x, b[i]));

  it('gives the IK bit for bit the answer of a fresh chain, whatever configuration the frames were left at', () => {
    fc.assert(
      fc.property(qWorkspace, qWorkspace, unit6, fc.boolean(), (seed, other, d, warm) => {
        const target = new Float64Array(16);
        createPsmKinematics().fk(seed.map((x, i) => x + d[i] * (i === 2 ? 0.002 : 0.02)), target);
        const shared = createPsmKinematics(), fresh = createPsmKinematics();
        shared.frames(warm ? seed : other); // left at the seed (reused) or elsewhere (recomputed)
        const a = new Float64Array(6), b = new Float64Array(6);
        const ra = { ...shared.ik(target, seed, a, { maxIterations: 1, trustLastStep: true }) };
        const rb = { ...fresh.ik(target, seed, b, { maxIterations: 1, trustLastStep: true }) };
        expect(same(a, b)).toBe(true);
        expect(ra).toEqual(rb);
        // And a full solve (trial frames swapped in and out) on the chain the first one left behind.
        const ta = new Float64Array(6), tb = new Float64Array(6);
        shared.ik(target, other, ta);
        fresh.ik(target, other, tb);
        expect(same(ta, tb)).toBe(true);
        expect(same(shared.tip(), fresh.tip())).toBe(true);
        // Its accepted steps swapped the trial frames in: asked for the seed's frames again, it must not
        // hand back the solution's.
        const fa = new Float64Array(16), fb = new Float64Array(16);
        shared.fk(other, fa);
        createPsmKinematics().fk(other, fb);
        expect(same(fa, fb)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('recomputes when any joint differs, even in the last bit or in the caller\'s own array changed in place', () => {
    const c = createPsmKinematics(), check = createPsmKinematics();
    const q = [0.2, 0.1, 0.1, 0.4, -0.3, 0.2];
    const out = new Float64Array(16), want = new Float64Array(16);
    c.frames(q);
    for (let j = 0; j < 6; j++) {
      q[j] = q[j] + Math.abs(q[j]) * Number.EPSILON * 4; // a few ulps
      c.fk(q, out);
      check.fk(q, want);
      expect(same(out, want), `joint ${j}`).toBe(true);
    }
    const back = [...q];
    c.fk(back, out);
    expect(same(out, want)).toBe(true);
  });
});

describe('ik at the limits', () => {
  const qOut = new Float64Array(6);

  function solve(c: DhChain, target: Float64Array, seed: readonly number[]): IkResult {
    const r = c.ik(target, seed, qOut, { maxIterations: 100 });
    expectFiniteWithin(c, qOut);
    expect(Number.isFinite(r.positionError) && Number.isFinite(r.orientationError)).toBe(true);
    return { ...r };
  }

  it('stops at the maximum insertion for a target 3 cm deeper than reach', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16);
    c.fk([0.2, -0.1, 0.24, 0.3, 0.2, -0.1], target);
    for (let k = 0; k < 3; k++) target[3 + 4 * k] += 0.03 * target[2 + 4 * k]; // 3 cm further along the tip's z
    const r = solve(c, target, [0.2, -0.1, 0.2, 0.3, 0.2, -0.1]);
    expect(r.limited).toBe(true);
    expect(r.converged).toBe(false);
    expect(qOut[2]).toBe(0.24);
    expect(r.positionError).toBeGreaterThan(0.025);
    expect(r.positionError).toBeLessThan(0.031);
  });

  it('stops at the pitch limit (53°) for a target that needs 65°', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16);
    c.fk([0.2, 65 * deg, 0.15, 0.3, 0.2, -0.1], target); // fk does not clamp
    const r = solve(c, target, [0, 0, 0.12, 0, 0, 0]);
    expect(r.limited).toBe(true);
    expect(r.converged).toBe(false);
    expect(qOut[1]).toBeCloseTo(53 * deg, 12);
  });

  it('keeps the insertion at 40 mm or more for a target next to the RCM', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16);
    c.fk([0.2, 0.3, 0.01, 0.3, 0.2, -0.1], target);
    const r = solve(c, target, [0, 0, 0.12, 0, 0, 0]);
    expect(r.limited).toBe(true);
    expect(qOut[2]).toBe(0.04);
  });

  it('returns a bounded, finite answer that is never worse than the (clamped) seed, for any target pose', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16);
    const seedArb = fc.tuple(num(-2, 2), num(-1.2, 1.2), num(-0.1, 0.4), num(-5, 5), num(-1.6, 1.6), num(-1.6, 1.6));
    const quatArb = fc.tuple(num(-1, 1), num(-1, 1), num(-1, 1), num(-1, 1)).filter((v) => Math.hypot(...v) > 0.1);
    fc.assert(
      fc.property(fc.tuple(num(-0.3, 0.3), num(-0.3, 0.3), num(-0.4, 0.2)), quatArb, seedArb, (p, qu, seed) => {
        const n = Math.hypot(...qu);
        const [x, y, z, w] = qu.map((v) => v / n);
        target.set([
          1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), p[0],
          2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), p[1],
          2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), p[2],
          0, 0, 0, 1,
        ]);
        const before = { ...c.ik(target, seed, qOut, { maxIterations: 0 }) };
        const after = solve(c, target, seed);
        const cost = (r: IkResult) => r.positionError ** 2 + 0.01 * r.orientationError ** 2; // default weight 0.1 m/rad
        expect(cost(after)).toBeLessThanOrEqual(cost(before));
        if (!after.converged) expect(after.iterations).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('clamps a seed outside the limits and replaces a non-finite one', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16);
    c.fk([0, 0, 0.12, 0, 0, 0], target);
    const r0 = c.ik(target, [3, -3, 0.5, 9, 2, -2], qOut, { maxIterations: 0 });
    expect(r0.limited).toBe(true);
    expect(Array.from(qOut)).toEqual([91 * deg, -53 * deg, 0.24, 260 * deg, 80 * deg, -80 * deg]);
    const r1 = solve(c, target, [NaN, Infinity, NaN, -Infinity, NaN, 0]);
    expect(r1.converged).toBe(true);
  });

  it('does not touch the joints for a non-finite target', () => {
    const c = createPsmKinematics();
    const target = new Float64Array(16);
    c.fk([0, 0, 0.12, 0, 0, 0], target);
    target[7] = NaN;
    const r = c.ik(target, [0.1, 0.2, 0.1, 0.3, 0.4, 0.5], qOut);
    expect(Array.from(qOut)).toEqual([0.1, 0.2, 0.1, 0.3, 0.4, 0.5]);
    expect(r.converged).toBe(false);
    expect(r.positionError).toBe(Infinity);
  });
});

describe('ik near and at singularities', () => {
  // The PSM limits keep the wrist pitch within ±80°; at ±90° the wrist-yaw axis lines up with the roll axis
  // (the arm is then only nearly singular: yaw and pitch can make up for it through the 9.1 mm wrist link,
  // smallest singular value ≈ 0.006). A chain with wider wrist limits puts the solver right there.
  const wide = new DhChain(PSM_DH, PSM_TOOL_TIP, { lower: [-1.6, -0.95, 0, -4.5, -Math.PI, -Math.PI], upper: [1.6, 0.95, 0.24, 4.5, Math.PI, Math.PI] });
  const aligned = [0.1, 0.1, 0.12, 0.3, Math.PI / 2, 0.2];

  it('at wrist pitch 90° the roll and wrist-yaw axes are parallel', () => {
    const J = new Float64Array(36);
    wide.jacobian(aligned, J);
    const w3 = [J[18 + 3], J[24 + 3], J[30 + 3]], w5 = [J[18 + 5], J[24 + 5], J[30 + 5]];
    expect(Math.hypot(w3[1] * w5[2] - w3[2] * w5[1], w3[2] * w5[0] - w3[0] * w5[2], w3[0] * w5[1] - w3[1] * w5[0])).toBeLessThan(1e-12);
  });

  it('reaches targets from a seed with the roll and wrist-yaw axes aligned, without NaN', () => {
    const target = new Float64Array(16), got = new Float64Array(16), qOut = new Float64Array(6);
    fc.assert(
      fc.property(unit6, (p) => {
        const q = aligned.map((v, i) => v + p[i] * (i === 2 ? 0.01 : 0.3));
        wide.fk(q, target);
        const r = wide.ik(target, aligned, qOut, { maxIterations: 100 });
        for (const v of qOut) expect(Number.isFinite(v)).toBe(true);
        expect(r.converged, `${q} ${JSON.stringify(r)}`).toBe(true);
        wide.fk(qOut, got);
        expect(positionDistance(got, target)).toBeLessThanOrEqual(1e-6);
      }),
      { numRuns: 100 },
    );
    // A pure rotation about the shared axis, from the aligned seed.
    const q = [...aligned];
    q[5] += 0.05;
    wide.fk(q, target);
    expect(wide.ik(target, aligned, qOut, { maxIterations: 100 }).converged).toBe(true);
  });

  it('stays finite on an exactly singular seed: the wrist at the RCM (insertion 15.6 mm, below the PSM minimum)', () => {
    const J = new Float64Array(36), target = new Float64Array(16), qOut = new Float64Array(6);
    const atRcm = [0.2, -0.1, 0.0156, 0.3, 0.2, -0.1];
    // Yaw and pitch now turn the shaft about the wrist itself, and the Jacobian loses rank.
    wide.jacobian(atRcm, J);
    const dSingular = Math.abs(det6(J));
    wide.jacobian([0.2, -0.1, 0.06, 0.3, 0.2, -0.1], J);
    expect(dSingular).toBeLessThan(1e-12 * Math.abs(det6(J)));
    wide.fk([0.25, -0.05, 0.06, 0.35, 0.1, 0], target);
    const r = wide.ik(target, atRcm, qOut, { maxIterations: 100 });
    for (const v of qOut) expect(Number.isFinite(v)).toBe(true);
    expect(r.converged, JSON.stringify(r)).toBe(true);
    // Target exactly at the singular pose, seed next to it.
    wide.fk(atRcm, target);
    const r2 = wide.ik(target, [0.21, -0.09, 0.02, 0.31, 0.21, -0.09], qOut, { maxIterations: 100 });
    for (const v of qOut) expect(Number.isFinite(v)).toBe(true);
    expect(Number.isFinite(r2.positionError) && r2.positionError < 1e-3).toBe(true);
  });
});

describe('construction', () => {
  it('rejects mismatched limits and a minimum insertion on a revolute joint', () => {
    const lim = { lower: LOWER, upper: UPPER };
    expect(() => new DhChain(PSM_DH, PSM_TOOL_TIP, { lower: LOWER.slice(1), upper: UPPER })).toThrow(/limits/);
    expect(() => new DhChain(PSM_DH, PSM_TOOL_TIP, { lower: UPPER, upper: LOWER })).toThrow(/bad limits/);
    expect(() => new DhChain(PSM_DH, PSM_TOOL_TIP, lim, { minInsertion: { joint: 1, value: 0.04 } })).toThrow(/prismatic/);
    expect(() => new DhChain(PSM_DH, PSM_TOOL_TIP, lim, { minInsertion: { joint: 2, value: 0.5 } })).toThrow(/upper/);
  });
});

describe('cholesky', () => {
  it('solves symmetric positive-definite systems', () => {
    fc.assert(
      fc.property(fc.array(num(-1, 1), { minLength: 36, maxLength: 36 }), fc.array(num(-1, 1), { minLength: 6, maxLength: 6 }), (b, rhs) => {
        const A = new Float64Array(36);
        for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
          let s = i === j ? 0.1 : 0;
          for (let k = 0; k < 6; k++) s += b[i * 6 + k] * b[j * 6 + k];
          A[i * 6 + j] = s;
        }
        const L = Float64Array.from(A);
        expect(choleskyFactor(L, 6)).toBe(true);
        const x = Float64Array.from(rhs);
        choleskySolve(L, 6, x);
        for (let i = 0; i < 6; i++) {
          let s = 0;
          for (let k = 0; k < 6; k++) s += A[i * 6 + k] * x[k];
          expect(Math.abs(s - rhs[i])).toBeLessThan(1e-9);
        }
      }),
      { numRuns: 200 },
    );
    const notPd = new Float64Array(36);
    notPd[0] = 1; notPd[7] = -1;
    expect(choleskyFactor(notPd, 6)).toBe(false);
  });
});

describe('solveDamped6 (the IK\'s unrolled solve)', () => {
  it('solves (J·Jᵀ + λ²I)·x = b for 6 × n Jacobians like the generic Cholesky', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(num(-1, 1), { minLength: 48, maxLength: 48 }), fc.array(num(-1, 1), { minLength: 6, maxLength: 6 }), num(1e-8, 1),
        (n, jv, rhs, lambda2) => {
          const J = Float64Array.from(jv.slice(0, 6 * n));
          // J·Jᵀ first, then λ² on the diagonal, in that order: with λ² down at 1e-8 the system is ill-conditioned
          // (condition ~1e8), and summing in another order alone moves the answer by more than the tolerance.
          const A = new Float64Array(36);
          for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += J[i * n + k] * J[j * n + k];
            A[i * 6 + j] = i === j ? s + lambda2 : s;
          }
          const x = new Float64Array(6);
          expect(solveDamped6(J, n, lambda2, Float64Array.from(rhs), x)).toBe(true);
          const L = Float64Array.from(A), ref = Float64Array.from(rhs);
          expect(choleskyFactor(L, 6)).toBe(true);
          choleskySolve(L, 6, ref);
          for (let i = 0; i < 6; i++) expect(Math.abs(x[i] - ref[i])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(ref[i])));
        }),
      { numRuns: 300 },
    );
    const x = Float64Array.of(7, 7, 7, 7, 7, 7);
    expect(solveDamped6(new Float64Array(6), 1, 0, new Float64Array(6), x)).toBe(false);
    expect([...x]).toEqual([7, 7, 7, 7, 7, 7]);
  });
});

