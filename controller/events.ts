// Every safety trigger and state change is an event with tick, time, robot, kind and detail:
// in the result, in the recording and on the page.

export type EventKind =
  | 'watchdog' | 'estop' | 'non_finite' | 'input_rejected' | 'tracking_error' | 'force_limit' | 'joint_limit'
  | 'teleop_state' | 'clutch' | 'safe_state' | 'reset' | 'enable' | 'input_dropout' | 'motor_fault';

export interface SimEvent {
  readonly tick: number;
  readonly t: number;
  /** Robot id, or null for run-wide events (emergency stop). */
  readonly robot: string | null;
  readonly kind: EventKind;
  readonly value?: number;
  readonly detail: string;
}

export class EventLog {
  readonly events: SimEvent[] = [];

  constructor(private readonly dt: number) {}

  emit(tick: number, robot: string | null, kind: EventKind, detail: string, value?: number): void {
    const e: SimEvent = value === undefined
      ? { tick, t: round9(tick * this.dt), robot, kind, detail }
      : { tick, t: round9(tick * this.dt), robot, kind, value, detail };
    this.events.push(e);
  }

  count(kind: EventKind, robot?: string): number {
    let n = 0;
    for (const e of this.events) if (e.kind === kind && (robot === undefined || e.robot === robot)) n++;
    return n;
  }
}

/** Times printed to people: tick × dt without the float noise (0.30000000000000004 → 0.3). */
export function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
