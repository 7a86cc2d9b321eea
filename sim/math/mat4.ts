// 4×4 homogeneous transforms as row-major Float64Array(16). Every function writes into `out`
// so the per-tick path can reuse preallocated arrays.

export type Mat4 = Float64Array;

export function mat4(): Mat4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

export function mat4Identity(out: Mat4): Mat4 {
  out.fill(0);
  out[0] = out[5] = out[10] = out[15] = 1;
  return out;
}

export function mat4Copy(out: Mat4, a: Mat4): Mat4 {
  out.set(a);
  return out;
}

/** out = a · b. `out` must not alias `a` or `b`. */
export function mat4Mul(out: Mat4, a: Mat4, b: Mat4): Mat4 {
  for (let r = 0; r < 4; r++) {
    const a0 = a[r * 4], a1 = a[r * 4 + 1], a2 = a[r * 4 + 2], a3 = a[r * 4 + 3];
    for (let c = 0; c < 4; c++) {
      out[r * 4 + c] = a0 * b[c] + a1 * b[4 + c] + a2 * b[8 + c] + a3 * b[12 + c];
    }
  }
  return out;
}

/** Inverse of a rigid transform (rotation + translation). */
export function mat4InvertRigid(out: Mat4, a: Mat4): Mat4 {
  const r00 = a[0], r01 = a[1], r02 = a[2], r10 = a[4], r11 = a[5], r12 = a[6], r20 = a[8], r21 = a[9], r22 = a[10];
  const px = a[3], py = a[7], pz = a[11];
  out[0] = r00; out[1] = r10; out[2] = r20; out[3] = -(r00 * px + r10 * py + r20 * pz);
  out[4] = r01; out[5] = r11; out[6] = r21; out[7] = -(r01 * px + r11 * py + r21 * pz);
  out[8] = r02; out[9] = r12; out[10] = r22; out[11] = -(r02 * px + r12 * py + r22 * pz);
  out[12] = 0; out[13] = 0; out[14] = 0; out[15] = 1;
  return out;
}

/** Modified DH (Craig): T = RotX(alpha) · TransX(a) · RotZ(theta) · TransZ(d). */
export function mat4ModifiedDH(out: Mat4, alpha: number, a: number, theta: number, d: number): Mat4 {
  const ca = Math.cos(alpha), sa = Math.sin(alpha), ct = Math.cos(theta), st = Math.sin(theta);
  out[0] = ct; out[1] = -st; out[2] = 0; out[3] = a;
  out[4] = st * ca; out[5] = ct * ca; out[6] = -sa; out[7] = -sa * d;
  out[8] = st * sa; out[9] = ct * sa; out[10] = ca; out[11] = ca * d;
  out[12] = 0; out[13] = 0; out[14] = 0; out[15] = 1;
  return out;
}

/** Transform from a position [x,y,z] and a quaternion [x,y,z,w]. */
export function mat4FromPose(out: Mat4, p: ArrayLike<number>, q: ArrayLike<number>): Mat4 {
  const x = q[0], y = q[1], z = q[2], w = q[3];
  out[0] = 1 - 2 * (y * y + z * z); out[1] = 2 * (x * y - z * w); out[2] = 2 * (x * z + y * w); out[3] = p[0];
  out[4] = 2 * (x * y + z * w); out[5] = 1 - 2 * (x * x + z * z); out[6] = 2 * (y * z - x * w); out[7] = p[1];
  out[8] = 2 * (x * z - y * w); out[9] = 2 * (y * z + x * w); out[10] = 1 - 2 * (x * x + y * y); out[11] = p[2];
  out[12] = 0; out[13] = 0; out[14] = 0; out[15] = 1;
  return out;
}

/** Quaternion [x,y,z,w] of the rotation part (Shepperd's method, w ≥ 0). */
export function mat4ToQuat(out: Float64Array | number[], m: Mat4): Float64Array | number[] {
  const m00 = m[0], m11 = m[5], m22 = m[10], tr = m00 + m11 + m22;
  let x: number, y: number, z: number, w: number;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    w = 0.25 * s; x = (m[9] - m[6]) / s; y = (m[2] - m[8]) / s; z = (m[4] - m[1]) / s;
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    w = (m[9] - m[6]) / s; x = 0.25 * s; y = (m[1] + m[4]) / s; z = (m[2] + m[8]) / s;
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    w = (m[2] - m[8]) / s; x = (m[1] + m[4]) / s; y = 0.25 * s; z = (m[6] + m[9]) / s;
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    w = (m[4] - m[1]) / s; x = (m[2] + m[8]) / s; y = (m[6] + m[9]) / s; z = 0.25 * s;
  }
  if (w < 0) { x = -x; y = -y; z = -z; w = -w; }
  out[0] = x; out[1] = y; out[2] = z; out[3] = w;
  return out;
}

/** Rotation part times a vector (no translation). */
export function mat4RotateVec(out: Float64Array | number[], m: Mat4, v: ArrayLike<number>): Float64Array | number[] {
  const x = v[0], y = v[1], z = v[2];
  out[0] = m[0] * x + m[1] * y + m[2] * z;
  out[1] = m[4] * x + m[5] * y + m[6] * z;
  out[2] = m[8] * x + m[9] * y + m[10] * z;
  return out;
}

/** Full transform of a point. */
export function mat4TransformPoint(out: Float64Array | number[], m: Mat4, v: ArrayLike<number>): Float64Array | number[] {
  const x = v[0], y = v[1], z = v[2];
  out[0] = m[0] * x + m[1] * y + m[2] * z + m[3];
  out[1] = m[4] * x + m[5] * y + m[6] * z + m[7];
  out[2] = m[8] * x + m[9] * y + m[10] * z + m[11];
  return out;
}

/** Builds a Mat4 from a row-major nested array (as the dVRK JSON files write them). */
export function mat4FromRows(rows: readonly (readonly number[])[]): Mat4 {
  const m = new Float64Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) m[r * 4 + c] = rows[r][c];
  return m;
}
