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
// cut off mid-reach), against about 30 µm for a plain detrended FFT.
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
/** Length of the end segments used to estimate the end slopes of a record, seconds. */
const END_SLOPE_WINDOW_S = 0.1;

function checkDt(dt: number): void {
  if (!(dt > 0 && Number.isFinite(dt))) throw new RangeError(`dt must be a positive number of seconds, got ${dt}`);
}

/**
 * Slope (per sample) at sample `at` of the least-squares quadratic through x[from, from + len). Used at the two ends of
 * a record, where a line fit would return the slope at the middle of the segment instead.
 */
function endSlope(x: ArrayLike<number>, from: number, len: number, at: number): number {
  // normal equations for x ≈ c0 + c1·u + c2·u², u = (i − at)/len (scaled for conditioning)
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
  for (let i = from; i < from + len; i++) {
    const u = (i - at) / len, u2 = u * u, v = x[i];
    s0 += 1; s1 += u; s2 += u2; s3 += u2 * u; s4 += u2 * u2;
    t0 += v; t1 += u * v; t2 += u2 * v;
  }
  // Cramer's rule on [[s0 s1 s2] [s1 s2 s3] [s2 s3 s4]]·c = t, for c1
  const det = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2);
  if (det === 0) return 0;
  const det1 = s0 * (t1 * s4 - s3 * t2) - t0 * (s1 * s4 - s3 * s2) + s2 * (s1 * t2 - t1 * s2);
  return det1 / det / len;
}

/**
 * The record made ready for a tremor-band spectrum: the mean and a trend removed. The trend is the quadratic whose
 * slopes at the first and last sample equal the record's own (local quadratic fits over the first and last 0.1 s); for
 * a record drifting at constant speed it is the linear trend. What is left has (almost) zero slope at both ends, so its
 * mirror extension is smooth in value and slope, and slow motion, even cut off mid-reach, leaks under 1 µm into the
 * tremor band. The quadratic itself is smooth and carries no tremor-band content worth the name; removing it costs a
 * sinusoid inside 6–14 Hz at most about 1% of its reading.
 */
function detrend(x: ArrayLike<number>, dt: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  for (let i = 0; i < n; i++) out[i] = x[i] - mean;
  if (n < 16) return out;
  const w = Math.max(4, Math.min(Math.floor(n / 4), Math.round(END_SLOPE_WINDOW_S / dt)));
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
 * mirror-extended, detrended record; no window, no zero padding). Content below ~1/(record length) is removed with
 * the trend, so use f0 > 0.
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
 * Zero-phase low-pass: the content of x at or below `cutoffHz` (an ideal mask on the mirror-extended record, so no
 * delay and little edge effect: the extension is continuous, and a record that starts and ends at rest is smooth).
 */
export function zeroPhaseLowpass(x: ArrayLike<number>, dt: number, cutoffHz: number): Float64Array {
  checkDt(dt);
  const n = x.length;
  if (n < 2) return Float64Array.from(x);
  // Only the mean is taken out (and put back): the mirror extension is continuous in value anyway, and a fitted trend
  // would have to be put back unfiltered.
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = x[i] - mean;
  const L = 2 * n;
  const { re, im } = mirrorSpectrum(r);
  const df = 1 / (L * dt);
  for (let k = 0; k < L; k++) {
    const f = Math.min(k, L - k) * df;
    if (f > cutoffHz) { re[k] = 0; im[k] = 0; }
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
 * Delay (ms) of the voluntary part of `output` behind that of `input`: both are low-passed at `cutoffHz` with a
 * zero-phase filter, differentiated (velocity, so position offsets do not count), and the lag in 0…300 ms that
 * maximises the cross-correlation summed over axes is found, refined to a fraction of a sample by a parabola through the
 * peak and its neighbours.
 *
 * Returns 0 when there is no voluntary motion to measure (RMS speed of the low-passed input under
 * MIN_VOLUNTARY_SPEED, 0.1 mm/s): a lag is then meaningless. Returns MAX_LAG_MS (300) when no lag in the range gives a
 * positive correlation, i.e. the output does not follow the input at all. A filter that leads (negative lag) reads 0.
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
  const dx: Float64Array[] = [], dy: Float64Array[] = [];
  let energy = 0;
  for (let a = 0; a < input.length; a++) {
    if (input[a].length !== n) throw new RangeError('all axes must have the same length');
    const vx = derivative(zeroPhaseLowpass(input[a], dt, cutoffHz), dt);
    dx.push(vx);
    dy.push(derivative(zeroPhaseLowpass(output[a], dt, cutoffHz), dt));
    for (let i = 0; i < n; i++) energy += vx[i] * vx[i];
  }
  if (n < 3 || Math.sqrt(energy / n) < MIN_VOLUNTARY_SPEED) return 0;
  const maxLag = Math.min(n - 2, Math.round(MAX_LAG_MS / 1000 / dt));
  const corr = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let c = 0;
    for (let a = 0; a < dx.length; a++) {
      const x = dx[a], y = dy[a];
      for (let i = 0; i + lag < n; i++) c += x[i] * y[i + lag];
    }
    corr[lag] = c;
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
 * the summed mean squares) of low-passed output − low-passed input (zero-phase, at `cutoffHz`). Lag counts here too:
 * a pure delay τ of a motion with speed v reads about v·τ.
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
