// Tremor-filter metrics over recorded signals: how much tremor a filter removed (band RMS, attenuation in dB) and what
// it cost the voluntary motion (lag in ms, distortion in mm). These are the numbers the tremor literature reports
// (REFERENCE.md, "Tremor and scaling": Riviere et al. 1998 WFLC, 67% RMS reduction in 6–16 Hz; Micron, ≥ 15 dB and
// under one sample of phase shift; BMFLC, zero-phase estimates; a 6 Hz Butterworth baseline, 7.8 dB and 37 ms).
//
// Why the design: a recording is a large slow motion (tens of mm) carrying a small fast tremor (tenths of a mm), and the
// tremor left after a good filter is tens of µm. A plain FFT of such a record treats it as periodic, and the jump
// between its last and first sample leaks a few hundred µm into the tremor band: the metric would measure its own
// artefact. A window (Hann) fixes the leak but weights the middle of the run and hides the start, where an adaptive
// filter is still converging: dishonest. So every spectral operation here works on the mirror-extended record
// [x₀ … x_{N−1}, x_{N−1} … x₀] (period 2N, continuous in value). For the tremor band the mean and a trend whose slopes
// match the record's end slopes are removed first, so the extension is continuous in slope too. Every sample then
// counts the same, and slow motion leaks under 1 µm into 6–14 Hz (measured on 20–60 mm minimum-jerk reaches, even
// cut off mid-reach), against 300–1100 µm for a plain FFT of the detrended record.
// The 2N-point DFT is exact (Bluestein, see fft.ts): no zero padding.
//
// Units: signals in metres (SI, as everywhere inside), `dt` in seconds, frequencies in Hz. `voluntaryLagMs` returns
// milliseconds and `voluntaryDistortionMm` millimetres, as their names say.

import { dft } from './fft.ts';

/** Attenuation is capped to ±this many dB (an output with no tremor at all would otherwise be infinitely good). */
export const MAX_ATTENUATION_DB = 120;
/** Search range of `voluntaryLagMs`. */
export const MAX_LAG_MS = 300;
/**
 * Below this RMS speed (m/s, over all axes) of the low-passed input there is no voluntary motion to measure a lag on,
 * and `voluntaryLagMs` returns 0.
 */
export const MIN_VOLUNTARY_SPEED = 1e-4;
/** Length of the end segments used to estimate the end slopes of a record, seconds, and the degree of the local fit. */
const END_SLOPE_WINDOW_S = 0.25;
const END_SLOPE_DEGREE = 3;

function checkDt(dt: number): void {
  if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`dt must be a positive number of seconds, got ${dt}`);
}

/**
 * Slope (per sample) at sample `at` of the least-squares cubic through x[from, from + len). Used at the two ends of a
 * record: a cubic over 0.25 s follows the curvature of a reach (a line would return the slope at the middle of the
 * segment) and averages over one and a half periods of 6 Hz tremor or more.
 */
function endSlope(x: ArrayLike<number>, from: number, len: number, at: number): number {
  const m = END_SLOPE_DEGREE + 1;
  // normal equations for x ≈ Σ c_j u^j, u = (i − at)/len (scaled for conditioning); augmented matrix m × (m + 1)
  const A: number[][] = [];
  for (let r = 0; r < m; r++) A.push(new Array<number>(m + 1).fill(0));
  const p = new Array<number>(m).fill(0);
  for (let i = from; i < from + len; i++) {
    const u = (i - at) / len;
    p[0] = 1;
    for (let j = 1; j < m; j++) p[j] = p[j - 1] * u;
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) A[r][c] += p[r] * p[c];
      A[r][m] += p[r] * x[i];
    }
  }
  // Gaussian elimination with partial pivoting
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    if (A[piv][c] === 0) return 0;
    if (piv !== c) { const t = A[c]; A[c] = A[piv]; A[piv] = t; }
    for (let r = c + 1; r < m; r++) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= m; k++) A[r][k] -= f * A[c][k];
    }
  }
  const sol = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let v = A[r][m];
    for (let k = r + 1; k < m; k++) v -= A[r][k] * sol[k];
    sol[r] = v / A[r][r];
  }
  return sol[1] / len;
}

