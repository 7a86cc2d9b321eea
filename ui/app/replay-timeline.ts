// The replay timeline: play / pause (#replay-play), speed (#replay-speed), and seeking to a tick with the
// slider (#replay-slider) or the tick number (#replay-tick, applied on Enter or when it loses focus).
// Playing advances simulated time by the wall time × speed, once per animation frame.
import { byId } from './dom.ts';

export class ReplayTimeline {
  private first = 0;
  private last = 0;
  private current = 0;
  private playing = false;
  private speed = 1;
  private lastWall = 0;
  private simCarry = 0;
  private readonly play = byId<HTMLButtonElement>('replay-play');
  private readonly slider = byId<HTMLInputElement>('replay-slider');
  private readonly tickInput = byId<HTMLInputElement>('replay-tick');
  private readonly speedSelect = byId<HTMLSelectElement>('replay-speed');

  constructor(private readonly dtOf: () => number, private readonly onTick: (tick: number) => void) {
    this.play.addEventListener('click', () => (this.playing ? this.pause() : this.start()));
    this.speedSelect.addEventListener('change', () => { this.speed = Number(this.speedSelect.value) || 1; });
    this.slider.addEventListener('input', () => this.seek(Number(this.slider.value)));
    const fromInput = () => { if (this.tickInput.value !== '') this.seek(Math.round(Number(this.tickInput.value))); };
    this.tickInput.addEventListener('change', fromInput);
    this.tickInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') fromInput(); });
  }

  get tick(): number {
    return this.current;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** A new recording: ticks first…last, shown from the first. */
  load(first: number, last: number, step: number): void {
    this.pause();
    this.first = first;
    this.last = last;
    for (const el of [this.slider, this.tickInput]) {
      el.min = String(first);
      el.max = String(last);
      el.step = String(Math.max(1, step));
      el.disabled = false;
    }
    this.tickInput.step = '1';
    this.play.disabled = false;
    this.seek(first);
  }

  seek(tick: number): void {
    if (!Number.isFinite(tick)) return;
    this.current = Math.min(this.last, Math.max(this.first, Math.round(tick)));
    this.slider.value = String(this.current);
    if (document.activeElement !== this.tickInput || this.playing) this.tickInput.value = String(this.current);
    this.onTick(this.current);
  }

  start(): void {
    if (this.playing) return;
    if (this.current >= this.last) this.seek(this.first);
    this.playing = true;
    this.play.textContent = 'Pause';
    this.lastWall = performance.now();
    this.simCarry = 0;
    const frame = (now: number) => {
      if (!this.playing) return;
      this.simCarry += ((now - this.lastWall) / 1000) * this.speed;
      this.lastWall = now;
      const dt = this.dtOf();
      const ticks = Math.floor(this.simCarry / dt);
      if (ticks > 0) {
        this.simCarry -= ticks * dt;
        this.seek(this.current + ticks);
      }
      if (this.current >= this.last) this.pause();
      else requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  pause(): void {
    this.playing = false;
    this.play.textContent = 'Play';
  }
}
