// The patient's intent as the sensors see it, seeded: a surface EMG channel (noise whose amplitude rises with
// muscle activation when the patient means to step) and a brain-interface decoder's confidence (low at rest, high
// after a decoding latency when the patient means to step; with misses and false positives at set rates).
// The truth — when the patient meant to step — is logged as an `intent` event, so detection can be scored.
import type { Rng } from '../random.ts';

export interface EmgSignalParams {
  /** Noise amplitude at rest and the extra amplitude at full activation, mV (SD of the raw signal). */
  readonly restMv: number;
  readonly burstMv: number;
  /** Activation rise and fall time constant, s. */
  readonly tauS: number;
}

export interface BciSignalParams {
  /** Time from the intent to the decoder's confidence rising, s (100–300 ms in ../shared/REFERENCE.md). */
  readonly latencyS: number;
  /** Decoder output rate, Hz; confidence holds between outputs. */
  readonly rateHz: number;
  readonly restConfidence: number;
  readonly activeConfidence: number;
  readonly noise: number;
  /** Spurious high-confidence epochs per minute, and the share of intents the decoder misses. */
  readonly falsePositivesPerMin: number;
  readonly missRate: number;
}

export class EmgSignal {
  private activation = 0;
  constructor(private readonly p: EmgSignalParams, private readonly rng: Rng, private readonly dt: number) {}

  /** One raw sample for a muscle drive `drive` (0 … 1). */
  sample(drive: number): number {
    this.activation += (this.dt / this.p.tauS) * (drive - this.activation);
    return (this.p.restMv + this.p.burstMv * this.activation) * this.rng.gaussian();
  }
}

export class BciSignal {
  private readonly period: number;
  private confidence: number;
  /** End tick of the current high epoch (intended or spurious), and the tick the next intended one starts. */
  private highUntil = -1;
  private pendingStart = -1;
  private pendingEnd = -1;

  constructor(private readonly p: BciSignalParams, private readonly rng: Rng, private readonly miss: Rng, private readonly dt: number, private readonly epochS: number) {
    this.period = Math.max(1, Math.round(1 / (p.rateHz * dt)));
    this.confidence = p.restConfidence;
  }

  /** The patient means to step from this tick: the decoder will (unless it misses) follow after its latency. Returns false for a miss. */
  intend(tick: number): boolean {
    if (this.miss.uniform() < this.p.missRate) return false;
    this.pendingStart = tick + Math.round(this.p.latencyS / this.dt);
    this.pendingEnd = this.pendingStart + Math.round(this.epochS / this.dt);
    return true;
  }

  sample(tick: number): number {
    if (tick === this.pendingStart) this.highUntil = Math.max(this.highUntil, this.pendingEnd);
    if (tick % this.period === 0) {
      // A spurious epoch may start at any decoder output (Poisson at the set rate).
      const pFalse = (this.p.falsePositivesPerMin / 60) * this.period * this.dt;
      if (this.rng.uniform() < pFalse) this.highUntil = Math.max(this.highUntil, tick + Math.round(this.epochS / this.dt));
      const mean = tick < this.highUntil ? this.p.activeConfidence : this.p.restConfidence;
      const c = mean + this.p.noise * this.rng.gaussian();
      this.confidence = c < 0 ? 0 : c > 1 ? 1 : c;
    }
    return this.confidence;
  }

  get state(): number {
    return this.confidence;
  }
}
