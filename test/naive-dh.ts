// An independent, deliberately naive forward kinematics for the kinematics tests: nested arrays, one matrix
// per elementary motion of the modified-DH (Craig) convention, multiplied out. Each test types its own table
// in from ../shared/REFERENCE.md, so this shares only the arithmetic, never the robot's numbers.
import { expect } from 'vitest';
import fc from 'fast-check';

export type M = number[][];

export interface NaiveDhRow {
  readonly prismatic: boolean;
  readonly alpha: number;
  readonly A: number;
  readonly theta?: number;
  readonly D: number;
  readonly offset: number;
}

export function mul(a: M, b: M): M {
  const c: M = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) c[i][j] += a[i][k] * b[k][j];
  return c;
}
export const rotX = (t: number): M => [[1, 0, 0, 0], [0, Math.cos(t), -Math.sin(t), 0], [0, Math.sin(t), Math.cos(t), 0], [0, 0, 0, 1]];
export const rotZ = (t: number): M => [[Math.cos(t), -Math.sin(t), 0, 0], [Math.sin(t), Math.cos(t), 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
export const transX = (a: number): M => [[1, 0, 0, a], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
export const transZ = (d: number): M => [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, d], [0, 0, 0, 1]];

/** The last frame of `table` at q in frame 0: Π RotX(α)·TransX(a)·RotZ(θ)·TransZ(d). */
export function naiveDhProduct(table: readonly NaiveDhRow[], q: readonly number[]): M {
  let t: M = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  table.forEach((r, i) => {
    const theta0 = r.theta ?? 0;
    const theta = r.prismatic ? theta0 : theta0 + q[i] + r.offset;
    const d = r.prismatic ? r.D + q[i] + r.offset : r.D;
    t = mul(mul(mul(mul(t, rotX(r.alpha)), transX(r.A)), rotZ(theta)), transZ(d));
  });
  return t;
}

export const jointArb = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });

/** Any q within the given joint limits. */
export const qWithin = (lower: readonly number[], upper: readonly number[]) => fc.tuple(...lower.map((lo, i) => jointArb(lo, upper[i])));

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`element ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tol})\nactual   ${Array.from(actual)}\nexpected ${Array.from(expected)}`);
    }
  }
}
