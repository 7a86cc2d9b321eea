// The simulated patient's behaviour, all seeded (one random stream per purpose): the muscle torque at each limb
// joint, written into the physics model before each step, and the intent signals its sensors deliver.
//
// - Voluntary torque: the patient follows their own intended gait — the normative curves at the trainer's cadence,
//   entrained to the rhythm the device imposes (the reference phase is the cue they walk to) — with per-stride
//   variability in timing and amplitude. A PD law on the intended angles, scaled by a strength per joint from 0
//   (paralysed) to 1 (healthy): hemiparesis is one weak side. Capped by the muscle's residual capacity.
// - Spasticity: velocity-dependent resistance to stretch above a threshold angle (stretch reflex).
// - Fatigue: three-compartment model per muscle group (fatigue.ts).
// - Intent: at set times the patient means to step (an `intent` event, the truth); EMG and decoder confidence follow.
import { map } from 'rxjs';
import type { Stage } from '../../controller/loop.ts';
import type { EventLog } from '../../controller/events.ts';
import type { ExoFrame } from '../../controller/exo/exo-frame.ts';
import type { IntentSignals } from '../../controller/exo/intent.ts';
import type { ReferenceGait } from '../../controller/exo/normative-gait.ts';
import type { SimExo } from '../../sim/exo/sim-exo.ts';
import { LIMB_NAMES } from '../../sim/exo/exo-spec.ts';
import { rngStream, type Rng } from '../random.ts';
import { ThreeCompartmentFatigue, type FatigueParams } from './fatigue.ts';
import { BciSignal, EmgSignal, type BciSignalParams, type EmgSignalParams } from './intent-signals.ts';
import { clampAbs } from '../../sim/math/clamp.ts';

export interface SpasticityParams {
  /** Limb joint (3·side + joint). */
  readonly limb: number;
  /** +1: stretched by flexion (resists flexion, e.g. the knee extensors); −1: stretched by extension. */
  readonly direction: 1 | -1;
  /** Angle past which the reflex acts, rad (in the stretching direction), and its ramp-in width, rad. */
  readonly threshold: number;
  /** Resistance per rad/s of stretch velocity, N·m·s/rad, and the velocity below which there is none, rad/s. */
  readonly gain: number;
  readonly velocityThreshold: number;
  /** Tonic part of the reflex (hypertonia): resistance per rad past the threshold, N·m/rad. */
  readonly tone: number;
}

export interface PatientBehaviour {
  /** Per limb joint (left hip … right ankle), 0 … 1. */
  readonly strength: Float64Array;
  /** Voluntary PD gains and the strongest torque per joint kind (hip, knee, ankle), at strength 1. */
  readonly kp: readonly [number, number, number];
  readonly kd: readonly [number, number, number];
  readonly maxTorque: readonly [number, number, number];
  readonly spasticity: readonly SpasticityParams[];
  readonly fatigue?: FatigueParams;
  /** Per-stride variability: SD of the timing offset (strides) and of the amplitude factor. */
  readonly timingSd: number;
  readonly amplitudeSd: number;
  readonly intent: {
    /** Times the patient means to step, s. */
    readonly times: readonly number[];
    readonly durationS: number;
    readonly emg: EmgSignalParams;
    readonly bci: BciSignalParams;
  };
}

export class PatientModel implements IntentSignals {
  emg = 0;
  bci = 0;
  /** Voluntary part of the muscle torque per limb joint, N·m (for active participation). */
  readonly voluntary = new Float64Array(6);
  readonly spastic = new Float64Array(6);
  readonly fatigue: ThreeCompartmentFatigue | undefined;
  private readonly emgSignal: EmgSignal;
  private readonly bciSignal: BciSignal;
  private readonly variability: Rng;
  private readonly timing = new Float64Array(2);
  private readonly amplitude = new Float64Array(6).fill(1);
  private readonly qInt = new Float64Array(3);
  private readonly qdInt = new Float64Array(3);
  private readonly intentTicks: number[];
  private nextIntent = 0;
  private intentUntil = -1;

  constructor(private readonly b: PatientBehaviour, private readonly sim: SimExo, private readonly gait: ReferenceGait, seed: number, private readonly dt: number) {
    this.variability = rngStream(seed, 'patient-variability');
    this.emgSignal = new EmgSignal(b.intent.emg, rngStream(seed, 'patient-emg'), dt);
    this.bciSignal = new BciSignal(b.intent.bci, rngStream(seed, 'patient-bci'), rngStream(seed, 'patient-bci-miss'), dt, b.intent.durationS);
    this.fatigue = b.fatigue ? new ThreeCompartmentFatigue(b.fatigue, 6) : undefined;
    this.intentTicks = [...b.intent.times].sort((x, y) => x - y).map((t) => Math.round(t / dt));
  }

