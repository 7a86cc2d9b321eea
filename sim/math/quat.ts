// Quaternions [x, y, z, w] (DESIGN.md convention) and rotation vectors, written into `out`.

export type Quat = Float64Array | number[];

export function quatMul(out: Quat, a: ArrayLike<number>, b: ArrayLike<number>): Quat {
  const ax = a[0], ay = a[1], az = a[2], aw = a[3], bx = b[0], by = b[1], bz = b[2], bw = b[3];
  out[0] = aw * bx + ax * bw + ay * bz - az * by;
  out[1] = aw * by - ax * bz + ay * bw + az * bx;
  out[2] = aw * bz + ax * by - ay * bx + az * bw;
  out[3] = aw * bw - ax * bx - ay * by - az * bz;
  return out;
}

export function quatConj(out: Quat, a: ArrayLike<number>): Quat {
  out[0] = -a[0]; out[1] = -a[1]; out[2] = -a[2]; out[3] = a[3];
  return out;
}

export function quatNormalize(out: Quat, a: ArrayLike<number>): Quat {
  // Not Math.hypot, here and below: it allocates its arguments, and the tremor filter calls these every tick.
  const n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3]) || 1;
  out[0] = a[0] / n; out[1] = a[1] / n; out[2] = a[2] / n; out[3] = a[3] / n;
  return out;
}

export function quatRotateVec(out: Float64Array | number[], q: ArrayLike<number>, v: ArrayLike<number>): Float64Array | number[] {
  const qx = q[0], qy = q[1], qz = q[2], qw = q[3], vx = v[0], vy = v[1], vz = v[2];
  // t = 2 q×v ; v' = v + w t + q×t
  const tx = 2 * (qy * vz - qz * vy), ty = 2 * (qz * vx - qx * vz), tz = 2 * (qx * vy - qy * vx);
  out[0] = vx + qw * tx + (qy * tz - qz * ty);
  out[1] = vy + qw * ty + (qz * tx - qx * tz);
  out[2] = vz + qw * tz + (qx * ty - qy * tx);
  return out;
}

/** Rotation vector (axis × angle, shortest way) of a unit quaternion. */
export function quatToRotvec(out: Float64Array | number[], q: ArrayLike<number>): Float64Array | number[] {
  let x = q[0], y = q[1], z = q[2], w = q[3];
  if (w < 0) { x = -x; y = -y; z = -z; w = -w; }
  const s = Math.sqrt(x * x + y * y + z * z);
  const k = s < 1e-12 ? 2 / (w || 1) : (2 * Math.atan2(s, w)) / s;
  out[0] = x * k; out[1] = y * k; out[2] = z * k;
  return out;
}

export function quatFromRotvec(out: Quat, r: ArrayLike<number>): Quat {
  const angle = Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
  const h = 0.5 * angle;
  const k = angle < 1e-12 ? 0.5 : Math.sin(h) / angle;
  out[0] = r[0] * k; out[1] = r[1] * k; out[2] = r[2] * k; out[3] = Math.cos(h);
  return out;
}

/** Angle (rad) between two unit quaternions. */
export function quatAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(Math.min(1, d));
}
