// Test support (not used by the loop): synthetic operator hand motion for the tremor-filter tests and the metric tests.
// Voluntary motion = a chain of minimum-jerk reaches (Flash & Hogan 1985), tremor = sinusoids at 6–12 Hz with random
// phases (REFERENCE.md, "Tremor and scaling"), plus white sensor noise. All randomness comes from a seeded mulberry32,
// so every run of a test sees exactly the same signal.

/** mulberry32: a tiny seeded 32-bit generator; returns uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate by Box–Muller from a uniform generator. */
export function gaussian(rng: () => number): number {
  const u = 1 - rng(); // (0, 1]
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Minimum-jerk blend 10τ³ − 15τ⁴ + 6τ⁵ for τ in [0, 1]. */
export function minimumJerk(tau: number): number {
  const s = tau <= 0 ? 0 : tau >= 1 ? 1 : tau;
  return s * s * s * (10 + s * (-15 + 6 * s));
}

export interface ReachOptions {
  /** reach length range, metres (default 20–60 mm) */
  distance?: [number, number];
  /** reach duration range, seconds (default 1–3 s) */
  duration?: [number, number];
  /** pause between reaches, seconds (default 0–0.4 s) */
  pause?: [number, number];
  /** start position (default origin) */
  start?: [number, number, number];
}

/**
 * Three-axis voluntary motion over n samples at step dt: a chain of minimum-jerk reaches of random length and
 * direction with short pauses between them. The hand is at rest at t = 0.
 */
export function reachingMotion(rng: () => number, n: number, dt: number, opts: ReachOptions = {}): Float64Array[] {
  const [dMin, dMax] = opts.distance ?? [0.02, 0.06];
  const [tMin, tMax] = opts.duration ?? [1, 3];
  const [pMin, pMax] = opts.pause ?? [0, 0.4];
  const out = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const from = [...(opts.start ?? [0, 0, 0])];
  const to = [0, 0, 0];
  let i = 0;
  while (i < n) {
    const dist = dMin + (dMax - dMin) * rng();
    const dur = tMin + (tMax - tMin) * rng();
    const pause = pMin + (pMax - pMin) * rng();
    // random direction, uniform on the sphere
    const z = 2 * rng() - 1;
    const az = 2 * Math.PI * rng();
    const rxy = Math.sqrt(1 - z * z);
    to[0] = from[0] + dist * rxy * Math.cos(az);
    to[1] = from[1] + dist * rxy * Math.sin(az);
    to[2] = from[2] + dist * z;
    const nMove = Math.round(dur / dt);
    const nPause = Math.round(pause / dt);
    for (let k = 0; k < nMove + nPause && i < n; k++, i++) {
      const s = minimumJerk(k / nMove);
      for (let a = 0; a < 3; a++) out[a][i] = from[a] + (to[a] - from[a]) * s;
    }
    for (let a = 0; a < 3; a++) from[a] = to[a];
  }
  return out;
}

/**
 * Sinusoidal tremor of the given amplitude on one axis. `freqHz` may be a function of time (drifting tremor);
 * the phase is the running integral of the frequency, so the signal stays smooth.
 */
export function tremorSignal(n: number, dt: number, amplitude: number, freqHz: number | ((t: number) => number), phase: number): Float64Array {
  const out = new Float64Array(n);
  let ph = phase;
  for (let i = 0; i < n; i++) {
    const f = typeof freqHz === 'number' ? freqHz : freqHz(i * dt);
    out[i] = amplitude * Math.sin(ph);
    ph += 2 * Math.PI * f * dt;
  }
  return out;
}

export interface TremorTrialOptions {
  seed: number;
  /** seconds (default 10) */
  duration?: number;
  /** seconds (default 0.001) */
  dt?: number;
  /** tremor amplitude per axis, metres (default 0.3 mm) */
  amplitude?: number;
  /** tremor frequency, Hz, constant or a function of time (default 9 Hz) */
  freqHz?: number | ((t: number) => number);
  /** white noise standard deviation, metres (default 5 µm) */
  noise?: number;
  reach?: ReachOptions;
}

export interface TremorTrial {
  dt: number;
  voluntary: Float64Array[];
  tremor: Float64Array[];
  noise: Float64Array[];
  /** voluntary + tremor + noise: what the hand sensor reports */
  input: Float64Array[];
}

/** A three-axis hand-motion trial: minimum-jerk reaches + tremor (random phase per axis) + white noise. */
export function tremorTrial(opts: TremorTrialOptions): TremorTrial {
  const dt = opts.dt ?? 0.001;
  const n = Math.round((opts.duration ?? 10) / dt);
  const rng = mulberry32(opts.seed);
  const voluntary = reachingMotion(rng, n, dt, opts.reach);
  const tremor: Float64Array[] = [];
  const noise: Float64Array[] = [];
  const input: Float64Array[] = [];
  const sigma = opts.noise ?? 5e-6;
  for (let a = 0; a < 3; a++) {
    tremor.push(tremorSignal(n, dt, opts.amplitude ?? 3e-4, opts.freqHz ?? 9, 2 * Math.PI * rng()));
    const nz = new Float64Array(n);
    for (let i = 0; i < n; i++) nz[i] = sigma * gaussian(rng);
    noise.push(nz);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = voluntary[a][i] + tremor[a][i] + nz[i];
    input.push(x);
  }
  return { dt, voluntary, tremor, noise, input };
}