/**
 * The record made ready for a tremor-band spectrum: the mean and a trend removed. The trend is the quadratic whose
 * slopes at the first and last sample equal the record's own (local cubic fits over the first and last 0.25 s); for
 * a record drifting at constant speed it is the linear trend. What is left has (almost) zero slope at both ends, so its
 * mirror extension is smooth in value and slope, and slow motion, even cut off mid-reach, leaks under 1 µm into the
 * tremor band. The quadratic itself is smooth and carries no tremor-band content worth the name; removing it changes
 * the reading of a sinusoid at least 0.5 Hz inside 6–14 Hz by under 1.3% (10 s record).
 */
function detrend(x: ArrayLike<number>, dt: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  for (let i = 0; i < n; i++) out[i] = x[i] - mean;
  if (n < 64) return out;
  const w = Math.max(16, Math.min(Math.floor(n / 4), Math.round(END_SLOPE_WINDOW_S / dt)));
  const s0 = endSlope(out, 0, w, 0);
  const s1 = endSlope(out, n - w, w, n - 1);
  // q(i) = s0·i + b·i², q'(0) = s0, q'(n − 1) = s1
  const b = (s1 - s0) / (2 * (n - 1));
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    out[i] -= s0 * i + b * i * i;
    m2 += out[i];
  }
  m2 /= n;
  for (let i = 0; i < n; i++) out[i] -= m2;
  return out;
}

/** Spectrum of the mirror extension of x (length 2N). */
function mirrorSpectrum(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const z = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    z[i] = x[i];
    z[2 * n - 1 - i] = x[i];
  }
  return dft(z, new Float64Array(2 * n));
}

/**
 * RMS of the content of `signal` between f0 and f1 Hz (inclusive), sampled every `dt` seconds, over the whole record
 * with every sample weighted the same. A sinusoid of amplitude A well inside the band reads A/√2 (Parseval on the
 * mirror-extended, detrended record; no window, no zero padding): within 2% if it lies at least 5/T Hz inside the band
 * (0.5 Hz for a T = 10 s record). Closer to an edge it reads less: with every sample weighted the same (no window) a
 * spectral line has skirts, and the part outside the band is not counted. The slowest content (below about 1/T) goes
 * with the trend, so use f0 > 0.
 */
export function bandRms(signal: ArrayLike<number>, dt: number, f0: number, f1: number): number {
  checkDt(dt);
  if (!(f0 >= 0 && f1 >= f0)) throw new RangeError(`need 0 ≤ f0 ≤ f1, got [${f0}, ${f1}]`);
  const n = signal.length;
  if (n < 2) return 0;
  const { re, im } = mirrorSpectrum(detrend(signal, dt));
  const L = 2 * n;
  const df = 1 / (L * dt);
  let sum = 0;
  for (let k = 0; k <= L / 2; k++) {
    const f = k * df;
    if (f < f0 || f > f1) continue;
    const p = re[k] * re[k] + im[k] * im[k];
    // bins k and L − k carry the same power (real signal); DC and Nyquist appear once
    sum += k === 0 || 2 * k === L ? p : 2 * p;
  }
  return Math.sqrt(sum) / L;
}

function checkAxes(input: readonly ArrayLike<number>[], output: readonly ArrayLike<number>[]): void {
  if (input.length === 0 || input.length !== output.length) {
    throw new RangeError(`need the same non-zero number of input and output axes, got ${input.length} and ${output.length}`);
  }
  for (let a = 0; a < input.length; a++) {
    if (input[a].length !== output[a].length) {
      throw new RangeError(`axis ${a}: input has ${input[a].length} samples, output ${output[a].length}`);
    }
  }
}

