// The exoskeleton's metrics, computed from what happened: a tap after the monitors records per tick into
// preallocated accumulators, `finish` turns them into numbers named like the arms' (`exo.knee_rom_deg.left`).
//
// - Range of motion per joint and side: max − min of the patient's joint angle within each complete stride
//   (heel strike to heel strike of that leg in the reference), averaged over strides; tracking RMSE to the reference.
// - Gait events from the foot switches: heel strikes (strides, cadence, step length and its symmetry index).
// - Active participation: the patient's share of the mechanical work at the actuated joints, voluntary muscle
//   work against the device's interaction work, |τ·ω| integrated.
// - Assistance (the controllers' guidance): at the start, at the end, per stride (series), per side.
// - Interaction torque peak and mean; intent scoring against the patient's true intents; safe-state latency.
import { map } from 'rxjs';
import type { Stage } from '../../controller/loop.ts';
import type { EventLog, SimEvent } from '../../controller/events.ts';
import type { ExoFrame } from '../../controller/exo/exo-frame.ts';
import type { SimExo } from '../../sim/exo/sim-exo.ts';
import type { PatientModel } from '../patient/patient-model.ts';
import type { AssistAsNeeded } from '../../controller/exo/assist-as-needed.ts';
import { LIMB_JOINTS, SIDES } from '../../sim/exo/exo-spec.ts';
import { round } from '../round.ts';
import { doubleArray } from '../metrics/double-array.ts';

const TO_DEG = 180 / Math.PI;
/** A foot must have been off the belt this long before touching again counts as a heel strike, s; and the touch
 *  must last this long (a toe scuffing the belt in swing is no step), s. */
const SWING_MIN_S = 0.15;
const STANCE_MIN_S = 0.1;
/** An intent and a detection match when the detection follows within this, s. */
const MATCH_WINDOW_S = 2;

export class ExoMetrics {
  private readonly n: number;
  // Per limb joint: min/max within the current stride, and the sum and count of complete-stride ROMs.
  private readonly lo = new Float64Array(6).fill(Infinity);
  private readonly hi = new Float64Array(6).fill(-Infinity);
  private readonly romSum = new Float64Array(6);
  private readonly romCount = new Float64Array(6);
  private readonly allLo = new Float64Array(6).fill(Infinity);
  private readonly allHi = new Float64Array(6).fill(-Infinity);
  /** Per leg: whether the stride in progress is whole (walked throughout, never in the safe state). */
  private readonly strideClean = new Uint8Array(2);
  private readonly strideSeen = new Uint8Array(2);
  private readonly errSq = new Float64Array(6);
  private errCount = 0;
  private readonly workPatient = new Float64Array(6);
  private readonly workDevice = new Float64Array(6);
  private intPeak = 0;
  private intSum = 0;
  private ticks = 0;
  // Foot switches.
  private readonly lastContact = new Uint8Array(2);
  private readonly offTicks = new Float64Array(2).fill(1e9);
  private readonly onTicks = new Float64Array(2);
  /** Per foot: a touch-down waiting to be confirmed as a heel strike (its tick and step length), −1 none. */
  private readonly pendingTick = new Float64Array(2).fill(-1);
  private readonly pendingStep = new Float64Array(2);
  private readonly heelStrikes: number[][] = [doubleArray(), doubleArray()];
  private readonly liftOffs: number[] = [];
  private readonly stepLength: number[][] = [doubleArray(), doubleArray()];
  // Assistance.
  private assistanceStart = Number.NaN;
  private readonly assistanceSeries: number[][] = [doubleArray(), doubleArray(), doubleArray()];
  private readonly perJointSeries: number[][];
  private readonly assistMin = new Float64Array(2).fill(Infinity);
  private readonly actuated = new Uint8Array(6);

  private readonly errorSeries: number[][];

