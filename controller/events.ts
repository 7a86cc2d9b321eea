// Every safety trigger and state change is an event with tick, time, robot, kind and detail:
// in the result, in the recording and on the page.

/** Every kind of event, in one list: the scenario schema's `expect: { event: … }` takes these names. */
export const EVENT_KINDS = [
  'watchdog', 'estop', 'non_finite', 'input_rejected', 'tracking_error', 'force_limit', 'joint_limit',
  'teleop_state', 'clutch', 'safe_state', 'reset', 'enable',
  // Injected faults and scenario actions (each says "(injected)" or names the change in its detail).
  'input_dropout', 'motor_fault', 'input_latency', 'packet_loss', 'sensor_noise', 'nan_input', 'set',
  // Task events.
  'target_reached',
  // Exoskeleton: safety triggers, the patient's intent (the truth, from the simulated patient), what the decoders
  // made of it, and the steps and walking bouts the device started.
  'velocity_limit', 'torque_limit', 'interaction_limit', 'drive_fault',
  'intent', 'intent_detected', 'step_start',
] as const;

export type EventKind = typeof EVENT_KINDS[number];

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

  /** Events of `kind` (of `robot`, if given) with t0 ≤ t ≤ t1 (s, as printed: tick × dt rounded to 1 ns). */
  between(kind: EventKind, t0: number, t1: number, robot?: string): SimEvent[] {
    return this.events.filter((e) => e.kind === kind && (robot === undefined || e.robot === robot) && e.t >= t0 && e.t <= t1);
  }
}

/** Times printed to people: tick × dt without the float noise (0.30000000000000004 → 0.3). */
export function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
