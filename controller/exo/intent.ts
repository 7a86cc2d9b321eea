// Intent detection from the patient's signals: an EMG channel (rectified, low-passed envelope over a threshold of
// baseline mean + k·SD for a dwell time, as in ../shared/REFERENCE.md: 1–3 SD for 20–100 ms) and a brain-interface
// channel (decoder confidence over a threshold for a dwell time). A detection starts a step or a walking bout
// (gait-generator.ts); after one, the channel is deaf for a refractory time (the device is busy stepping).
import { map } from 'rxjs';
import type { Stage } from '../loop.ts';
import type { EventLog } from '../events.ts';
import { ButterworthLowpass } from '../filters/butterworth.ts';
import type { BciTriggerConfig, EmgTriggerConfig, ExoFrame, TriggerConfig } from './exo-frame.ts';

/** What the patient's sensors deliver each tick (written by the patient model, or a device driver). */
export interface IntentSignals {
  /** Raw surface EMG sample, mV. */
  emg: number;
  /** The brain-interface decoder's confidence that the patient wants to step, 0 … 1. */
  bci: number;
}

/** Envelope over threshold for a dwell time; the threshold is learnt from a rest period at the start. */
export class EmgDetector {
  private readonly lp: ButterworthLowpass;
  private readonly baselineTicks: number;
  private readonly settleTicks: number;
  private readonly dwell: DwellTrigger;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  envelope = 0;
  threshold = Number.POSITIVE_INFINITY;
  private tick = 0;

  constructor(private readonly c: EmgTriggerConfig, dt: number) {
    this.lp = new ButterworthLowpass(2, c.envelopeHz, 1 / dt);
    // The filter's start-up transient is not baseline: skip a fifth of the rest period.
    this.settleTicks = Math.round(0.2 * c.baselineS / dt);
    this.baselineTicks = Math.round(c.baselineS / dt);
    this.dwell = new DwellTrigger(c.dwellS, dt);
  }

  /** One sample in; true on the tick intent is detected. */
  step(x: number): boolean {
    const env = this.lp.step(x < 0 ? -x : x);
    this.envelope = env;
    const k = this.tick++;
    if (k < this.baselineTicks) {
      if (k >= this.settleTicks) {
        // Welford's running mean and variance of the resting envelope.
        this.n++;
        const d = env - this.mean;
        this.mean += d / this.n;
        this.m2 += d * (env - this.mean);
      }
      if (k === this.baselineTicks - 1) this.threshold = this.mean + this.c.k * Math.sqrt(this.m2 / Math.max(1, this.n - 1));
      return false;
    }
    return this.dwell.step(env > this.threshold);
  }
}

/** Decoder confidence over a threshold for a dwell time. */
export class BciDetector {
  private readonly dwell: DwellTrigger;

  constructor(private readonly c: BciTriggerConfig, dt: number) {
    this.dwell = new DwellTrigger(c.dwellS, dt);
  }

  step(confidence: number): boolean {
    return this.dwell.step(confidence > this.c.threshold);
  }
}

/** True once when a condition has held for the dwell time; armed again when it stops holding. */
class DwellTrigger {
  private readonly dwellTicks: number;
  private over = 0;
  private armed = true;

  constructor(dwellS: number, dt: number) {
    this.dwellTicks = Math.max(1, Math.round(dwellS / dt));
  }

  step(above: boolean): boolean {
    if (!above) {
      this.over = 0;
      this.armed = true;
      return false;
    }
    this.over++;
    if (this.armed && this.over >= this.dwellTicks) {
      this.armed = false;
      return true;
    }
    return false;
  }
}

/** The intent stage: decodes this tick's signals; a detection outside the refractory time sets `f.detected`. */
export function intentStage(f: ExoFrame, trigger: TriggerConfig, signals: IntentSignals, dt: number, log: EventLog): Stage {
  const emg = trigger.kind === 'emg' ? new EmgDetector(trigger.emg, dt) : undefined;
  const bci = trigger.kind === 'bci' ? new BciDetector(trigger.bci, dt) : undefined;
  const refractory = Math.round(trigger.refractoryS / dt);
  let last = -Infinity;
  return map((frame) => {
    let hit = false;
    if (emg) hit = emg.step(signals.emg);
    else if (bci) hit = bci.step(signals.bci);
    if (hit) {
      const busy = frame.tick - last < refractory;
      if (busy || f.safe) {
        log.emit(frame.tick, f.hw.id, 'intent_detected', `${trigger.kind} intent detected but ignored (${f.safe ? 'safe state' : 'device busy'})`, 0);
      } else {
        last = frame.tick;
        f.detected = true;
        log.emit(frame.tick, f.hw.id, 'intent_detected', trigger.kind === 'emg'
          ? `EMG envelope ${emg!.envelope.toFixed(3)} over ${emg!.threshold.toFixed(3)} mV for ${trigger.emg.dwellS * 1000} ms`
          : `decoder confidence over ${trigger.bci.threshold} for ${trigger.bci.dwellS * 1000} ms`, 1);
      }
    }
    return frame;
  });
}
