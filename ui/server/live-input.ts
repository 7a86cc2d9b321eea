// A live operator device as an InputSource. Each sample is stamped when the server received it (or, with a
// device timestamp, when it was sent: device-clock.ts) and becomes fresh on the first tick after that moment, as
// the realtime clock maps wall time to ticks: on time, that is simply the next tick. When the simulation runs late
// and catches up in a burst, the samples that arrived meanwhile are handed out at the ticks they arrived at, so the
// loop sees the device's own cadence — a hiccup of the server is not mistaken for a device that stopped (the 30 ms
// watchdog trips only when samples really do stop).
// Several samples for one tick: the latest wins. Ticks with nothing new return false. Allocation-free per tick.
import type { InputSource } from '../../controller/input-source.ts';
import type { OperatorInput } from '../../controller/frame.ts';

/** Samples waiting at most (a 1 kHz device over the 100 ms the simulation may lag, with room). */
const CAPACITY = 256;

export class LiveInputSource implements InputSource {
  private readonly p = new Float64Array(3 * CAPACITY);
  private readonly q = new Float64Array(4 * CAPACITY);
  private readonly grip = new Float64Array(CAPACITY);
  private readonly clutch = new Uint8Array(CAPACITY);
  /** First tick each waiting sample may be taken at. */
  private readonly due = new Float64Array(CAPACITY);
  private head = 0;
  private count = 0;
  private lastDue = 0;
  /** Samples received, and taken by the loop (for statistics). */
  received = 0;
  consumed = 0;

  /**
   * Queues a sample (already validated: finite, unit quaternion, in the workspace) for tick `due` or later.
   * Returns the tick it was queued for (later than `due` when an earlier sample was queued for later still).
   */
  push(p: ArrayLike<number>, q: ArrayLike<number>, grip: number, clutch: boolean, due: number): number {
    if (this.count === CAPACITY) { // full: the oldest goes
      this.head = (this.head + 1) % CAPACITY;
      this.count--;
    }
    const i = (this.head + this.count) % CAPACITY;
    this.p[3 * i] = p[0]; this.p[3 * i + 1] = p[1]; this.p[3 * i + 2] = p[2];
    this.q[4 * i] = q[0]; this.q[4 * i + 1] = q[1]; this.q[4 * i + 2] = q[2]; this.q[4 * i + 3] = q[3];
    this.grip[i] = grip;
    this.clutch[i] = clutch ? 1 : 0;
    // Samples keep their order even if the clock's mapping moved (a slip).
    this.lastDue = this.due[i] = Math.max(due, this.lastDue);
    this.count++;
    this.received++;
    return this.lastDue;
  }

  sample(tick: number, out: OperatorInput): boolean {
    let found = -1;
    while (this.count > 0 && this.due[this.head] <= tick) {
      found = this.head;
      this.head = (this.head + 1) % CAPACITY;
      this.count--;
    }
    if (found < 0) return false;
    out.p[0] = this.p[3 * found]; out.p[1] = this.p[3 * found + 1]; out.p[2] = this.p[3 * found + 2];
    out.q[0] = this.q[4 * found]; out.q[1] = this.q[4 * found + 1]; out.q[2] = this.q[4 * found + 2]; out.q[3] = this.q[4 * found + 3];
    out.grip = this.grip[found];
    out.clutch = this.clutch[found] === 1;
    this.consumed++;
    return true;
  }
}
