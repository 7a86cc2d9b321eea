// The ECM chain against the reference DH table (typed in here from ../shared/REFERENCE.md, not taken from
// ECM_DH), poses derived by hand, the camera frame, and the remote-centre-of-motion property.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expectClose, mul, naiveDhProduct, qWithin, type M, type NaiveDhRow } from '../../test/naive-dh.ts';
import { createEcmKinematics } from './ecm-kinematics.ts';
import { ECM_SPEC } from '../../sim/robots/ecm.ts';

const deg = Math.PI / 180;


// REFERENCE.md, "dVRK endoscope camera manipulator (ECM), modified DH", rows 1–4.
const TABLE: NaiveDhRow[] = [
  { prismatic: false, alpha: Math.PI / 2, A: 0, D: 0, offset: Math.PI / 2 }, // yaw
  { prismatic: false, alpha: -Math.PI / 2, A: 0, D: 0, offset: -Math.PI / 2 }, // pitch
  { prismatic: true, alpha: Math.PI / 2, A: 0, D: 0, offset: -0.3822 }, // insertion
  { prismatic: false, alpha: 0, A: 0, D: 0.3829, offset: 0 }, // roll
];
const LOWER = [-90 * deg, -44 * deg, 0, -88 * deg];
const UPPER = [90 * deg, 65 * deg, 0.255, 88 * deg];
const EFFORT = [26.9, 26.9, 80.7, 0.88];

/** Frame 4 (the endoscope tip) in frame 0, multiplied out naively. */
function referenceFrame4(q: readonly number[]): M {
  return naiveDhProduct(TABLE, q);
}

const qInLimits = qWithin(LOWER, UPPER);


describe('ECM spec', () => {
  it('has the four joints with the reference ranges, efforts and the dVRK tracking-error limits', () => {
    expect(ECM_SPEC.joints.map((j) => j.name)).toEqual(['yaw', 'pitch', 'insertion', 'roll']);
    expect(ECM_SPEC.joints.map((j) => j.type)).toEqual(['revolute', 'revolute', 'prismatic', 'revolute']);
    expectClose(ECM_SPEC.joints.map((j) => j.lower), LOWER, 1e-15);
    expectClose(ECM_SPEC.joints.map((j) => j.upper), UPPER, 1e-15);
    expect(ECM_SPEC.joints.map((j) => j.effort)).toEqual(EFFORT);
    expect(ECM_SPEC.joints.map((j) => j.trackingErrorLimit)).toEqual([7 * deg, 7 * deg, 0.01, 7 * deg]);
    for (const l of ECM_SPEC.links) expect(l.mass).toBeGreaterThan(0);
    // Every link rides its own joint: the ready pose is inside the limits.
    ECM_SPEC.ready.forEach((q, j) => {
      expect(q).toBeGreaterThanOrEqual(LOWER[j]);
      expect(q).toBeLessThanOrEqual(UPPER[j]);
    });
  });
});

describe('ECM forward kinematics', () => {
  it('frame 4 equals the DH table of REFERENCE.md multiplied out naively, and the camera is frame 4 turned −90° about z', () => {
    const c = createEcmKinematics();
    expect(c.dof).toBe(4);
    const cam = new Float64Array(16);
    const turn: M = [[0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    fc.assert(
      fc.property(qInLimits, (q) => {
        c.fk(q, cam);
        const f4 = referenceFrame4(q);
        expectClose(c.frame(4), f4.flat(), 1e-12);
        expectClose(cam, mul(f4, turn).flat(), 1e-12);
      }),
      { numRuns: 1000 },
    );
  });

  // At q = 0 the rows give (as for the PSM's first four) z3 = z4 = −z0: the endoscope points straight down, and
  // the tip is at (q3 − 0.3822 + 0.3829)·z3 = (q3 + 0.0007)·(0, 0, −1). Yaw q1 and pitch q2 turn the shaft to
  // (s1·c2, −s2, −c1·c2); roll and insertion do not change it.
  it('points the shaft along (s1·c2, −s2, −c1·c2) with the tip (q3 + 0.0007) m from the RCM, looking along it', () => {
    const c = createEcmKinematics();
    const t = new Float64Array(16);
    c.fk([0, 0, 0.06, 0], t);
    expectClose([t[3], t[7], t[11]], [0, 0, -0.0607], 1e-15);
    fc.assert(
      fc.property(qInLimits, ([q1, q2, q3, q4]) => {
        c.fk([q1, q2, q3, q4], t);
        const z = [Math.sin(q1) * Math.cos(q2), -Math.sin(q2), -Math.cos(q1) * Math.cos(q2)];
        // The optical axis (camera z) is the shaft direction, and the tip lies on the shaft line.
        expectClose([t[2], t[6], t[10]], z, 1e-14);
        expectClose([t[3], t[7], t[11]], z.map((v) => (q3 + 0.0007) * v), 1e-14);
        // The RCM stays on the shaft axis: the line through frame 3 along z3 passes through the origin.
        const f3 = c.frame(3);
        const px = f3[3], py = f3[7], pz = f3[11], zx = f3[2], zy = f3[6], zz = f3[10];
        expect(Math.hypot(py * zz - pz * zy, pz * zx - px * zz, px * zy - py * zx)).toBeLessThan(1e-12);
      }),
      { numRuns: 500 },
    );
  });

  it('shows image right as world +x and image up away from the arm when upright and pitched towards +y', () => {
    const c = createEcmKinematics();
    const t = c.fk([0, -20 * deg, 0.06, 0], new Float64Array(16));
    expectClose([t[0], t[4], t[8]], [1, 0, 0], 1e-12); // camera x (image right)
    expect(t[5]).toBeLessThan(0); // camera y (image down) has a −y component: image up points away, to +y
    expect(t[6]).toBeGreaterThan(0); // and the camera looks towards +y
  });
});
