// The two clock drivers: the virtual clock emits every tick synchronously; the realtime clock follows
// the wall clock it is given, catching up in bursts and never skipping a tick.
import { describe, expect, it } from 'vitest';
import { firstValueFrom, map, take, toArray } from 'rxjs';
import { realtimeClock, virtualClock } from '../controller/clock.ts';
import type { TickFrame } from '../controller/frame.ts';

function frame(): TickFrame {
  return { tick: 0, t: 0, dt: 0.001, robots: [] };
}

describe('clocks', () => {
  it('virtual: ticks first…first+n−1 in order, t = tick·dt, synchronously', () => {
    const seen: number[] = [];
    const f = frame();
    virtualClock(f, 5, 10).subscribe((x) => seen.push(x.tick));
    expect(seen).toEqual([10, 11, 12, 13, 14]);
    expect(f.t).toBeCloseTo(0.014, 12);
  });

  it('realtime: a wall clock that jumps ahead is caught up tick by tick, none skipped', async () => {
    let wall = 0;
    // Each look at the clock finds 7.3 ms more gone: the driver must burst to catch up.
    const now = () => (wall += 7.3);
    const ticks = await firstValueFrom(realtimeClock(frame(), { now }).pipe(map((f) => f.tick), take(200), toArray()));
    expect(ticks).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('realtime: it does not run ahead of the wall clock', async () => {
    let wall = 0;
    const now = () => wall;
    const f = frame();
    const seen: number[] = [];
    const sub = realtimeClock(f, { now }).subscribe((x) => seen.push(x.tick));
    wall = 5; // 5 ms: ticks 0…5 are due
    await new Promise((r) => setTimeout(r, 30));
    sub.unsubscribe();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