  /** The patient's stage, right before the physics step. `f` is read only for the rhythm the device walks to. */
  stage(f: ExoFrame, log: EventLog): Stage {
    return map((frame) => {
      this.intentStep(frame.tick, f, log);
      this.muscles(f);
      return frame;
    });
  }

  private intentStep(tick: number, f: ExoFrame, log: EventLog): void {
    const ticks = this.intentTicks;
    while (this.nextIntent < ticks.length && ticks[this.nextIntent] <= tick) {
      this.nextIntent++;
      this.intentUntil = tick + Math.round(this.b.intent.durationS / this.dt);
      const decoded = this.bciSignal.intend(tick);
      log.emit(tick, f.hw.id, 'intent', `the patient means to step${decoded ? '' : ' (the brain decoder will miss it)'}`, decoded ? 1 : 0);
    }
    const meaning = tick < this.intentUntil ? 1 : 0;
    this.emg = this.emgSignal.sample(meaning);
    this.bci = this.bciSignal.sample(tick);
  }

  private muscles(f: ExoFrame): void {
    const b = this.b, sim = this.sim;
    const q = sim.limbQ, qd = sim.limbQd;
    const rate = f.phaseRate * this.gait.strideTime;
    for (let s = 0; s < 2; s++) {
      // A new stride of this leg: new timing and amplitude for it.
      if (f.strideStart[s] === 1) {
        this.timing[s] = b.timingSd * this.variability.gaussian();
        for (let k = 0; k < 3; k++) this.amplitude[3 * s + k] = 1 + b.amplitudeSd * this.variability.gaussian();
      }
      this.gait.leg(f.phase + 0.5 * s + this.timing[s], this.qInt, this.qdInt);
      for (let k = 0; k < 3; k++) {
        const i = 3 * s + k;
        const a = this.amplitude[i];
        const pd = b.kp[k] * (a * this.qInt[k] - q[i]) + b.kd[k] * (a * rate * this.qdInt[k] - qd[i]);
        const max = b.maxTorque[k];
        let cap = max;
        if (this.fatigue) {
          const tl = Math.abs(pd) / max;
          this.fatigue.step(i, tl > 1 ? 1 : tl, this.dt);
          cap = max * this.fatigue.capacity(i);
        }
        const v = b.strength[i] * clampAbs(pd, cap);
        this.voluntary[i] = v;
      }
    }
    this.spastic.fill(0);
    for (const sp of b.spasticity) {
      // Stretch angle and velocity in the stretching direction; resistance ramps in over 10° past the threshold.
      const angle = sp.direction * q[sp.limb], vel = sp.direction * qd[sp.limb];
      if (angle > sp.threshold) {
        const ramp = Math.min(1, (angle - sp.threshold) / (10 * Math.PI / 180));
        const phasic = vel > sp.velocityThreshold ? sp.gain * (vel - sp.velocityThreshold) : 0;
        this.spastic[sp.limb] -= sp.direction * (phasic + sp.tone * (angle - sp.threshold)) * ramp;
      }
    }
    for (let i = 0; i < 6; i++) sim.muscleTorque[i] = this.voluntary[i] + this.spastic[i];
  }

  /** The patient's state for the state hash: variability draws, fatigue compartments, signals. */
  stateSize(): number {
    return 2 + 6 + (this.fatigue ? 18 : 0) + 2;
  }

  writeState(out: Float64Array, o: number): number {
    out.set(this.timing, o); o += 2;
    out.set(this.amplitude, o); o += 6;
    if (this.fatigue) { out.set(this.fatigue.state, o); o += 18; }
    out[o++] = this.emg; out[o++] = this.bci;
    return o;
  }

  stateLabels(id: string): string[] {
    const limbs = LIMB_NAMES;
    const out = [`${id} patient timing left`, `${id} patient timing right`, ...limbs.map((l) => `${id} patient amplitude ${l}`)];
    if (this.fatigue) for (const l of limbs) out.push(`${id} patient fatigue ${l} MA`, `${id} patient fatigue ${l} MR`, `${id} patient fatigue ${l} MF`);
    out.push(`${id} patient emg`, `${id} patient bci`);
    return out;
  }
}
