// Stage 3 — tremor compensation on the latched operator pose (position per axis, orientation on its rotation
// vector). It runs whatever the teleoperation state, so the filter's memory is always warm. A requested filter
// change (`requestTremorFilter`) replaces the filter, started at rest at the current input, and asks teleop to
// re-capture its offsets so the instrument does not jump.
import { map, type OperatorFunction } from 'rxjs';
import type { TickFrame } from '../frame.ts';
import { createPoseTremorFilter, type TremorFilterConfig } from '../filters/tremor-filter.ts';

export function tremorCompensation(configs: readonly TremorFilterConfig[], fs: number): OperatorFunction<TickFrame, TickFrame> {
  const filters = configs.map((c) => createPoseTremorFilter(c, fs));
  let started = false;
  return map((frame) => {
    const robots = frame.robots;
    if (!started) {
      for (let i = 0; i < robots.length; i++) filters[i].reset(robots[i].input.p, robots[i].input.q);
      started = true;
    }
    for (let i = 0; i < robots.length; i++) {
      const rf = robots[i];
      if (rf.requestTremorFilter !== null) {
        // Allocates, but only on the tick a change was asked for.
        filters[i] = createPoseTremorFilter(rf.requestTremorFilter, fs);
        filters[i].reset(rf.input.p, rf.input.q);
        rf.requestTremorFilter = null;
        rf.recapture = true;
      }
      filters[i].step(rf.input.p, rf.input.q, rf.filteredP, rf.filteredQ);
    }
    return frame;
  });
}