/**
 * Tremor attenuation, dB: 20·log10 of the band RMS of the input over that of the output, each RMS taken over all axes
 * together (root of the summed mean squares). Positive = the filter removed tremor. Computed over the whole record,
 * convergence included. Capped to ±MAX_ATTENUATION_DB (120 dB): an output with no band content gives +120, an input
 * with none (and an output with some) −120, and both empty give 0.
 */
export function tremorAttenuationDb(
  input: readonly ArrayLike<number>[],
  output: readonly ArrayLike<number>[],
  dt: number,
  band: readonly [number, number] = [6, 14],
): number {
  checkAxes(input, output);
  let msIn = 0, msOut = 0;
  for (let a = 0; a < input.length; a++) {
    msIn += bandRms(input[a], dt, band[0], band[1]) ** 2;
    msOut += bandRms(output[a], dt, band[0], band[1]) ** 2;
  }
  if (msIn === 0 && msOut === 0) return 0;
  if (msOut === 0) return MAX_ATTENUATION_DB;
  if (msIn === 0) return -MAX_ATTENUATION_DB;
  const db = 10 * Math.log10(msIn / msOut);
  return Math.max(-MAX_ATTENUATION_DB, Math.min(MAX_ATTENUATION_DB, db));
}

/**
 * Zero-phase low-pass with a Gaussian frequency response, −3 dB at `cutoffHz`: gain exp(−ln2·(f/fc)²), so for fc = 2 Hz
 * −12 dB at 4 Hz, −27 dB at 6 Hz, −61 dB at 9 Hz. Applied as a mask on the spectrum of the mirror-extended record: no
 * delay, and a Gaussian kernel is short in time (σ ≈ 0.13/fc), so what the record's ends do stays near the ends.
 */
export function zeroPhaseLowpass(x: ArrayLike<number>, dt: number, cutoffHz: number): Float64Array {
  checkDt(dt);
  if (!(cutoffHz > 0)) throw new RangeError(`cutoffHz must be positive, got ${cutoffHz}`);
  const n = x.length;
  if (n < 2) return Float64Array.from(x);
  // The mean is taken out and put back (its bin would pass anyway; this keeps the transform well scaled).
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = x[i] - mean;
  const L = 2 * n;
  const { re, im } = mirrorSpectrum(r);
  const df = 1 / (L * dt);
  const a = Math.LN2 / (cutoffHz * cutoffHz);
  for (let k = 0; k < L; k++) {
    const f = Math.min(k, L - k) * df;
    const g = Math.exp(-a * f * f);
    re[k] *= g;
    im[k] *= g;
  }
  const back = dft(re, im, true);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = back.re[i] / L + mean;
  return out;
}

/** Central-difference derivative (one-sided at the ends), per second. */
function derivative(x: Float64Array, dt: number): Float64Array {
  const n = x.length;
  const d = new Float64Array(n);
  if (n < 2) return d;
  d[0] = (x[1] - x[0]) / dt;
  d[n - 1] = (x[n - 1] - x[n - 2]) / dt;
  for (let i = 1; i < n - 1; i++) d[i] = (x[i + 1] - x[i - 1]) / (2 * dt);
  return d;
}

/**
 * Delay (ms) of the voluntary part of `output` behind that of `input`. Both are low-passed at `cutoffHz` (zeroPhaseLowpass)
 * and differentiated (velocity, so position offsets do not count). Then, for each lag in 0…300 ms, the input velocity
 * over a fixed stretch of the record is correlated with the output velocity shifted by that lag, summed over axes and
 * normalised by the energy of the shifted output stretch (so every lag is judged on the same number of samples: an
 * unnormalised sum over the overlap favours short lags, and by a lot, because voluntary motion is slow and its
 * correlation peak broad). The fixed stretch leaves out 0.5/cutoffHz seconds at each end (0.25 s at 2 Hz), where the
 * low-pass sees the record's edges. The best lag is refined to a fraction of a sample by a parabola through the peak
 * and its neighbours. A pure delay of a minimum-jerk motion is recovered to within 0.01 ms.
 *
 * Returns 0 when there is no voluntary motion to measure (RMS speed of the low-passed input under
 * MIN_VOLUNTARY_SPEED, 0.1 mm/s): a lag is then meaningless. A filter that leads (negative lag) reads 0. Returns
 * MAX_LAG_MS (300) when no lag in the range gives a positive correlation (the output does not follow the input).
 * The record must be longer than 300 ms plus the two end margins; otherwise a RangeError.
 */