  constructor(private readonly sim: SimExo, private readonly f: ExoFrame, private readonly patient: PatientModel, private readonly log: EventLog, private readonly dt: number, private readonly aan?: AssistAsNeeded) {
    this.n = f.guidance.length;
    this.errorSeries = Array.from({ length: this.n }, doubleArray);
    for (let j = 0; j < this.n; j++) this.actuated[f.limbOfDrive[j]] = 1;
    this.perJointSeries = Array.from({ length: this.n }, doubleArray);
    this.lastContact.set(sim.footContact);
  }

  stage(): Stage {
    return map((frame) => {
      this.sample(frame.tick);
      return frame;
    });
  }

  private sample(tick: number): void {
    const sim = this.sim, f = this.f;
    const q = sim.limbQ, qd = sim.limbQd;
    const walking = f.phaseRate > 0 && !f.safe;
    if (Number.isNaN(this.assistanceStart)) this.assistanceStart = this.meanGuidance(-1);
    for (let s = 0; s < 2; s++) {
      if (f.strideStart[s] === 1) {
        // A stride of leg s ends: its ROM counts when the whole stride was walked.
        if (this.strideSeen[s] === 1 && this.strideClean[s] === 1) {
          for (let k = 0; k < 3; k++) {
            const i = 3 * s + k;
            this.romSum[i] += this.hi[i] - this.lo[i];
            this.romCount[i]++;
          }
        }
        for (let k = 0; k < 3; k++) { this.lo[3 * s + k] = Infinity; this.hi[3 * s + k] = -Infinity; }
        this.strideSeen[s] = 1;
        this.strideClean[s] = 1;
        const g = this.meanGuidance(s);
        this.assistanceSeries[s].push(round(g, 4));
        if (g < this.assistMin[s]) this.assistMin[s] = g;
        if (s === 0) {
          this.assistanceSeries[2].push(round(this.meanGuidance(-1), 4));
          for (let j = 0; j < this.n; j++) this.perJointSeries[j].push(round(f.guidance[j], 4));
          if (this.aan) for (let j = 0; j < this.n; j++) this.errorSeries[j].push(round(this.aan.lastErrorDeg[j], 3));
        }
      }
      if (!walking) this.strideClean[s] = 0;
    }
    for (let i = 0; i < 6; i++) {
      const v = q[i];
      if (v < this.lo[i]) this.lo[i] = v;
      if (v > this.hi[i]) this.hi[i] = v;
      if (walking) {
        if (v < this.allLo[i]) this.allLo[i] = v;
        if (v > this.allHi[i]) this.allHi[i] = v;
        const e = f.qRef[i] - v;
        this.errSq[i] += e * e;
      }
      if (this.actuated[i] === 1) {
        const w = qd[i] * this.dt;
        this.workPatient[i] += Math.abs(this.patient.voluntary[i] * w);
        this.workDevice[i] += Math.abs(sim.cuffTorque[i] * w);
      }
    }
    if (walking) this.errCount++;
    for (let j = 0; j < this.n; j++) {
      const t = Math.abs(sim.interactionTorque[j]);
      if (t > this.intPeak) this.intPeak = t;
      this.intSum += t;
    }
    this.ticks++;
    // Foot switches: a heel strike is a touch-down after a swing.
    for (let s = 0; s < 2; s++) {
      const c = sim.footContact[s];
      if (c === 1) {
        if (this.lastContact[s] === 0 && this.offTicks[s] * this.dt >= SWING_MIN_S) {
          this.pendingTick[s] = tick;
          this.pendingStep[s] = sim.ankleX[s] - sim.ankleX[1 - s];
        }
        this.onTicks[s]++;
        if (this.onTicks[s] * this.dt >= STANCE_MIN_S) {
          if (this.pendingTick[s] >= 0) {
            this.heelStrikes[s].push(this.pendingTick[s]);
            this.stepLength[s].push(this.pendingStep[s]);
            this.pendingTick[s] = -1;
          }
          this.offTicks[s] = 0; // a real stance restarts the swing timer; a scuff does not
        }
      } else {
        if (this.lastContact[s] === 1) {
          if (this.onTicks[s] * this.dt >= STANCE_MIN_S) this.liftOffs.push(tick);
          this.pendingTick[s] = -1;
        }
        this.onTicks[s] = 0;
        this.offTicks[s]++;
      }
      this.lastContact[s] = c;
    }
    if (f.safe) for (let s = 0; s < 2; s++) { const g = this.meanGuidance(s); if (g < this.assistMin[s]) this.assistMin[s] = g; }
  }

