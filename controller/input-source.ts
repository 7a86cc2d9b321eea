// Where operator input comes from: a scripted hand, a file, a live WebSocket client, a device bridge.
import type { OperatorInput } from './frame.ts';

export interface InputSource {
  /**
   * Fills `out` with the sample for this tick and returns true, or returns false when nothing new
   * arrived (a dropout, or a live device that has not sent). Values are validated by the latch, not here.
   */
  sample(tick: number, out: OperatorInput): boolean;
}