export function voluntaryLagMs(
  input: readonly ArrayLike<number>[],
  output: readonly ArrayLike<number>[],
  dt: number,
  cutoffHz = 2,
): number {
  checkAxes(input, output);
  checkDt(dt);
  const n = input[0].length;
  const maxLag = Math.round(MAX_LAG_MS / 1000 / dt);
  const margin = Math.round(0.5 / cutoffHz / dt);
  const from = margin, to = n - margin - maxLag; // input stretch [from, to)
  if (to - from < Math.max(3, maxLag)) {
    throw new RangeError(`voluntaryLagMs needs a record longer than ${(2 * margin + 2 * maxLag) * dt} s, got ${n * dt} s`);
  }
  const dx: Float64Array[] = [], dy: Float64Array[] = [];
  let energy = 0;
  for (let a = 0; a < input.length; a++) {
    if (input[a].length !== n) throw new RangeError('all axes must have the same length');
    const vx = derivative(zeroPhaseLowpass(input[a], dt, cutoffHz), dt);
    dx.push(vx);
    dy.push(derivative(zeroPhaseLowpass(output[a], dt, cutoffHz), dt));
    for (let i = 0; i < n; i++) energy += vx[i] * vx[i];
  }
  if (Math.sqrt(energy / n) < MIN_VOLUNTARY_SPEED) return 0;
  const corr = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let c = 0, e = 0;
    for (let a = 0; a < dx.length; a++) {
      const x = dx[a], y = dy[a];
      for (let i = from; i < to; i++) {
        const v = y[i + lag];
        c += x[i] * v;
        e += v * v;
      }
    }
    corr[lag] = e > 0 ? c / Math.sqrt(e) : 0;
  }
  let best = 0;
  for (let lag = 1; lag <= maxLag; lag++) if (corr[lag] > corr[best]) best = lag;
  if (!(corr[best] > 0)) return MAX_LAG_MS;
  let frac = 0;
  if (best > 0 && best < maxLag) {
    const ym = corr[best - 1], y0 = corr[best], yp = corr[best + 1];
    const den = ym - 2 * y0 + yp;
    if (den < 0) frac = (0.5 * (ym - yp)) / den;
  }
  return Math.max(0, (best + frac) * dt * 1000);
}

/**
 * How much the filter changed the voluntary motion, mm: RMS over the whole record and over all axes together (root of
 * the summed mean squares) of low-passed output − low-passed input (zeroPhaseLowpass at `cutoffHz`). Lag counts here
 * too: a pure delay τ of a motion with speed v reads about v·τ. Tremor that a filter removed counts only as far as
 * the Gaussian low-pass lets it through (e.g. 0.3 mm at 9 Hz removed reads 0.3 µm at fc = 2 Hz).
 */
export function voluntaryDistortionMm(
  input: readonly ArrayLike<number>[],
  output: readonly ArrayLike<number>[],
  dt: number,
  cutoffHz = 2,
): number {
  checkAxes(input, output);
  checkDt(dt);
  let ms = 0;
  for (let a = 0; a < input.length; a++) {
    const n = input[a].length;
    if (n === 0) continue;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = output[a][i] - input[a][i];
    // the low-pass is linear: LP(y) − LP(x) = LP(y − x)
    const lp = zeroPhaseLowpass(d, dt, cutoffHz);
    let s = 0;
    for (let i = 0; i < n; i++) s += lp[i] * lp[i];
    ms += s / n;
  }
  return Math.sqrt(ms) * 1000;
}