  /** Mean guidance of one side's drives (−1: all drives). */
  private meanGuidance(side: number): number {
    const f = this.f;
    let sum = 0, n = 0;
    for (let j = 0; j < this.n; j++) {
      if (side >= 0 && f.limbOfDrive[j] >= 3 !== (side === 1)) continue;
      sum += f.guidance[j];
      n++;
    }
    return n > 0 ? sum / n : 0;
  }

  finish(id: string): { metrics: Record<string, number>; series: Record<string, number[]> } {
    const out: Record<string, number> = {};
    const m = (name: string, v: number, digits = 3) => { out[`${id}.${name}`] = Number.isFinite(v) ? round(v, digits) : v; };
    const rom = new Float64Array(6);
    for (let s = 0; s < 2; s++) {
      for (let k = 0; k < 3; k++) {
        const i = 3 * s + k;
        rom[i] = this.romCount[i] > 0 ? (this.romSum[i] / this.romCount[i]) * TO_DEG : this.allHi[i] > this.allLo[i] ? (this.allHi[i] - this.allLo[i]) * TO_DEG : 0;
        m(`${LIMB_JOINTS[k]}_rom_deg.${SIDES[s]}`, rom[i], 2);
        m(`${LIMB_JOINTS[k]}_rmse_deg.${SIDES[s]}`, this.errCount > 0 ? Math.sqrt(this.errSq[i] / this.errCount) * TO_DEG : 0, 3);
      }
    }
    const si = (l: number, r: number) => (l + r > 0 ? ((r - l) / (0.5 * (r + l))) * 100 : 0);
    const meanStep = (s: number) => { const x = this.stepLength[s].slice(1); return x.length > 0 ? x.reduce((a, b) => a + b, 0) / x.length : Number.NaN; };
    const stepL = meanStep(0), stepR = meanStep(1);
    m('step_length_m.left', stepL, 4);
    m('step_length_m.right', stepR, 4);
    m('step_length_symmetry_pct', Number.isFinite(stepL) && Number.isFinite(stepR) ? si(stepL, stepR) : Number.NaN, 2);
    // Gait symmetry index: of the sagittal excursion of each leg (hip + knee range of motion), right against left.
    m('symmetry_index_pct', si(rom[0] + rom[1], rom[3] + rom[4]), 2);
    m('hip_rom_symmetry_pct', si(rom[0], rom[3]), 2);
    m('knee_rom_symmetry_pct', si(rom[1], rom[4]), 2);
    const part = (from: number, to: number) => {
      let p = 0, d = 0;
      for (let i = from; i < to; i++) { p += this.workPatient[i]; d += this.workDevice[i]; }
      return p + d > 0 ? (100 * p) / (p + d) : 0;
    };
    m('active_participation_pct', part(0, 6), 2);
    m('active_participation_pct.left', part(0, 3), 2);
    m('active_participation_pct.right', part(3, 6), 2);
    const start = this.assistanceStart;
    m('assistance_start', start, 4);
    m('assistance_end', this.meanGuidance(-1), 4);
    m('assistance_end.left', this.meanGuidance(0), 4);
    m('assistance_end.right', this.meanGuidance(1), 4);
    m('assistance_min.left', Number.isFinite(this.assistMin[0]) ? this.assistMin[0] : this.meanGuidance(0), 4);
    m('assistance_min.right', Number.isFinite(this.assistMin[1]) ? this.assistMin[1] : this.meanGuidance(1), 4);
    const half = this.assistanceSeries[2].findIndex((g) => g < 0.5 * start);
    m('strides_to_half_assistance', half, 0);
    m('interaction_torque_peak_nm', this.intPeak, 3);
    m('interaction_torque_mean_nm', this.ticks > 0 ? this.intSum / (this.ticks * this.n) : 0, 3);
    const hsL = this.heelStrikes[0], hsR = this.heelStrikes[1];
    m('strides', Math.max(0, hsL.length - 1), 0);
    const all = [...hsL, ...hsR].sort((a, b) => a - b);
    const span = all.length > 1 ? (all[all.length - 1] - all[0]) * this.dt : 0;
    m('cadence_steps_per_min', span > 0 ? (60 * (all.length - 1)) / span : 0, 2);
    this.intentMetrics(m);
    let cap = 1;
    const fat = this.patient.fatigue;
    if (fat) for (let g = 0; g < fat.groups; g++) cap = Math.min(cap, fat.capacity(g));
    m('fatigue_capacity_min', cap, 4);
    const series: Record<string, number[]> = {
      [`${id}.assistance`]: this.assistanceSeries[2],
      [`${id}.assistance.left`]: this.assistanceSeries[0],
      [`${id}.assistance.right`]: this.assistanceSeries[1],
    };
    this.f.hw.spec.joints.forEach((j, k) => {
      series[`${id}.assistance.${j.name}`] = this.perJointSeries[k];
      // Assist-as-needed: the stride RMS tracking error (deg) each update was made from.
      if (this.aan) series[`${id}.stride_error_deg.${j.name}`] = this.errorSeries[k];
    });
    return { metrics: out, series };
  }

