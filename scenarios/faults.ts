// Fault injection between the operator's device and the loop, and between the joints and their encoders:
// - `DelayedInput`: samples arrive late (input_latency), delivered in order: a sample overtaken by a newer one is
//   never delivered after it (the newer supersedes it, as a teleoperation receiver keeps only the latest).
// - `LossyInput`: samples are lost with a probability (packet_loss).
// - `JointSensorNoise`: Gaussian noise on the measured joint positions (sensor_noise), a `JointSensorModel` on the
//   simulated robot, so the bodies themselves are untouched.
// All randomness comes from the seeded stream each is given (one per purpose and robot). Nothing is allocated per tick.
import { copyInput, operatorInput, type OperatorInput } from '../controller/frame.ts';
import type { InputSource } from '../controller/input-source.ts';
import type { JointSensorModel } from '../sim/robot.ts';
import type { Rng } from './random.ts';
import type { ScenarioEvent } from './schema.ts';
import { rngStream } from './random.ts';

/** A fault window in ticks, [start, end). */
interface TickWindow {
  readonly start: number;
  readonly end: number;
}

export interface LatencyWindow extends TickWindow {
  /** Fixed delay, ticks (may be fractional before rounding with the jitter). */
  readonly delay: number;
  /** Extra delay drawn uniformly from [0, jitter], ticks. */
  readonly jitter: number;
}

export interface LossWindow extends TickWindow {
  readonly probability: number;
}

/** Delays the samples of `inner` inside its windows by the window's delay (plus jitter), delivered in order. */
export class DelayedInput implements InputSource {
  private readonly ring: OperatorInput[];
  private readonly generated: Float64Array;
  private readonly arrival: Float64Array;
  private readonly valid: Uint8Array;
  private lastDelivered = -1;

  constructor(private readonly inner: InputSource, private readonly windows: readonly LatencyWindow[], private readonly rng: Rng) {
    const longest = windows.reduce((m, w) => Math.max(m, Math.ceil(w.delay + w.jitter)), 0);
    // A sample's slot must not be reused before it arrives: one more than the longest delay, and one spare.
    const n = longest + 2;
    this.ring = Array.from({ length: n }, () => operatorInput());
    this.generated = new Float64Array(n).fill(-1);
    this.arrival = new Float64Array(n);
    this.valid = new Uint8Array(n);
  }

  sample(tick: number, out: OperatorInput): boolean {
    const n = this.ring.length;
    const slot = tick % n;
    this.valid[slot] = this.inner.sample(tick, this.ring[slot]) ? 1 : 0;
    this.generated[slot] = tick;
    this.arrival[slot] = tick + this.delayAt(tick);
    // The newest sample that has arrived and is newer than the last one delivered.
    const oldest = Math.max(this.lastDelivered + 1, tick - n + 1, 0);
    for (let k = tick; k >= oldest; k--) {
      const s = k % n;
      if (this.generated[s] === k && this.valid[s] === 1 && this.arrival[s] <= tick) {
        copyInput(out, this.ring[s]);
        this.lastDelivered = k;
        return true;
      }
    }
    return false;
  }

  /** Delay of the sample made at `tick`, in whole ticks (0 outside every window). */
  private delayAt(tick: number): number {
    const w = this.windows;
    for (let i = 0; i < w.length; i++) {
      if (tick >= w[i].start && tick < w[i].end) {
        return Math.round(w[i].delay + (w[i].jitter > 0 ? w[i].jitter * this.rng.uniform() : 0));
      }
    }
    return 0;
  }
}

/** Drops samples of `inner` inside its windows with the window's probability. */
export class LossyInput implements InputSource {
  /** Samples offered inside a window, and how many of them were dropped. */
  offered = 0;
  dropped = 0;

  constructor(private readonly inner: InputSource, private readonly windows: readonly LossWindow[], private readonly rng: Rng) {}

  sample(tick: number, out: OperatorInput): boolean {
    const ok = this.inner.sample(tick, out);
    const w = this.windows;
    let p = 0;
    for (let i = 0; i < w.length; i++) if (tick >= w[i].start && tick < w[i].end && w[i].probability > p) p = w[i].probability;
    if (p === 0) return ok;
    // One draw per tick inside a window, whether or not a sample came: the stream does not depend on dropouts.
    const u = this.rng.uniform();
    if (!ok) return false;
    this.offered++;
    if (u < p) {
      this.dropped++;
      return false;
    }
    return true;
  }
}

/**
 * The operator input of one robot with its scenario's network faults on top: packet loss first (a lost sample
 * never arrives), then latency. Returns `source` itself when the scenario has neither for this robot.
 */
export function withInputFaults(source: InputSource, events: readonly ScenarioEvent[], robot: string, dt: number, seed: number): InputSource {
  const ticks = (t: number): number => Math.round(t / dt);
  const loss: LossWindow[] = [];
  const latency: LatencyWindow[] = [];
  for (const e of events) {
    if (e.kind === 'packet_loss' && e.robot === robot) loss.push({ start: ticks(e.t), end: ticks(e.t + e.duration), probability: e.probability });
    if (e.kind === 'input_latency' && e.robot === robot) {
      latency.push({ start: ticks(e.t), end: ticks(e.t + e.duration), delay: e.delay_ms / 1000 / dt, jitter: e.jitter_ms / 1000 / dt });
    }
  }
  let s = source;
  if (loss.length > 0) s = new LossyInput(s, loss, rngStream(seed, `packet-loss:${robot}`));
  if (latency.length > 0) s = new DelayedInput(s, latency, rngStream(seed, `input-latency:${robot}`));
  return s;
}

/** Encoder noise: while on, each measured joint position gets N(0, sigma²) added (rad or m, the joint's unit). */
export class JointSensorNoise implements JointSensorModel {
  /** Per joint, the standard deviation in use; 0 where the joint is clean. */
  readonly sigma: Float64Array;
  private on = 0;

  constructor(joints: number, private readonly rng: Rng) {
    this.sigma = new Float64Array(joints);
  }

  /** Turns noise on (sigma > 0) or off (sigma = 0) for one joint, or for all when `joint` is negative. */
  set(joint: number, sigma: number): void {
    if (joint < 0) this.sigma.fill(sigma);
    else this.sigma[joint] = sigma;
    this.on = 0;
    for (let j = 0; j < this.sigma.length; j++) if (this.sigma[j] > 0) this.on++;
  }

  measure(position: Float64Array): void {
    if (this.on === 0) return;
    const s = this.sigma;
    for (let j = 0; j < s.length; j++) if (s[j] > 0) position[j] += s[j] * this.rng.gaussian();
  }
}
