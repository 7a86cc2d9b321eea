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

/**
 * Spectrum of the mirror extension (length 2N) of x + i·y: two real records of the same length in one transform.
 * The spectrum of each alone is X_k = (Z_k + conj Z_{L−k})/2, Y_k = (Z_k − conj Z_{L−k})/2i; a real, even mask
 * applied to Z and transformed back gives the masked x and y in the real and imaginary parts.
 */
function mirrorSpectrum(x: Float64Array, y: Float64Array | null): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const zr = new Float64Array(2 * n), zi = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    zr[i] = x[i];
    zr[2 * n - 1 - i] = x[i];
  }
  if (y) {
    for (let i = 0; i < n; i++) {
      zi[i] = y[i];
      zi[2 * n - 1 - i] = y[i];
    }
  }
  return dft(zr, zi);
}

/** Band power (mean square) of x and of y between f0 and f1, from one transform. */
function bandPowerPair(x: Float64Array, y: Float64Array | null, dt: number, f0: number, f1: number): [number, number] {
  const n = x.length;
  const { re, im } = mirrorSpectrum(x, y);
  const L = 2 * n;
  const df = 1 / (L * dt);
  let sx = 0, sy = 0;
  for (let k = 0; k <= L / 2; k++) {
    const f = k * df;
    if (f < f0 || f > f1) continue;
    const j = (L - k) % L;
    // X_k = (Z_k + conj Z_j)/2, Y_k = (Z_k − conj Z_j)/2i
    const xr = 0.5 * (re[k] + re[j]), xi = 0.5 * (im[k] - im[j]);
    const yr = 0.5 * (im[k] + im[j]), yi = -0.5 * (re[k] - re[j]);
    // bins k and L − k carry the same power (real records); DC and Nyquist appear once
    const w = k === 0 || 2 * k === L ? 1 : 2;
    sx += w * (xr * xr + xi * xi);
    sy += w * (yr * yr + yi * yi);
  }
  return [sx / (L * L), sy / (L * L)];
}

/**
 * RMS of the content of `signal` between f0 and f1 Hz (inclusive), sampled every `dt` seconds, over the whole record
 * with every sample weighted the same. A sinusoid of amplitude A well inside the band reads A/√2 (Parseval on the
 * mirror-extended, detrended record; no window, no zero padding): within 2% if it lies at least 5/T Hz inside the band
 * (0.5 Hz for a T = 10 s record). Closer to an edge it reads less: with every sample weighted the same (no window) a
 * spectral line has skirts, and the part outside the band is not counted. Likewise a line outside the band leaks in
 * by up to about 2% of its RMS. Meant for bands above a few Hz: the removed trend (a quadratic set by the slopes at
 * the two ends) can be large, and what it takes away or adds reaches into the lowest few Hz.
 */
