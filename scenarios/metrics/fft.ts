// Discrete Fourier transforms for the offline metrics: an in-place iterative radix-2 FFT, and Bluestein's chirp-z
// algorithm on top of it for any length (the metrics transform mirror-extended signals, whose length 2N is rarely a
// power of two, and zero-padding would break the periodic continuity the mirror extension buys).
// Not for the control loop: these allocate freely (twiddle tables and chirps are cached per length).

interface Twiddles {
  cos: Float64Array;
  sin: Float64Array;
}

// Twiddle tables and Bluestein chirps are computed once per length and kept (a few lengths at most in practice).
const twiddleCache = new Map<number, Twiddles>();
const MAX_CACHED = 8;

function cachePut<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

/** cos and sin of −2πk/n for k < n/2. */
function twiddles(n: number): Twiddles {
  const hit = twiddleCache.get(n);
  if (hit) return hit;
  const half = n >> 1;
  const cos = new Float64Array(half), sin = new Float64Array(half);
  twiddleTable(cos, sin, n);
  return cachePut(twiddleCache, n, { cos, sin });
}

function twiddleTable(cos: Float64Array, sin: Float64Array, n: number): void {
  for (let k = 0; k < cos.length; k++) {
    const a = (-2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
}

/** In-place radix-2 FFT of (re, im); length must be a power of two. `inverse` computes the unscaled inverse. */
export function fftRadix2(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (n !== im.length) throw new RangeError('re and im must have the same length');
  if (n <= 1) return;
  if ((n & (n - 1)) !== 0) throw new RangeError(`radix-2 FFT length must be a power of two, got ${n}`);
  bitReverse(re, im);
  const tw = twiddles(n);
  butterflies(re, im, tw.cos, tw.sin, inverse ? -1 : 1);
}

// The loops live in functions of their own that call nothing. A long loop in a function is compiled
// on-stack (OSR) while it runs; the optimised code then meets the call after the loop with no type feedback
// yet and deoptimises, and the next loop starts over. Measured: every transform deoptimised two or three
// times, each run, in every worker thread.
function bitReverse(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
}

function butterflies(re: Float64Array, im: Float64Array, cos: Float64Array, sin: Float64Array, sign: number): void {
  const n = re.length;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const stride = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0, t = 0; k < half; k++, t += stride) {
        const wr = cos[t], wi = sign * sin[t];
        const a = i + k, b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
}

interface Chirp {
  cr: Float64Array;
  ci: Float64Array;
  /** FFT of the conjugate chirp, zero-padded and wrapped to length m */
  br: Float64Array;
  bi: Float64Array;
}

const chirpCache = new Map<string, Chirp>();

/** Bluestein's chirp w_k = e^{∓iπk²/n} and the FFT of its conjugate, for length n padded to m. */
function chirp(n: number, m: number, inverse: boolean): Chirp {
  const key = `${n}:${inverse ? 'i' : 'f'}`;
  const hit = chirpCache.get(key);
  if (hit) return hit;
  const cr = new Float64Array(n), ci = new Float64Array(n);
  chirpTable(cr, ci, inverse ? 1 : -1);
  const br = new Float64Array(m), bi = new Float64Array(m);
  wrapConjugate(cr, ci, br, bi);
  fftRadix2(br, bi);
  return cachePut(chirpCache, key, { cr, ci, br, bi });
}

function chirpTable(cr: Float64Array, ci: Float64Array, sign: number): void {
  const n = cr.length, twoN = 2 * n;
  // k² is reduced mod 2n exactly in integers to keep the angle small and precise
  for (let k = 0; k < n; k++) {
    const k2 = (k * k) % twoN; // k < 2^26 in practice, so k*k is exact in float64
    const a = (sign * Math.PI * k2) / n;
    cr[k] = Math.cos(a);
    ci[k] = Math.sin(a);
  }
}

/** The conjugate chirp at 0…n−1 and mirrored at m−n+1…m−1 (zero between), ready for the circular convolution. */
function wrapConjugate(cr: Float64Array, ci: Float64Array, br: Float64Array, bi: Float64Array): void {
  const n = cr.length, m = br.length;
  br[0] = cr[0]; bi[0] = -ci[0];
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k];
    bi[k] = bi[m - k] = -ci[k];
  }
}

// Bluestein's other loops, each in a function that calls nothing (see butterflies).
function chirpMultiply(xr: ArrayLike<number>, xi: ArrayLike<number>, cr: Float64Array, ci: Float64Array, ar: Float64Array, ai: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const r = xr[k], i = xi[k];
    ar[k] = r * cr[k] - i * ci[k];
    ai[k] = r * ci[k] + i * cr[k];
  }
}

function pointwiseMultiply(ar: Float64Array, ai: Float64Array, br: Float64Array, bi: Float64Array): void {
  for (let k = 0; k < ar.length; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    const i = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r; ai[k] = i;
  }
}

function unchirp(ar: Float64Array, ai: Float64Array, cr: Float64Array, ci: Float64Array, re: Float64Array, im: Float64Array, m: number): void {
  for (let k = 0; k < re.length; k++) {
    const yr = ar[k] / m, yi = ai[k] / m;
    re[k] = yr * cr[k] - yi * ci[k];
    im[k] = yr * ci[k] + yi * cr[k];
  }
}

function nextPow2(n: number): number {
  let m = 1;
  while (m < n) m <<= 1;
  return m;
}

/**
 * DFT of any length: X_k = Σ x_n e^{∓2πi kn/N} (− forward, + inverse, unscaled). Returns new arrays.
 * Power-of-two lengths go straight to the radix-2 FFT; others use Bluestein's algorithm.
 */
export function dft(reIn: ArrayLike<number>, imIn: ArrayLike<number>, inverse = false): { re: Float64Array; im: Float64Array } {
  const n = reIn.length;
  if (imIn.length !== n) throw new RangeError('re and im must have the same length');
  if (n === 0) return { re: new Float64Array(0), im: new Float64Array(0) };
  if ((n & (n - 1)) === 0) {
    const re = Float64Array.from(reIn), im = Float64Array.from(imIn);
    fftRadix2(re, im, inverse);
    return { re, im };
  }
  const m = nextPow2(2 * n - 1);
  const { cr, ci, br, bi } = chirp(n, m, inverse);
  const ar = new Float64Array(m), ai = new Float64Array(m);
  chirpMultiply(reIn, imIn, cr, ci, ar, ai, n);
  fftRadix2(ar, ai);
  pointwiseMultiply(ar, ai, br, bi);
  fftRadix2(ar, ai, true);
  const re = new Float64Array(n), im = new Float64Array(n);
  unchirp(ar, ai, cr, ci, re, im, m);
  return { re, im };
}
