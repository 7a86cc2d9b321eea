// Small dense linear algebra for the IK: an m×m Cholesky factorisation and solve, row-major Float64Array,
// in place, no allocation; and the 6 × 6 damped solve of the IK unrolled.

/**
 * Factors the symmetric positive-definite m×m matrix `a` (row-major; only the lower triangle is read)
 * into L·Lᵀ, writing L into the lower triangle of `a` (the strict upper triangle is left alone).
 * Returns false, leaving `a` partly overwritten, if a pivot is not positive and finite.
 */
export function choleskyFactor(a: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    const rj = j * m;
    let s = a[rj + j];
    for (let k = 0; k < j; k++) s -= a[rj + k] * a[rj + k];
    if (!(s > 0) || !Number.isFinite(s)) return false;
    const ljj = Math.sqrt(s);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * m;
      let t = a[ri + j];
      for (let k = 0; k < j; k++) t -= a[ri + k] * a[rj + k];
      a[ri + j] = t * inv;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b in place (`b` becomes x), with L from `choleskyFactor`. */
export function choleskySolve(l: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * b[k];
    b[i] = s / l[i * m + i];
  }
}

/**
 * Solves (J·Jᵀ + λ²I)·x = b for a 6 × n Jacobian J (row-major), by a Cholesky factorisation unrolled on locals:
 * the IK does this every tick, and the generic loops (bounds-checked array traffic) cost three times as much.
 * Returns false, leaving x untouched, if a pivot is not positive and finite.
 */
export function solveDamped6(j: Float64Array, n: number, lambda2: number, b: Float64Array, x: Float64Array): boolean {
  let a00 = 0, a10 = 0, a11 = 0, a20 = 0, a21 = 0, a22 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0, a40 = 0,
    a41 = 0, a42 = 0, a43 = 0, a44 = 0, a50 = 0, a51 = 0, a52 = 0, a53 = 0, a54 = 0, a55 = 0;
  for (let k = 0; k < n; k++) {
    const j0 = j[k], j1 = j[n + k], j2 = j[2 * n + k], j3 = j[3 * n + k], j4 = j[4 * n + k], j5 = j[5 * n + k];
    a00 += j0 * j0;
    a10 += j1 * j0; a11 += j1 * j1;
    a20 += j2 * j0; a21 += j2 * j1; a22 += j2 * j2;
    a30 += j3 * j0; a31 += j3 * j1; a32 += j3 * j2; a33 += j3 * j3;
    a40 += j4 * j0; a41 += j4 * j1; a42 += j4 * j2; a43 += j4 * j3; a44 += j4 * j4;
    a50 += j5 * j0; a51 += j5 * j1; a52 += j5 * j2; a53 += j5 * j3; a54 += j5 * j4; a55 += j5 * j5;
  }
  a11 += lambda2; a22 += lambda2; a33 += lambda2; a44 += lambda2; a55 += lambda2;
  const d0 = a00 + lambda2;
  if (!(d0 > 0) || !Number.isFinite(d0)) return false;
  const l00 = Math.sqrt(d0), i0 = 1 / l00;
  const l10 = a10 * i0;
  const l20 = a20 * i0;
  const l30 = a30 * i0;
  const l40 = a40 * i0;
  const l50 = a50 * i0;
  const d1 = a11 - l10 * l10;
  if (!(d1 > 0) || !Number.isFinite(d1)) return false;
  const l11 = Math.sqrt(d1), i1 = 1 / l11;
  const l21 = (a21 - l20 * l10) * i1;
  const l31 = (a31 - l30 * l10) * i1;
  const l41 = (a41 - l40 * l10) * i1;
  const l51 = (a51 - l50 * l10) * i1;
  const d2 = a22 - l20 * l20 - l21 * l21;
  if (!(d2 > 0) || !Number.isFinite(d2)) return false;
  const l22 = Math.sqrt(d2), i2 = 1 / l22;
  const l32 = (a32 - l30 * l20 - l31 * l21) * i2;
  const l42 = (a42 - l40 * l20 - l41 * l21) * i2;
  const l52 = (a52 - l50 * l20 - l51 * l21) * i2;
  const d3 = a33 - l30 * l30 - l31 * l31 - l32 * l32;
  if (!(d3 > 0) || !Number.isFinite(d3)) return false;
  const l33 = Math.sqrt(d3), i3 = 1 / l33;
  const l43 = (a43 - l40 * l30 - l41 * l31 - l42 * l32) * i3;
  const l53 = (a53 - l50 * l30 - l51 * l31 - l52 * l32) * i3;
  const d4 = a44 - l40 * l40 - l41 * l41 - l42 * l42 - l43 * l43;
  if (!(d4 > 0) || !Number.isFinite(d4)) return false;
  const l44 = Math.sqrt(d4), i4 = 1 / l44;
  const l54 = (a54 - l50 * l40 - l51 * l41 - l52 * l42 - l53 * l43) * i4;
  const d5 = a55 - l50 * l50 - l51 * l51 - l52 * l52 - l53 * l53 - l54 * l54;
  if (!(d5 > 0) || !Number.isFinite(d5)) return false;
  const l55 = Math.sqrt(d5);
  const y0 = b[0] / l00;
  const y1 = (b[1] - l10 * y0) / l11;
  const y2 = (b[2] - l20 * y0 - l21 * y1) / l22;
  const y3 = (b[3] - l30 * y0 - l31 * y1 - l32 * y2) / l33;
  const y4 = (b[4] - l40 * y0 - l41 * y1 - l42 * y2 - l43 * y3) / l44;
  const y5 = (b[5] - l50 * y0 - l51 * y1 - l52 * y2 - l53 * y3 - l54 * y4) / l55;
  const z5 = y5 / l55;
  const z4 = (y4 - l54 * z5) / l44;
  const z3 = (y3 - l43 * z4 - l53 * z5) / l33;
  const z2 = (y2 - l32 * z3 - l42 * z4 - l52 * z5) / l22;
  const z1 = (y1 - l21 * z2 - l31 * z3 - l41 * z4 - l51 * z5) / l11;
  const z0 = (y0 - l10 * z1 - l20 * z2 - l30 * z3 - l40 * z4 - l50 * z5) / l00;
  x[0] = z0; x[1] = z1; x[2] = z2; x[3] = z3; x[4] = z4; x[5] = z5;
  return true;
}
