// Maps a client's device timestamps (`input.ts`: ms on the sender's monotonic clock) to the server's clock, so a
// sample is stamped when it was sent rather than when this server's main thread got round to reading it. A
// starved server (a busy machine: a software-GL browser on the same cores) reads in bursts what left the device
// on time; stamped at arrival, the burst looks like a gap the device never had and trips the 30 ms watchdog.
//
// Offset: the smallest arrival − ts over the last OFFSET_WINDOW_MS, i.e. clock offset plus the quickest transit
// seen; late reads only ever add to arrival − ts, so they do not move it. A sample maps to ts + offset, never
// later than its arrival (the offset includes this sample) and never earlier than the sample before it (a ts
// that goes back counts as no time passing). A device that really stops shows the same gap in its timestamps as
// in its arrivals, so the watchdog still trips. A sample still takes effect no earlier than the simulation gets
// it (a tick that has run is not run again): this helps when the simulation is catching up too, as it mostly is
// on a starved machine, and cannot hide a stall of the server from a simulation that kept time.
// Allocation-free: the window is kept as per-bucket minima.

/** How far back the offset estimate looks, ms: much longer than a stall of the server, short against clock drift. */
export const OFFSET_WINDOW_MS = 2000;
const BUCKETS = 8;
const BUCKET_MS = OFFSET_WINDOW_MS / BUCKETS;

export class DeviceClock {
  /** Minimum arrival − ts per bucket of arrival time, and which bucket (arrival / BUCKET_MS) each one holds. */
  private readonly min = new Float64Array(BUCKETS);
  private readonly bucketOf = new Float64Array(BUCKETS).fill(-1);
  private last = Number.NEGATIVE_INFINITY;

  /** The server time (the clock of `arrivedAt`, ms) for a sample sent at `ts` (device ms) that arrived at `arrivedAt`. */
  map(ts: number, arrivedAt: number): number {
    const b = Math.floor(arrivedAt / BUCKET_MS);
    const slot = b % BUCKETS;
    const d = arrivedAt - ts;
    if (this.bucketOf[slot] !== b) {
      this.bucketOf[slot] = b;
      this.min[slot] = d;
    } else if (d < this.min[slot]) this.min[slot] = d;
    let offset = d;
    for (let i = 0; i < BUCKETS; i++) {
      if (this.bucketOf[i] > b - BUCKETS && this.min[i] < offset) offset = this.min[i];
    }
    const t = Math.min(arrivedAt, Math.max(ts + offset, this.last));
    this.last = t;
    return t;
  }
}
