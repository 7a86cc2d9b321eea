// A scripted operator hand: the voluntary motion (minimum-jerk between waypoints, or a recorded hand motion
// from a file), plus a physiological tremor (a sinusoid per axis, phases from the seed; its frequency and
// amplitude may drift between two values) and sensor noise. Dropouts and the clutch pedal come from the timeline.
import type { InputSource } from '../controller/input-source.ts';
import type { OperatorInput } from '../controller/frame.ts';
import type { ScenarioInput, ScenarioTremor } from './schema.ts';
import { rngStream, type Rng } from './random.ts';
import { TracePlayer, type HandTrace } from './hand-trace.ts';

const deg = Math.PI / 180;

/** Minimum-jerk blend 10τ³ − 15τ⁴ + 6τ⁵ (Flash & Hogan). */
export function minimumJerk(tau: number): number {
  const t = tau <= 0 ? 0 : tau >= 1 ? 1 : tau;
  return t * t * t * (10 + t * (-15 + 6 * t));
}

/**
 * The tremor of a `tremor:` block at time t, as phase and amplitude. The frequency follows
 * f(t) = f̄ − (Δf/2)·cos(2πt/T) (f0 at t = 0, f1 at T/2), and the phase is its exact integral,
 * φ(t) = 2π·f̄·t − (Δf·T/2)·sin(2πt/T), so the signal stays continuous however the frequency moves.
 * The amplitude drifts the same way. Without a pair, φ = 2πf·t and the amplitude is constant.
 */
export class TremorModel {
  /** 2π·f̄ (rad/s). */
  readonly omega: number;
  /** Δf·T/2: the phase swing of the drift (rad); 0 without drift. */
  private readonly phaseSwing: number;
  /** 2π/T (rad/s); 0 without drift. */
  private readonly driftOmega: number;
  /** Mean amplitude and half its swing (m). */
  private readonly amp: number;
  private readonly ampSwing: number;
  readonly drifting: boolean;

  constructor(tremor: ScenarioTremor | undefined) {
    const [f0, f1] = pair(tremor?.frequency_hz ?? 0);
    const [a0, a1] = pair(tremor?.amplitude_mm ?? 0);
    const T = tremor?.drift_period_s ?? 0;
    this.drifting = T > 0 && (f0 !== f1 || a0 !== a1);
    const fMean = f0 === f1 ? f0 : (f0 + f1) / 2;
    this.omega = 2 * Math.PI * fMean;
    this.phaseSwing = this.drifting ? ((f1 - f0) * T) / 2 : 0;
    this.driftOmega = this.drifting ? (2 * Math.PI) / T : 0;
    this.amp = (a0 === a1 ? a0 : (a0 + a1) / 2) / 1000;
    this.ampSwing = this.drifting ? (a1 - a0) / 2000 : 0;
  }

  /** Phase at time t (rad), before each axis's own offset. */
  phase(t: number): number {
    return this.drifting ? this.omega * t - this.phaseSwing * Math.sin(this.driftOmega * t) : this.omega * t;
  }

  /** Amplitude at time t (m). */
  amplitude(t: number): number {
    return this.drifting ? this.amp - this.ampSwing * Math.cos(this.driftOmega * t) : this.amp;
  }

  /** Instantaneous frequency at time t (Hz): the derivative of the phase over 2π. */
  frequency(t: number): number {
    return (this.omega - this.phaseSwing * this.driftOmega * Math.cos(this.driftOmega * t)) / (2 * Math.PI);
  }
}

function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

export class ScriptedHand implements InputSource {
  private readonly dt: number;
  private readonly times: Float64Array;
  private readonly points: Float64Array; // 3 per waypoint
  private readonly quats: Float64Array; // 4 per waypoint
  private readonly grips: Float64Array;
  /** The recorded voluntary motion when the input is a file (then the waypoint arrays are empty). */
  private readonly player: TracePlayer | undefined;
  readonly tremor: TremorModel;
  private readonly phase = new Float64Array(3);
  private readonly noiseSigma: number;
  private readonly noise: Rng;
  /** Dropout windows [startTick, endTick) during which nothing arrives. */
  private readonly dropouts: [number, number][] = [];
  /** Ticks at which the clutch pedal changes, with its new state. */
  private readonly clutchAt: { tick: number; on: boolean }[] = [];
  /** Ticks at which one sample carries a NaN (fault injection). */
  private readonly nanAt = new Set<number>();
  private clutch = false;
  private clutchIndex = 0;

