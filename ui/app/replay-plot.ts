// The replay's overview plot (uPlot, #replay-plot): the operator's hand over the whole recording (the input as
// the device delivered it, per axis, mm from its start) with a line at the tick shown; a click seeks there.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RobotTrack } from './mcap-recording.ts';

const COLORS = ['#ff6b6b', '#54d17a', '#4ea1ff'];
const MAX_POINTS = 3000;

export class ReplayPlot {
  private plot: uPlot | undefined;
  private cursorT = 0;

  constructor(private readonly el: HTMLElement, private readonly onSeek: (t: number) => void) {}

  /** Shows a robot's recorded input (nothing when it had none: a scripted arm records its script's samples too). */
  load(track: RobotTrack | undefined, dt: number): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (!track || track.inputTicks.length === 0) return;
    const n = track.inputTicks.length, step = Math.max(1, Math.ceil(n / MAX_POINTS));
    const o = track.inputs[0];
    const data: number[][] = [[], [], [], []];
    for (let i = 0; i < n; i += step) {
      data[0].push(track.inputTicks[i] * dt);
      for (let a = 0; a < 3; a++) data[a + 1].push(((track.inputs[i][a] ?? 0) - (o[a] ?? 0)) * 1000);
    }
    const axis = { stroke: '#8b97a5', grid: { stroke: '#2a313a' }, ticks: { stroke: '#2a313a' } };
    this.plot = new uPlot({
      width: Math.max(200, this.el.clientWidth || 340),
      height: 150,
      scales: { x: { time: false } },
      axes: [axis, { ...axis, size: 44 }],
      legend: { live: false },
      series: [{ label: 't s' }, ...['x', 'y', 'z'].map((a, i) => ({ label: `${track.id} hand ${a}`, stroke: COLORS[i], width: 1, points: { show: false } }))],
      hooks: {
        draw: [(u: uPlot) => {
          const x = u.valToPos(this.cursorT, 'x', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#f3c244';
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        }],
      },
    }, data as uPlot.AlignedData, this.el);
    this.plot.over.addEventListener('click', () => {
      const u = this.plot;
      if (u && u.cursor.left !== undefined && u.cursor.left >= 0) this.onSeek(u.posToVal(u.cursor.left, 'x'));
    });
  }

  /** Moves the line to simulated time `t` (s). */
  show(t: number): void {
    this.cursorT = t;
    this.plot?.redraw(false, false);
  }
}
