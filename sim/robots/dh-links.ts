// Turns a modified-DH chain into link frames at the home configuration (q = 0).
import type { DhRow, Rows4 } from '../robot-spec.ts';
import { mat4, mat4ModifiedDH, type Mat4 } from '../math/mat4.ts';

/** Home pose of DH frame i in frame i-1: the row's transform with q = 0 plus its offset. */
export function dhHomeOrigin(row: DhRow): Mat4 {
  const theta = row.type === 'revolute' ? row.theta + row.offset : row.theta;
  const d = row.type === 'prismatic' ? row.d + row.offset : row.d;
  return mat4ModifiedDH(mat4(), row.alpha, row.a, theta, d);
}

export function rows4(m: Mat4): Rows4 {
  const r = (i: number) => [m[i * 4], m[i * 4 + 1], m[i * 4 + 2], m[i * 4 + 3]] as const;
  return [r(0), r(1), r(2), r(3)];
}

export const IDENTITY_ROWS: Rows4 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
