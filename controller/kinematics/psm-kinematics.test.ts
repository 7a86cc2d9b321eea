// The PSM chain against the reference DH table (typed in here from ../shared/REFERENCE.md, not taken from
// PSM_DH), poses derived by hand, and the remote-centre-of-motion property.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expectClose, jointArb, mul, naiveDhProduct, qWithin, type M, type NaiveDhRow } from '../../test/naive-dh.ts';
import { DhChain } from './dh-chain.ts';
import { createPsmKinematics, shaftDistanceFromRcm } from './psm-kinematics.ts';

const deg = Math.PI / 180;


// REFERENCE.md, "dVRK patient-side manipulator (PSM), modified DH (Craig)", rows 1–6.
const TABLE: NaiveDhRow[] = [
  { prismatic: false, alpha: Math.PI / 2, A: 0, theta: 0, D: 0, offset: Math.PI / 2 }, // outer_yaw
  { prismatic: false, alpha: -Math.PI / 2, A: 0, theta: 0, D: 0, offset: -Math.PI / 2 }, // outer_pitch
  { prismatic: true, alpha: Math.PI / 2, A: 0, theta: 0, D: 0, offset: -0.4318 }, // outer_insertion
  { prismatic: false, alpha: 0, A: 0, theta: 0, D: 0.4162, offset: 0 }, // outer_roll
  { prismatic: false, alpha: -Math.PI / 2, A: 0, theta: 0, D: 0, offset: -Math.PI / 2 }, // outer_wrist_pitch
  { prismatic: false, alpha: -Math.PI / 2, A: 0.0091, theta: 0, D: 0, offset: -Math.PI / 2 }, // outer_wrist_yaw
];
const TOOL: M = [[0, -1, 0, 0], [0, 0, 1, 0], [-1, 0, 0, 0], [0, 0, 0, 1]];
const LOWER = [-91 * deg, -53 * deg, 0, -260 * deg, -80 * deg, -80 * deg];
const UPPER = [91 * deg, 53 * deg, 0.24, 260 * deg, 80 * deg, 80 * deg];

function referenceFk(q: readonly number[]): M {
  return mul(naiveDhProduct(TABLE, q), TOOL);
}

const qInLimits = qWithin(LOWER, UPPER);


describe('createPsmKinematics', () => {
  it('has the six arm joints with the reference limits and the 40 mm minimum insertion', () => {
    const c = createPsmKinematics();
    expect(c.dof).toBe(6);
    expectClose(c.limits.lower, LOWER, 1e-15);
    expectClose(c.limits.upper, UPPER, 1e-15);
    expect(c.minInsertion).toEqual({ joint: 2, value: 0.04 });
    expect(c.ikLower(2)).toBe(0.04);
    expect(c.ikUpper(2)).toBe(0.24);
  });
});

