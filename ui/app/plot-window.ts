// The time window of a scrolling uPlot plot: columns of equal length, the first holding the times. Shared by the
// arm's live plots and the exoskeleton's.

/** uPlot redraws of a live plot at most this often, ms (~15 Hz: readable, and cheap on a software-GL page). */
export const REDRAW_MS = 66;

/**
 * Keeps the last `windowS` seconds up to time `t` (the newest sample, just pushed). A jump back in time (a new
 * scenario, a reset server) restarts the window at the newest sample.
 */
export function slideWindow(data: number[][], t: number, windowS: number): void {
  const times = data[0];
  if (times.length > 1 && times[times.length - 2] > t) for (const x of data) x.splice(0, x.length - 1);
  while (times.length > 1 && times[0] < t - windowS) for (const x of data) x.shift();
}
