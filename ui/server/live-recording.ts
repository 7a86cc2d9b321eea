// A live session's MCAP recording, through the same RunRecorder as `steadysim run --record`. It always starts
// with a fresh run of the scene (a recording must begin from the scenario's initial state to replay), records
// the live input exactly as the loop consumed it (the recorder wraps the input sources), and writes the
// operator's commands into the stored scenario as timeline `events`, with `duration` = what was recorded.
// Every `sync()` (the session calls it at least once a second) writes the queued chunks and the scenario so far,
// so a server killed mid-recording leaves a file that replays up to its last second.
import type { RunRecorder } from '../../scenarios/recording/recorder.ts';
import { recordedScenarioText, type LiveEvent } from './live-events.ts';

/** The scenario language's longest run (s): a live recording stops by itself there. */
export const MAX_RECORDING_S = 3600;

export class LiveRecording {
  private readonly events: LiveEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private done = false;
  /** Ticks recorded so far (ticks 0 … recordedTicks − 1 of the run). */
  recordedTicks = 0;

  constructor(
    readonly path: string,
    private readonly recorder: RunRecorder,
    private readonly scenarioText: string,
    private readonly dt: number,
  ) {}

  get active(): boolean {
    return !this.done;
  }

  /** An operator command applied at `e.t` (tick × dt): it goes into the stored scenario's events. */
  note(e: LiveEvent): void {
    if (!this.done) this.events.push(e);
  }

  /** The scenario as the recording will replay it, given `ticks` recorded. */
  scenario(ticks: number): string {
    const last = this.events.length ? this.events[this.events.length - 1].t : 0;
    const duration = Math.max(ticks * this.dt, last, this.dt);
    return recordedScenarioText(this.scenarioText, this.events, Math.round(duration * 1e9) / 1e9);
  }

  /** Writes what was queued and the scenario so far. `ticks`: how many ticks have run. */
  sync(ticks: number): Promise<void> {
    return this.serial(async () => {
      if (this.done) return;
      this.recordedTicks = ticks;
      await this.recorder.flush();
      await this.recorder.updateScenario(this.scenario(ticks));
    });
  }

  /** Finishes the file (summary, footer): it is complete and indexed. */
  finish(ticks: number): Promise<void> {
    return this.serial(async () => {
      if (this.done) return;
      this.recordedTicks = ticks;
      await this.recorder.updateScenario(this.scenario(ticks));
      this.done = true;
      await this.recorder.close(ticks);
    });
  }

  /** Closes the file without finishing it (the run failed): what was written stays readable. */
  abandon(): void {
    this.done = true;
    this.recorder.abandon();
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