  /** `trace`: the loaded `input.file` (required when the input is a file, see hand-trace.ts). */
  constructor(input: ScenarioInput, dt: number, seed: number, robotId: string, trace?: HandTrace) {
    this.dt = dt;
    if (input.file !== undefined && !trace) throw new Error(`input.${robotId}.file: the trace of '${input.file}' was not loaded`);
    this.player = input.file !== undefined && trace ? new TracePlayer(trace) : undefined;
    const w = this.player ? [] : input.script ?? [];
    if (!this.player && w.length === 0) throw new Error(`input.${robotId}: expected script (waypoints) or file`);
    this.times = Float64Array.from(w, (x) => x.t);
    this.points = new Float64Array(w.length * 3);
    this.quats = new Float64Array(w.length * 4);
    this.grips = new Float64Array(w.length);
    let grip = 0;
    w.forEach((x, i) => {
      this.points.set(x.p, 3 * i);
      this.quats.set(rpyToQuat(x.rpy_deg ?? [0, 0, 0]), 4 * i);
      grip = x.grip ?? grip;
      this.grips[i] = grip;
    });
    this.tremor = new TremorModel(input.tremor);
    const phases = rngStream(seed, `tremor-phase:${robotId}`);
    for (let k = 0; k < 3; k++) this.phase[k] = 2 * Math.PI * phases.uniform();
    this.noiseSigma = (input.noise?.position_mm ?? 0) / 1000;
    this.noise = rngStream(seed, `input-noise:${robotId}`);
  }

  addDropout(t: number, duration: number): void {
    this.dropouts.push([Math.round(t / this.dt), Math.round((t + duration) / this.dt)]);
  }

  addClutch(t: number, on: boolean): void {
    this.clutchAt.push({ tick: Math.round(t / this.dt), on });
    this.clutchAt.sort((a, b) => a.tick - b.tick);
  }

  addNan(t: number): void {
    this.nanAt.add(Math.round(t / this.dt));
  }

  sample(tick: number, out: OperatorInput): boolean {
    while (this.clutchIndex < this.clutchAt.length && this.clutchAt[this.clutchIndex].tick <= tick) {
      this.clutch = this.clutchAt[this.clutchIndex++].on;
    }
    // Noise is drawn every tick, dropout or not, so a dropout does not shift the later noise.
    const n0 = this.noise.gaussian(), n1 = this.noise.gaussian(), n2 = this.noise.gaussian();
    for (let i = 0; i < this.dropouts.length; i++) {
      const d = this.dropouts[i];
      if (tick >= d[0] && tick < d[1]) return false;
    }
    const t = tick * this.dt;
    let recordedClutch = false;
    if (this.player) recordedClutch = this.player.at(t, out);
    else this.voluntaryAt(t, out);
    const a = this.tremor.amplitude(t), ph = this.tremor.phase(t), s = this.noiseSigma;
    out.p[0] += a * Math.sin(ph + this.phase[0]) + s * n0;
    out.p[1] += a * Math.sin(ph + this.phase[1]) + s * n1;
    out.p[2] += a * Math.sin(ph + this.phase[2]) + s * n2;
    // The pedal is down when the recording or the timeline says so.
    out.clutch = this.clutch || recordedClutch;
    if (this.nanAt.has(tick)) out.p[0] = Number.NaN;
    return true;
  }

  /** The scripted voluntary pose at time t (minimum-jerk between waypoints, held after the last). */
  private voluntaryAt(t: number, out: OperatorInput): void {
    const T = this.times;
    const last = T.length - 1;
    let i = 0;
    while (i < last && t >= T[i + 1]) i++;
    if (t <= T[0] || i >= last) {
      const k = t <= T[0] ? 0 : last;
      for (let c = 0; c < 3; c++) out.p[c] = this.points[3 * k + c];
      for (let c = 0; c < 4; c++) out.q[c] = this.quats[4 * k + c];
      out.grip = this.grips[k];
      return;
    }
    const s = minimumJerk((t - T[i]) / (T[i + 1] - T[i]));
    for (let c = 0; c < 3; c++) out.p[c] = this.points[3 * i + c] + s * (this.points[3 * i + 3 + c] - this.points[3 * i + c]);
    nlerp(out.q, this.quats, 4 * i, 4 * i + 4, s);
    out.grip = this.grips[i] + s * (this.grips[i + 1] - this.grips[i]);
  }
}

function rpyToQuat([r, p, y]: readonly [number, number, number]): Float64Array {
  const cr = Math.cos(r * deg / 2), sr = Math.sin(r * deg / 2);
  const cp = Math.cos(p * deg / 2), sp = Math.sin(p * deg / 2);
  const cy = Math.cos(y * deg / 2), sy = Math.sin(y * deg / 2);
  // R = Rz(yaw)·Ry(pitch)·Rx(roll)
  return Float64Array.of(
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
    cr * cp * cy + sr * sp * sy,
  );
}

/** Normalised linear interpolation of two quaternions (shortest way): close to slerp for waypoint blends. */
function nlerp(out: Float64Array, q: Float64Array, a: number, b: number, s: number): void {
  const dot = q[a] * q[b] + q[a + 1] * q[b + 1] + q[a + 2] * q[b + 2] + q[a + 3] * q[b + 3];
  const sign = dot < 0 ? -1 : 1;
  let n = 0;
  for (let c = 0; c < 4; c++) {
    out[c] = (1 - s) * q[a + c] + s * sign * q[b + c];
    n += out[c] * out[c];
  }
  n = Math.sqrt(n);
  for (let c = 0; c < 4; c++) out[c] /= n;
}
