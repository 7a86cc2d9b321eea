// The two clock drivers. Both push the same TickFrame through the same loop; only the pacing differs.
// - virtual: as fast as the CPU allows (headless runs, replay, tests), synchronously.
// - realtime: paced by a wall clock the caller passes in (the live server), catching up in bursts and
//   never skipping a tick. The wall clock stays outside sim/ and controller/ logic (determinism rule 1).
import { Observable } from 'rxjs';
import type { TickFrame } from './frame.ts';

function advance(frame: TickFrame, tick: number): void {
  frame.tick = tick;
  frame.t = tick * frame.dt;
}

/** Emits ticks first…first+count−1 synchronously, then completes. */
export function virtualClock(frame: TickFrame, count: number, first = frame.tick): Observable<TickFrame> {
  return new Observable<TickFrame>((sub) => {
    for (let k = 0; k < count && !sub.closed; k++) {
      advance(frame, first + k);
      sub.next(frame);
    }
    sub.complete();
  });
}

export interface RealtimeOptions {
  /** Wall clock in ms (e.g. performance.now). */
  readonly now: () => number;
  /** Most ticks run in one burst before yielding to I/O (default 100 ms worth). */
  readonly maxBurst?: number;
  /** Speed factor: 1 is real time. */
  readonly speed?: number;
}

/** Emits ticks paced to the wall clock until unsubscribed. */
export function realtimeClock(frame: TickFrame, opts: RealtimeOptions): Observable<TickFrame> {
  return new Observable<TickFrame>((sub) => {
    const speed = opts.speed ?? 1;
    const maxBurst = opts.maxBurst ?? Math.max(1, Math.round(0.1 / frame.dt));
    const startTick = frame.tick;
    const t0 = opts.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let next = startTick;
    const pump = (): void => {
      const due = startTick + Math.floor(((opts.now() - t0) / 1000) * speed / frame.dt);
      let burst = 0;
      while (next <= due && burst < maxBurst && !sub.closed) {
        advance(frame, next++);
        sub.next(frame);
        burst++;
      }
      if (!sub.closed) timer = setTimeout(pump, burst >= maxBurst ? 0 : 1);
    };
    pump();
    return () => { if (timer) clearTimeout(timer); };
  });
}