  /** Intents (the truth) against detections and the steps they started; the safe state's latency. */
  private intentMetrics(m: (name: string, v: number, digits?: number) => void): void {
    const ev = this.log.events;
    const intents = ev.filter((e) => e.kind === 'intent');
    const detections = ev.filter((e) => e.kind === 'intent_detected' && e.value === 1);
    const starts = ev.filter((e) => e.kind === 'step_start' && e.value !== undefined && e.value >= 0);
    const window = Math.round(MATCH_WINDOW_S / this.dt);
    const used = new Set<SimEvent>();
    const detectLat: number[] = [], onsetLat: number[] = [];
    let missed = 0;
    for (const i of intents) {
      const d = detections.find((x) => !used.has(x) && x.tick >= i.tick && x.tick <= i.tick + window);
      if (!d) { missed++; continue; }
      used.add(d);
      detectLat.push((d.tick - i.tick) * this.dt * 1000);
      // Step onset: the first foot leaving the belt after the device started the step.
      const lift = this.liftOffs.find((t) => t >= d.tick);
      if (lift !== undefined && lift <= d.tick + window) onsetLat.push((lift - i.tick) * this.dt * 1000);
    }
    const mean = (x: number[]) => (x.length > 0 ? x.reduce((a, b) => a + b, 0) / x.length : Number.NaN);
    m('intents', intents.length, 0);
    m('steps_triggered', starts.length, 0);
    m('false_triggers', detections.length - used.size, 0);
    m('missed_intents', missed, 0);
    m('intent_detection_latency_ms', mean(detectLat), 1);
    m('step_onset_latency_ms', mean(onsetLat), 1);
    // Safe state: ticks from each trigger (a fault event, emergency stop, limit) to the safe state it caused.
    const TRIGGERS = new Set(['estop', 'drive_fault', 'joint_limit', 'velocity_limit', 'torque_limit', 'interaction_limit', 'non_finite']);
    let worst = 0;
    for (const e of ev) {
      if (e.kind !== 'safe_state') continue;
      // The last trigger at or before it (searched from the end: a trigger logged later in the same tick counts).
      for (let k = ev.length - 1; k >= 0; k--) {
        const x = ev[k];
        if (TRIGGERS.has(x.kind) && x.tick <= e.tick) { worst = Math.max(worst, e.tick - x.tick); break; }
      }
    }
    m('safe_state_latency_ticks', worst, 0);
  }
}