describe('PSM forward kinematics', () => {
  it('equals the DH table of REFERENCE.md multiplied out naively, for q within the limits', () => {
    const c = createPsmKinematics();
    const out = new Float64Array(16);
    fc.assert(
      fc.property(qInLimits, (q) => {
        c.fk(q, out);
        expectClose(out, referenceFk(q).flat(), 1e-12);
      }),
      { numRuns: 1000 },
    );
  });

  it('also equals it outside the limits (fk does not clamp)', () => {
    const c = createPsmKinematics();
    const out = new Float64Array(16);
    fc.assert(
      fc.property(fc.tuple(...LOWER.map(() => jointArb(-7, 7))), (q) => {
        c.fk(q, out);
        expectClose(out, referenceFk(q).flat(), 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  // Hand derivation at q = 0 (c = cos, s = sin; R_i is frame i's rotation in frame 0, columns = its axes):
  //   T1 = RotX(π/2)·RotZ(π/2)                 → R1 = [[0,-1,0],[0,0,-1],[1,0,0]]    (yaw axis z1 = −y0)
  //   T2 = RotX(−π/2)·RotZ(−π/2)               → R2 = [[0,0,-1],[-1,0,0],[0,1,0]]    (pitch axis z2 = −x0)
  //   T3 = RotX(π/2)·TransZ(q3 − 0.4318)       → R3 = [[0,-1,0],[-1,0,0],[0,0,-1]]   z3 = −z0: the shaft points down −z0,
  //        and the origin moves along z3:        p3 = (q3 − 0.4318)·z3
  //   T4 = TransZ(0.4162)                       → p4 = (q3 − 0.4318 + 0.4162)·z3 = (q3 − 0.0156)·z3   (the wrist)
  //   T5 = RotX(−π/2)·RotZ(−π/2)               → R5 = [[0,0,-1],[0,-1,0],[-1,0,0]]   x5 = −z0 = z3
  //   T6 = RotX(−π/2)·TransX(0.0091)·RotZ(−π/2) → p6 = p5 + 0.0091·x5 = (q3 − 0.0156 + 0.0091)·z3 = (q3 − 0.0065)·z3
  //        R6 = [[-1,0,0],[0,0,-1],[0,-1,0]]
  //   tool tip (no translation): R = R6·[[0,-1,0],[0,0,1],[-1,0,0]] = [[0,1,0],[1,0,0],[0,0,-1]]: tip z along the shaft, outward.
  // So at q = [0, 0, 0.12, 0, 0, 0] the tip is at (0, 0, −(0.12 − 0.4318 + 0.4162 + 0.0091)) = (0, 0, −0.1135).
  it('puts the tip at (0, 0, −0.1135) with the hand-derived orientation at the ready pose', () => {
    const c = createPsmKinematics();
    const t = c.fk([0, 0, 0.12, 0, 0, 0], new Float64Array(16));
    expectClose(t, [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, -1, -0.1135, 0, 0, 0, 1], 1e-15);
    // Frames along the way.
    expectClose(c.frame(3), [0, -1, 0, 0, -1, 0, 0, 0, 0, 0, -1, 0.4318 - 0.12, 0, 0, 0, 1], 1e-15);
    expectClose(c.frame(4), [0, -1, 0, 0, -1, 0, 0, 0, 0, 0, -1, -(0.12 - 0.0156), 0, 0, 0, 1], 1e-15);
  });

  // With yaw q1 and pitch q2 (R1 = [[−s1,−c1,0],[0,0,−1],[c1,−s1,0]], R12 = [[s2,c2,0],[0,0,1],[c2,−s2,0]],
  // z3 = (0,−1,0) in frame 2): z3 = R1·R12·(0,−1,0) = (s1·c2, −s2, −c1·c2). Positive yaw swings the shaft towards
  // +x0, positive pitch towards −y0. Roll, wrist and insertion do not change it; with the wrist pitch at 0, x5 = z4 = z3
  // whatever the roll, and the wrist yaw axis passes through the tip, so the tip is at (q3 − 0.0065)·z3.
  it('has the hand-derived shaft direction (s1·c2, −s2, −c1·c2) and the tip on the shaft when the wrist pitch is 0', () => {
    const c = createPsmKinematics();
    const t = new Float64Array(16);
    fc.assert(
      fc.property(qInLimits, ([q1, q2, q3, q4, , q6]) => {
        c.fk([q1, q2, q3, q4, 0, q6], t);
        const z: [number, number, number] = [Math.sin(q1) * Math.cos(q2), -Math.sin(q2), -Math.cos(q1) * Math.cos(q2)];
        const f3 = c.frame(3), f4 = c.frame(4);
        expectClose([f3[2], f3[6], f3[10]], z, 1e-14);
        expectClose([f4[2], f4[6], f4[10]], z, 1e-14);
        expectClose([t[3], t[7], t[11]], z.map((v) => (q3 - 0.0065) * v), 1e-14);
        // With the wrist yaw at 0 too, the tip's z (along the jaws) continues the shaft.
        c.fk([q1, q2, q3, q4, 0, 0], t);
        expectClose([t[2], t[6], t[10]], z, 1e-14);
      }),
      { numRuns: 300 },
    );
    // Yaw = pitch = 0: the shaft is −z0.
    c.fk([0, 0, 0.2, 1.1, 0, -0.7], t);
    expectClose([c.frame(3)[2], c.frame(3)[6], c.frame(3)[10]], [0, 0, -1], 1e-15);
  });

  // Wrist pitch q5 alone (yaw = pitch = roll = 0): R45 = RotX(−π/2)·RotZ(q5 − π/2) = [[s5,c5,0],[0,0,1],[c5,−s5,0]],
  // x5 = R4·(s5, 0, c5) = (0, −s5, −c5), so tip = p4 + 0.0091·x5 = (0, −0.0091·s5, −(q3 − 0.0156) − 0.0091·c5).
  it('swings the tip by the 9.1 mm wrist offset in the hand-derived direction', () => {
    const c = createPsmKinematics();
    const t = new Float64Array(16);
    for (const [q3, q5] of [[0.12, 0.5], [0.2, -1.2], [0.05, 80 * deg]]) {
      c.fk([0, 0, q3, 0, q5, 0.3], t);
      expectClose([t[3], t[7], t[11]], [0, -0.0091 * Math.sin(q5), -(q3 - 0.0156) - 0.0091 * Math.cos(q5)], 1e-15);
    }
  });
});

describe('remote centre of motion', () => {
  it('the shaft axis (through frame 3 along z3, and through frame 4) passes through the RCM for any q', () => {
    const c = createPsmKinematics();
    fc.assert(
      fc.property(fc.tuple(jointArb(-4, 4), jointArb(-4, 4), jointArb(-0.1, 0.5), jointArb(-7, 7), jointArb(-4, 4), jointArb(-4, 4)), (q) => {
        expect(shaftDistanceFromRcm(c, q)).toBeLessThanOrEqual(1e-12);
        // Frame 4 (the wrist, after roll) lies on the same line and shares its direction.
        const f3 = c.frame(3), f4 = c.frame(4);
        const zx = f3[2], zy = f3[6], zz = f3[10];
        const px = f4[3], py = f4[7], pz = f4[11];
        expect(Math.hypot(py * zz - pz * zy, pz * zx - px * zz, px * zy - py * zx)).toBeLessThanOrEqual(1e-12);
        expectClose([f4[2], f4[6], f4[10]], [zx, zy, zz], 1e-15);
      }),
      { numRuns: 1000 },
    );
  });

  it('the distance function measures: a shaft frame moved off the RCM is seen', () => {
    const c = createPsmKinematics();
    expect(shaftDistanceFromRcm(c, [0.3, 0.2, 0.1, 0, 0, 0])).toBeLessThan(1e-12);
    // Not the PSM: give the first joint an offset A = 5 mm, so the shaft misses the origin.
    const rows = c.rows.map((r, i) => (i === 0 ? { ...r, a: 0.005 } : r));
    const moved = new DhChain(rows, [[0, -1, 0, 0], [0, 0, 1, 0], [-1, 0, 0, 0], [0, 0, 0, 1]], c.limits);
    expect(shaftDistanceFromRcm(moved, [0.3, 0.2, 0.1, 0, 0, 0])).toBeGreaterThan(1e-3);
  });
});
