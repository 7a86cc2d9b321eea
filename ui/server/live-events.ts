// Operator commands of a live session as scenario timeline events. A command that arrives between ticks k−1
// and k is applied to the frame before tick k, exactly as the timeline applies an event scheduled at tick k
// (scenarios/timeline.ts): so a recording whose scenario lists the live commands as `events` (before its own
// events, as they were applied first) replays them at the same ticks, and `steadysim replay --verify` matches.
import { parseDocument } from 'yaml';
import type { EventLog } from '../../controller/events.ts';
import type { TickFrame } from '../../controller/frame.ts';
import type { ExoFrame } from '../../controller/exo/exo-frame.ts';
import { describeTremorFilter } from '../../controller/filters/tremor-filter.ts';
import { requestExoSetting } from '../../controller/exo/controllers.ts';
import { eventSchema, type ScenarioEvent } from '../../scenarios/schema.ts';

/** The kinds of event a live operator can cause. */
export type LiveEvent = Extract<ScenarioEvent, { kind: 'estop' | 'reset' | 'enable' | 'disable' | 'set' }>;
/** A live event before it is given its time (that of the tick it is applied at). */
export type LiveEventInput = { [K in LiveEvent['kind']]: Omit<Extract<LiveEvent, { kind: K }>, 't'> }[LiveEvent['kind']];

/**
 * Applies a live event to the frame before tick `tick` runs (the same frame fields the timeline sets).
 * `index`: robot id → position in the frame. In the exoskeleton's scene (`exo`: its frame, whose robot is not in
 * the tick frame) the emergency stop, reset, enable and its `set` go to it, as its scenario timeline sends them.
 */
export function applyLiveEvent(frame: TickFrame, log: EventLog, index: ReadonlyMap<string, number>, e: LiveEvent, tick: number, exo?: ExoFrame): void {
  switch (e.kind) {
    case 'estop':
      for (const rf of frame.robots) rf.estop = true;
      if (exo) exo.estop = true;
      break;
    case 'reset':
      for (const rf of frame.robots) rf.requestReset = true;
      if (exo) exo.requestReset = true;
      break;
    case 'enable':
      if (exo && exo.hw.id === e.robot) exo.requestEnable = true;
      else frame.robots[index.get(e.robot)!].requestEnable = true;
      break;
    case 'disable':
      frame.robots[index.get(e.robot)!].requestDisable = true;
      break;
    case 'set': {
      if (exo && exo.hw.id === e.robot) {
        log.emit(tick, e.robot, 'set', `set ${requestExoSetting(exo, e.controller, e.guidance)} (live)`, e.guidance);
        break;
      }
      const rf = frame.robots[index.get(e.robot)!];
      if (e.scale !== undefined) rf.requestScale = e.scale;
      if (e.tremor_filter !== undefined) rf.requestTremorFilter = e.tremor_filter;
      const what = [
        e.scale !== undefined ? `scale ${e.scale}` : '',
        e.tremor_filter !== undefined ? `tremor filter: ${describeTremorFilter(e.tremor_filter)}` : '',
      ].filter(Boolean).join(', ');
      log.emit(tick, e.robot, 'set', `set ${what} (live)`, e.scale);
      break;
    }
  }
}

/**
 * Validates a live event as the scenario language does (so the recording's scenario parses), filling in its
 * defaults; throws the first problem as a message.
 */
export function parseLiveEvent(e: LiveEventInput): LiveEventInput {
  const r = eventSchema.safeParse({ t: 0, ...e });
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  const { t: _t, ...rest } = r.data as LiveEvent;
  return rest as LiveEventInput;
}

/**
 * The scenario text of a live recording: the scene's own text with `duration` set to what was recorded and the
 * live events (each `t` = its tick × dt) listed before the scene's own events. Comments and layout are kept.
 */
export function recordedScenarioText(text: string, events: readonly LiveEvent[], duration: number): string {
  const doc = parseDocument(text);
  const own = (doc.toJS() as { events?: unknown[] } | null)?.events ?? [];
  doc.set('duration', duration);
  if (events.length > 0) doc.set('events', doc.createNode([...events, ...own], { flow: false }));
  return doc.toString({ lineWidth: 0 });
}
