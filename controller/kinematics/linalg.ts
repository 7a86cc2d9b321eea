// Small dense linear algebra for the IK: an m×m Cholesky factorisation and solve, row-major Float64Array,
// in place, no allocation. m is tiny here (6), so plain loops are the fastest thing.

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
