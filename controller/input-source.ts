// Where operator input comes from: a scripted hand, a file, a live WebSocket client, a device bridge.
import type { OperatorInput } from './frame.ts';

export interface InputSource {
  /**
   * Fills `out` with the sample for this tick and returns true, or returns false when nothing new
   * arrived (a dropout, or a live device that has not sent). Values are validated by the latch, not here.
   */
  sample(tick: number, out: OperatorInput): boolean;
}

/** A source a live client writes into; the loop latches the newest sample at its next tick. */
export class LatestValueSource implements InputSource {
  private readonly pending: OperatorInput;
  private hasNew = false;

  constructor(initial: OperatorInput) {
    this.pending = initial;
  }

  push(p: ArrayLike<number>, q: ArrayLike<number>, grip: number, clutch: boolean): void {
    this.pending.p.set(p);
    this.pending.q.set(q);
    this.pending.grip = grip;
    this.pending.clutch = clutch;
    this.hasNew = true;
  }

  sample(_tick: number, out: OperatorInput): boolean {
    if (!this.hasNew) return false;
    out.p.set(this.pending.p);
    out.q.set(this.pending.q);
    out.grip = this.pending.grip;
    out.clutch = this.pending.clutch;
    this.hasNew = false;
    return true;
  }
}