export function bandRms(signal: ArrayLike<number>, dt: number, f0: number, f1: number): number {
  checkDt(dt);
  if (!(f0 >= 0 && f1 >= f0)) throw new RangeError(`need 0 ≤ f0 ≤ f1, got [${f0}, ${f1}]`);
  const n = signal.length;
  if (n < 2) return 0;
  return Math.sqrt(bandPowerPair(detrend(signal, dt), null, dt, f0, f1)[0]);
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
  checkDt(dt);
  if (!(band[0] >= 0 && band[1] >= band[0])) throw new RangeError(`need 0 ≤ f0 ≤ f1, got [${band[0]}, ${band[1]}]`);
  let msIn = 0, msOut = 0;
  for (let a = 0; a < input.length; a++) {
    if (input[a].length < 2) continue;
    const [pi, po] = bandPowerPair(detrend(input[a], dt), detrend(output[a], dt), dt, band[0], band[1]);
    msIn += pi;
    msOut += po;
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
  return lowpassPair(x, null, dt, cutoffHz)[0];
}

/** Mean of the first n values (a function of its own, not a closure per call: see fft.ts on loops). */
function meanOf(v: ArrayLike<number>, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  return m / n;
}

/** zeroPhaseLowpass of x and (if given) y, from one pair of transforms. */
function lowpassPair(x: ArrayLike<number>, y: ArrayLike<number> | null, dt: number, cutoffHz: number): [Float64Array, Float64Array] {
  checkDt(dt);
  if (!(cutoffHz > 0)) throw new RangeError(`cutoffHz must be positive, got ${cutoffHz}`);
  const n = x.length;
  if (y && y.length !== n) throw new RangeError('both records must have the same length');
  if (n < 2) return [Float64Array.from(x), Float64Array.from(y ?? [])];
  // The means are taken out and put back (their bin would pass anyway; this keeps the transform well scaled).
  const mx = meanOf(x, n), my = y ? meanOf(y, n) : 0;
  const rx = new Float64Array(n), ry = y ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) rx[i] = x[i] - mx;
  if (y && ry) for (let i = 0; i < n; i++) ry[i] = y[i] - my;
  const L = 2 * n;
  const { re, im } = mirrorSpectrum(rx, ry);
  const df = 1 / (L * dt);
  const a = Math.LN2 / (cutoffHz * cutoffHz);
  for (let k = 0; k < L; k++) {
    const f = Math.min(k, L - k) * df;
    const g = Math.exp(-a * f * f);
    re[k] *= g;
    im[k] *= g;
  }
  const back = dft(re, im, true);
  const ox = new Float64Array(n), oy = new Float64Array(y ? n : 0);
  for (let i = 0; i < n; i++) ox[i] = back.re[i] / L + mx;
  if (y) for (let i = 0; i < n; i++) oy[i] = back.im[i] / L + my;
  return [ox, oy];
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

// The long loops of voluntaryLagMs, each in a function that calls nothing (see fft.ts butterflies): a loop
// optimised on-stack would otherwise deoptimise on the code after it, once per run in every worker thread.
/** s + Σ x[i]², one running sum. */
function addSquares(s: number, x: Float64Array): number {
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/**
 * For each lag, continues the running sums cs[lag] += Σ x[i]·y[i+lag] and es[lag] += Σ y[i+lag]² over i in
 * [from, to) with one more axis (one running sum per lag across the axes, as a single loop over them would).
 */
function laggedProducts(x: Float64Array, y: Float64Array, from: number, to: number, cs: Float64Array, es: Float64Array): void {
  for (let lag = 0; lag < cs.length; lag++) {
    let c = cs[lag], e = es[lag];
    for (let i = from; i < to; i++) {
      const v = y[i + lag];
      c += x[i] * v;
      e += v * v;
    }
    cs[lag] = c;
    es[lag] = e;
  }
}

/** corr = cs / √es (0 where es is 0). */
function normalise(cs: Float64Array, es: Float64Array, corr: Float64Array): void {
  for (let k = 0; k < corr.length; k++) corr[k] = es[k] > 0 ? cs[k] / Math.sqrt(es[k]) : 0;
}

/** Index of the first largest element. */
function argMax(x: Float64Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
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
 * In records shorter than about 2.2 s the end margins shrink to 1/8 and the search range to 1/4 of the record (so a
 * 1 s run can report at most 250 ms); a record too short for any of that (under about 10 samples) reads 0.
 */
export function voluntaryLagMs(
  input: readonly ArrayLike<number>[],
  output: readonly ArrayLike<number>[],
  dt: number,
  cutoffHz = 2,
): number {
  checkAxes(input, output);
  checkDt(dt);
  if (!(cutoffHz > 0)) throw new RangeError(`cutoffHz must be positive, got ${cutoffHz}`);
  const n = input[0].length;
  // short records: margins at most 1/8 and the search range at most 1/4 of the record each
  const maxLag = Math.min(Math.round(MAX_LAG_MS / 1000 / dt), Math.floor(n / 4));
  const margin = Math.min(Math.round(0.5 / cutoffHz / dt), Math.floor(n / 8));
  const from = margin, to = n - margin - maxLag; // input stretch [from, to)
  if (maxLag < 2 || to - from < 3) return 0;
  const dx: Float64Array[] = [], dy: Float64Array[] = [];
  let energy = 0;
  for (let a = 0; a < input.length; a++) {
    if (input[a].length !== n) throw new RangeError('all axes must have the same length');
    const [lx, ly] = lowpassPair(input[a], output[a], dt, cutoffHz);
    const vx = derivative(lx, dt);
    dx.push(vx);
    dy.push(derivative(ly, dt));
    energy = addSquares(energy, vx);
  }
  if (Math.sqrt(energy / n) < MIN_VOLUNTARY_SPEED) return 0;
  const cs = new Float64Array(maxLag + 1), es = new Float64Array(maxLag + 1), corr = new Float64Array(maxLag + 1);
  for (let a = 0; a < dx.length; a++) laggedProducts(dx[a], dy[a], from, to, cs, es);
  normalise(cs, es, corr);
  const best = argMax(corr);
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
 * How much the filter changed the voluntary motion, mm: RMS over all axes together (root of the summed mean squares)
 * of low-passed output − low-passed input (zeroPhaseLowpass at `cutoffHz`). Lag counts here too: a pure delay τ of a
 * motion with speed v reads about v·τ. Tremor that a filter removed counts only as far as the Gaussian low-pass lets it
 * through (0.3 mm at 9 Hz reads 0.3 nm at fc = 2 Hz). The RMS leaves out 0.5/cutoffHz seconds at each end of the record
 * (0.25 s at 2 Hz; at most 1/8 of the record each), where the low-pass sees the record's edges: there a removed
 * tremor would read several µm.
 */
export function voluntaryDistortionMm(
  input: readonly ArrayLike<number>[],
  output: readonly ArrayLike<number>[],
  dt: number,
  cutoffHz = 2,
): number {
  checkAxes(input, output);
  checkDt(dt);
  const diff = input.map((x, a) => {
    const y = output[a], d = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) d[i] = y[i] - x[i];
    return d;
  });
  const n = diff[0].length;
  if (diff.some((d) => d.length !== n)) throw new RangeError('all axes must have the same length');
  if (n === 0) return 0;
  const margin = Math.min(Math.round(0.5 / cutoffHz / dt), Math.floor(n / 8));
  let ms = 0;
  for (let a = 0; a < diff.length; a += 2) {
    // the low-pass is linear: LP(y) − LP(x) = LP(y − x); two axes per transform
    const pair = a + 1 < diff.length ? diff[a + 1] : null;
    const lps = lowpassPair(diff[a], pair, dt, cutoffHz);
    for (const lp of pair ? lps : [lps[0]]) {
      let s = 0;
      for (let i = margin; i < n - margin; i++) s += lp[i] * lp[i];
      ms += s / (n - 2 * margin);
    }
  }
  return Math.sqrt(ms) * 1000;
}
